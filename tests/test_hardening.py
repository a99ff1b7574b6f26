"""Hardening: bad configs refused before any job, divergence survives, interruptions recover."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import pytest
import yaml

from momentumlab.config import parse_config
from momentumlab.files import read_npz

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "tiny.yaml"
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
JOB_LINE = re.compile(r"^(local)?rule \w+:", re.MULTILINE)


def tiny_config() -> dict:
    """A fresh copy of tests/tiny.yaml."""
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def changed(path: list[str], value: object) -> dict:
    """tests/tiny.yaml with the key at ``path`` set to ``value``."""
    config = tiny_config()
    node = config
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return config


def with_escape_experiment() -> dict:
    config = tiny_config()
    config["experiments"]["../escape"] = copy.deepcopy(config["experiments"]["line"])
    return config


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime (ns) of every file under ``folder``."""
    files = (path for path in folder.rglob("*") if path.is_file())
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns) for path in files}


def existing_reports(workdir: Path) -> dict[str, tuple[bytes, int]]:
    """A reports/ folder as an earlier run left it, with old mtimes."""
    (workdir / "reports" / "line").mkdir(parents=True)
    for name, text in {"index.html": "<html>old report</html>", "summary.json": "{}", "line/compare.gif": "GIF89a"}.items():
        path = workdir / "reports" / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return snapshot(workdir / "reports")


def assert_nothing_ran(workdir: Path, result: subprocess.CompletedProcess, before: dict) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert not JOB_LINE.search(result.stdout + result.stderr), "a job was started"
    assert not (workdir / "results").exists() and not (workdir / "logs").exists()
    assert snapshot(workdir / "reports") == before


