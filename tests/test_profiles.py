"""Scale-out profiles: SLURM (as far as a machine without SLURM can check) and a local stand-in cluster."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "tiny.yaml"
SLURM = REPO / "profiles" / "slurm"
LOCAL_CLUSTER = REPO / "profiles" / "local-cluster"
SUBMIT = LOCAL_CLUSTER / "submit.py"


def job_resources(output: str, rule: str) -> str:
    """The ``resources:`` line Snakemake printed for the first job of ``rule``."""
    match = re.search(rf"^(?:local)?rule {rule}:\n(?:\s{{4}}.*\n)*?\s{{4}}resources: (.*)$", output, re.MULTILINE)
    assert match, f"no job of rule {rule} in the output"
    return match.group(1)


def test_slurm_profile_dry_run_resolves_resources(tmp_path, snakemake_in):
    result = snakemake_in(tmp_path, "-n", "--profile", SLURM, "reports/summary.json", "--configfile", TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert f"Using profile {SLURM}" in output
    dataset = job_resources(output, "make_dataset")
    assert "slurm_partition=CHANGE_ME" in dataset and "runtime=30" in dataset and "mem_mb=2000" in dataset
    assert "mem_mb=4000" in job_resources(output, "optimize_tensorflow")


def test_slurm_profile_builds_the_sbatch_call(tmp_path, snakemake_in, monkeypatch):
    """A fake sbatch records the call the plugin makes, then refuses it (no SLURM here)."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "sbatch-calls.txt"
    bin_dir.mkdir()
    for command in ("sbatch", "sinfo", "squeue", "sacct", "scontrol", "sacctmgr"):
        fake = bin_dir / command
        fake.write_text(f'#!/bin/sh\necho "{command} $*" >> {shlex.quote(str(calls))}\nexit 1\n', encoding="utf-8")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin")
    workdir = tmp_path / "work"
    workdir.mkdir()
    quick = ["--retries", "0", "--slurm-init-seconds-before-status-checks", "1"]  # fail fast, no 40 s wait
    result = snakemake_in(workdir, "--profile", SLURM, *quick, "results/line/dataset.npz", "--configfile", TINY)
    assert result.returncode != 0  # the fake sbatch refused the job
    sbatch = [line for line in calls.read_text(encoding="utf-8").splitlines() if line.startswith("sbatch ")]
    assert len(sbatch) == 1, sbatch
    for flag in ("-p CHANGE_ME", "-t 30", "--mem 2000", "--cpus-per-task=1", "--target-jobs 'make_dataset:experiment=line'"):
        assert flag in sbatch[0], flag
    assert not (workdir / "results").exists()


def write_jobscript(path: Path, markers: Path, jobid: int, inputs: list[str], outputs: list[str], command: str) -> None:
    """A jobscript shaped like the ones snakemake-executor-plugin-cluster-generic writes."""
    properties = {"type": "single", "rule": "probe", "input": inputs, "output": outputs, "log": [], "jobid": jobid}
    finished, failed = markers / f"{jobid}.jobfinished", markers / f"{jobid}.jobfailed"
    path.write_text(
        "#!/bin/sh\n"
        f"# properties = {json.dumps(properties)}\n"
        f"cd {shlex.quote(str(path.parent))} && {command} && touch '{finished}' || (touch '{failed}'; exit 1)\n",
        encoding="utf-8",
    )


def submit_and_wait(workdir: Path, jobscript: Path, markers: Path, jobid: int) -> str:
    """Submit through the stand-in; 'finished' or 'failed' once its marker appears."""
    submitted = subprocess.run([sys.executable, SUBMIT, jobscript], cwd=workdir, capture_output=True, text=True, check=True)
    assert submitted.stdout.strip().isdigit()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for state in ("finished", "failed"):
            if (markers / f"{jobid}.job{state}").exists():
                return state
        time.sleep(0.05)
    raise AssertionError("the job never finished")


def test_stand_in_runs_jobs_with_only_their_declared_inputs(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "declared.txt").write_text("declared\n", encoding="utf-8")
    (tmp_path / "data" / "undeclared.txt").write_text("undeclared\n", encoding="utf-8")
    copy = "mkdir -p out && cat data/{name}.txt > out/{name}.txt"

    write_jobscript(tmp_path / "ok.sh", markers, 1, ["data/declared.txt"], ["out/declared.txt"], copy.format(name="declared"))
    assert submit_and_wait(tmp_path, tmp_path / "ok.sh", markers, 1) == "finished"
    assert (tmp_path / "out" / "declared.txt").read_text(encoding="utf-8") == "declared\n"

    write_jobscript(tmp_path / "sneaky.sh", markers, 2, ["data/declared.txt"], ["out/undeclared.txt"], copy.format(name="undeclared"))
    assert submit_and_wait(tmp_path, tmp_path / "sneaky.sh", markers, 2) == "failed"
    assert not (tmp_path / "out" / "undeclared.txt").exists()

    jobs = [line.split("\t") for line in (tmp_path / "logs" / "cluster" / "jobs.tsv").read_text().splitlines()]
    assert [rule for rule, _, _ in jobs] == ["probe", "probe"]
    assert len({pid for _, pid, _ in jobs}) == 2


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory, snakemake_in):
    """The tiny workflow's default target, every job submitted through profiles/local-cluster."""
    workdir = tmp_path_factory.mktemp("local_cluster")
    result = snakemake_in(workdir, "--profile", LOCAL_CLUSTER, "--configfile", TINY, timeout=1500)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir, result.stdout + result.stderr


@pytest.mark.slow  # the whole tiny workflow through the profile (~35 s); the chunk test below keeps one in make test
def test_local_cluster_runs_every_job_in_its_own_process(cluster_run):
    workdir, output = cluster_run
    assert (workdir / "reports" / "index.html").is_file()
    submitted = re.findall(r"^Submitted job (\d+) with external jobid '(\d+)'", output, re.MULTILINE)
    jobs = [line.split("\t") for line in (workdir / "logs" / "cluster" / "jobs.tsv").read_text().splitlines()]
    assert submitted and len(jobs) == len(submitted)
    assert sorted(jobid for _, _, jobid in jobs) == sorted(jobid for jobid, _ in submitted)
    assert len({pid for _, pid, _ in jobs}) == len(jobs), "two jobs shared a process"
    assert {"make_dataset", "optimize_numpy", "optimize_tensorflow", "render_valley", "summarize"} <= {r for r, _, _ in jobs}


@pytest.mark.slow
def test_local_cluster_run_reproduces_the_local_run(cluster_run, tiny_workflow, file_digests, summary_numbers, snakemake_in):
    """Two clean runs (local and stand-in cluster): identical results/ bytes, same numbers."""
    workdir, _ = cluster_run
    assert file_digests(workdir / "results") == file_digests(tiny_workflow / "results")
    assert summary_numbers(workdir / "reports" / "summary.json") == summary_numbers(tiny_workflow / "reports" / "summary.json")
    again = snakemake_in(workdir, "-n", "--configfile", TINY)
    assert "Nothing to be done" in again.stdout + again.stderr  # job metadata was recorded by the main process


def test_local_cluster_jobs_read_the_workdirs_config_yaml(tmp_path, snakemake_in):
    """Without --configfile the Snakefile reads ./config.yaml, which jobs are not passed explicitly."""
    (tmp_path / "config.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    result = snakemake_in(tmp_path, "--profile", LOCAL_CLUSTER, "results/line/dataset.npz")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "results" / "line" / "dataset.npz").is_file()


def test_local_cluster_submits_each_model_sweep_chunk_as_its_own_job(tmp_path, snakemake_in):
    """A model sweep with chunks: 3 through the stand-in cluster: three sweep_model_chunk jobs, each its own
    process, gathered into the very cells one piece gives (equal final weights)."""
    import numpy as np
    import yaml

    from momentumlab.config import parse_model_experiment
    from momentumlab.model.data import load_classification
    from momentumlab.model.sweep import load_sweep, run_sweep

    entry = {"problem": "mlp", "dataset": {"kind": "moons", "n_points": 60, "noise": 0.2}, "params": {"hidden": [4]},
             "batch_size": 8, "steps": 20, "backends": ["numpy"], "seed": 3,
             "sweep": {"lr_points": 3, "momentum_points": 2, "chunks": 3},
             "optimizers": {"momentum": {"method": "momentum", "lr": 0.1, "momentum": 0.9}}}
    config = tmp_path / "models.yaml"
    config.write_text(yaml.safe_dump({"experiments": {"moons": entry}, "slides": {"enabled": False}}), encoding="utf-8")
    result = snakemake_in(tmp_path, "--profile", LOCAL_CLUSTER, "results/moons/model_sweep.npz", "--configfile", config)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    jobs = [line.split("\t") for line in (tmp_path / "logs" / "cluster" / "jobs.tsv").read_text().splitlines()]
    chunks = [pid for rule, pid, _ in jobs if rule == "sweep_model_chunk"]
    assert len(chunks) == 3 and len(set(chunks)) == 3
    assert [rule for rule, _, _ in jobs].count("sweep_model") == 1
    data = load_classification(tmp_path / "results" / "moons" / "dataset.npz")
    whole = run_sweep(parse_model_experiment("moons", {**entry, "sweep": {**entry["sweep"], "chunks": 1}}, data=data), data)
    np.testing.assert_array_equal(load_sweep(tmp_path / "results" / "moons" / "model_sweep.npz").final_weights, whole.final_weights)