SGD = ["experiments", "line", "optimizers", "sgd"]
HEAVY_BALL = ["experiments", "valley", "optimizers", "momentum"]
BAD_CONFIGS = {  # case: (config, the key path the error must name)
    "negative_lr": (changed([*SGD, "lr"], -0.01), ".".join([*SGD, "lr"])),
    "lr_as_text": (changed([*SGD, "lr"], "0.01"), ".".join([*SGD, "lr"])),
    "unknown_method": (changed([*SGD, "method"], "adabelief"), ".".join([*SGD, "method"])),
    "momentum_one": (changed([*HEAVY_BALL, "momentum"], 1.0), ".".join([*HEAVY_BALL, "momentum"])),
    "escape_name": (with_escape_experiment(), "experiments"),
    "lr_nan": (changed([*SGD, "lr"], float("nan")), ".".join([*SGD, "lr"])),
    "kappa_on_rosenbrock": (changed(["experiments", "valley", "params"], {"kappa": 10}), "experiments.valley.params.kappa"),
    "momentum_on_sgd": (changed([*SGD, "momentum"], 0.9), ".".join([*SGD, "momentum"])),
    "sweep_over_budget": (changed(["sweep"], {"lr_points": 4096, "momentum_points": 4096, "steps": 100000}),
                          "experiments.line.sweep"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_is_refused_before_any_job(case, tmp_path, snakemake_in):
    config, key_path = BAD_CONFIGS[case]
    before = existing_reports(tmp_path)
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = snakemake_in(tmp_path, "--cores", "1", "--configfile", "bad.yaml")
    assert_nothing_ran(tmp_path, result, before)
    errors = [line for line in result.stderr.splitlines() if line.startswith("config error")]
    assert len(errors) == 1 and errors[0].startswith(f"config error at {key_path}: "), result.stderr


def test_yaml_syntax_error_in_config_yaml_is_one_line(tmp_path, snakemake_in):
    before = existing_reports(tmp_path)
    (tmp_path / "config.yaml").write_text("experiments:\n  line: {problem: [oops\n", encoding="utf-8")
    result = snakemake_in(tmp_path, "--cores", "1")
    assert_nothing_ran(tmp_path, result, before)
    assert re.fullmatch(r"config error in \S*config\.yaml line \d+, column \d+: .+", result.stderr.strip()), result.stderr


def test_yaml_syntax_error_via_configfile_is_refused_by_snakemake(tmp_path, snakemake_in):
    """Snakemake parses --configfile itself, before the Snakefile runs: its message is generic."""
    before = existing_reports(tmp_path)
    (tmp_path / "mine.yaml").write_text("experiments:\n  line: {problem: [oops\n", encoding="utf-8")
    result = snakemake_in(tmp_path, "--cores", "1", "--configfile", "mine.yaml")
    assert_nothing_ran(tmp_path, result, before)
    assert "Config file is not valid JSON or YAML" in result.stderr


@pytest.mark.parametrize("target", ["results/a/b/dataset.npz", "reports/x.y/sgd-numpy.gif"])
def test_names_outside_the_pattern_match_no_rule(target, tmp_path, snakemake_in):
    (tmp_path / "tiny.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    result = snakemake_in(tmp_path, "-n", target, "--configfile", "tiny.yaml")
    assert result.returncode != 0
    assert "MissingRuleException" in result.stdout + result.stderr


def assert_outputs_valid(workdir: Path) -> None:
    """Every archive loads, every GIF decodes to the end, every JSON parses."""
    for archive in (workdir / "results").rglob("*.npz"):
        read_npz(archive)
    for gif in (workdir / "reports").rglob("*.gif"):
        assert iio.imread(gif, index=None).shape[0] >= 1
    for path in (workdir / "reports").rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_diverging_runs_are_recorded_not_fatal(tmp_path, snakemake_in):
    config = tiny_config()
    for experiment in config["experiments"].values():
        for optimizer in experiment["optimizers"].values():
            optimizer["lr"] = 10
    (tmp_path / "diverge.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    targets = ["reports/summary.json", "reports/valley/compare.gif", "reports/line/momentum-numpy.gif"]
    result = snakemake_in(tmp_path, "--cores", "2", *targets, "--configfile", "diverge.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    runs = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))["runs"]
    assert len(runs) == sum(len(experiment.runs) for experiment in parse_config(config).experiments)
    for run in runs:
        assert run["diverged"] is True and 1 <= run["diverged_at"] <= run["steps"], run
    assert_outputs_valid(tmp_path)


def start_in_background(workdir: Path, *args: str) -> subprocess.Popen:
    """Snakemake in its own session (so its whole process group can be killed)."""
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), *args]
    log = open(workdir / "interrupted.log", "w", encoding="utf-8")
    return subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_log(process: subprocess.Popen, workdir: Path, pattern: str, timeout: float = 600,
                 every: float = 0.1) -> None:
    """Block until a file matching ``pattern`` exists (a job log: that job has started its work)."""
    deadline = time.monotonic() + timeout
    while not list(workdir.glob(pattern)):
        assert process.poll() is None, "the workflow finished before the job we meant to interrupt"
        assert time.monotonic() < deadline, f"no {pattern} after {timeout} s"
        time.sleep(every)


def wait_until_gone(group: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    raise AssertionError("the interrupted process group is still alive")


def visible_files(folder: Path) -> set[Path]:
    """Every file under ``folder`` except hidden ones (temporary files are hidden)."""
    return {path.relative_to(folder) for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")}


def assert_same_results(workdir: Path, reference: Path, file_digests, summary_numbers) -> None:
    """Every results/ file of ``workdir`` is byte-identical to the clean run's; same numbers."""
    produced, clean = file_digests(workdir / "results"), file_digests(reference / "results")
    assert produced and produced == {name: clean.get(name) for name in produced}
    assert summary_numbers(workdir / "reports" / "summary.json") == summary_numbers(reference / "reports" / "summary.json")


def test_sigterm_during_optimization_then_plain_rerun(tmp_path, snakemake_in, tiny_workflow, file_digests):
    targets = ["results/line/tensorflow.npz", "results/valley/tensorflow.npz", "results/valley/numpy.npz"]
    process = start_in_background(tmp_path, "--cores", "2", *targets, "--configfile", str(TINY))
    wait_for_log(process, tmp_path, "logs/optimize_tensorflow.log")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)
    wait_until_gone(process.pid)
    assert process.returncode != 0
    result = snakemake_in(tmp_path, "--cores", "2", *targets, "--configfile", str(TINY))
    assert result.returncode == 0, result.stderr[-3000:]  # Snakemake cleaned up after itself: no flag needed
    assert_outputs_valid(tmp_path)
    produced, clean = file_digests(tmp_path / "results"), file_digests(tiny_workflow / "results")
    assert set(targets) <= {f"results/{name}" for name in produced}
    assert produced == {name: clean.get(name) for name in produced}


def test_sigkill_of_the_group_during_a_render_then_rerun(tmp_path, snakemake_in, tiny_workflow, file_digests, summary_numbers):
    process = start_in_background(tmp_path, "--cores", "2", "--configfile", str(TINY))
    wait_for_log(process, tmp_path, "logs/render/*.log")
    wait_for_log(process, tmp_path, "reports/*/.*tmp*", every=0.005)  # a render is half-way through writing a file
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    wait_until_gone(process.pid)
    rerun = ["--cores", "2", "--configfile", str(TINY)]
    remedies = []
    result = snakemake_in(tmp_path, *rerun)
    while result.returncode != 0 and len(remedies) < 3:
        if "LockException" in result.stderr:  # the killed run's lock is left behind
            remedies.append("--unlock")
            assert snakemake_in(tmp_path, "--unlock", "--configfile", str(TINY)).returncode == 0
        elif "--rerun-incomplete" in result.stderr:  # a job was killed between two of its outputs
            remedies.append("--rerun-incomplete")
            rerun.append("--rerun-incomplete")
        else:
            break
        result = snakemake_in(tmp_path, *rerun)
    assert "--unlock" in remedies and set(remedies) <= {"--unlock", "--rerun-incomplete"}, remedies
    assert result.returncode == 0, result.stderr[-3000:]
    assert_outputs_valid(tmp_path)
    assert_same_results(tmp_path, tiny_workflow, file_digests, summary_numbers)
    assert file_digests(tmp_path / "results").keys() == file_digests(tiny_workflow / "results").keys()
    assert visible_files(tmp_path / "reports") == visible_files(tiny_workflow / "reports")  # no temp file left over
