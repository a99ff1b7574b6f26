"""Where the default pipeline's seconds go (not a test): ``python benchmarks/pipeline.py [--runs 3]``.

Each run copies the project (its tracked and new files) to a temporary directory and runs
``snakemake --cores CORES`` there from clean results. Every Python process of the run loads the
probe of ``tools/job_probe.py`` (a ``sitecustomize`` module on ``PYTHONPATH``) that records, at exit, its job (rule and
wildcards), start and end time, CPU seconds (its own and its waited-for children's, such as
ffmpeg), its input and output files and whether it imported TensorFlow or matplotlib. From
those records it prints, as ``name: value`` lines:

- ``job <rule>[<wildcards>]``: wall and CPU seconds of each job, medians over the runs, slowest first;
- ``critical_path``: the chain of dependent jobs (by their files) whose wall times add up to the
  most, with that sum and the share of the total it explains;
- ``startup <script>``: CPU seconds of a fresh interpreter that only runs a script's top-level
  imports (what each job of that kind pays before any work), and of ``import tensorflow``;
- ``dry_run_s``: ``snakemake -n`` (parsing the Snakefile and the config, building the DAG);
- ``pipeline_median_s``: the median wall time of the runs.

On a shared machine wall times are inflated; CPU seconds and the critical path are the figures
to compare. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
sys.path.insert(0, str(ROOT / "tools"))
from job_probe import install_probe, probed_environment  # noqa: E402  (tools/ is not a package)

def project_copy(destination: Path) -> Path:
    """The project's tracked and new (not ignored) files, copied under ``destination``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split("\0")
    project = destination / "project"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    return project


def job_name(record: dict[str, Any]) -> str:
    """``rule[wildcard=value,...]``."""
    wildcards = ",".join(f"{k}={v}" for k, v in sorted(record["wildcards"].items()))
    return f"{record['rule']}[{wildcards}]" if wildcards else record["rule"]


def run_pipeline(cores: int) -> tuple[float, list[dict[str, Any]]]:
    """One run from clean results: (wall seconds, one record per job)."""
    with tempfile.TemporaryDirectory(prefix="momentumlab-pipeline-") as scratch:
        scratch_dir = Path(scratch)
        project = project_copy(scratch_dir)
        probe = install_probe(scratch_dir / "probe")
        records = scratch_dir / "jobs.jsonl"
        began = time.perf_counter()
        subprocess.run([str(SNAKEMAKE), "--cores", str(cores), "--quiet", "all"], cwd=project, check=True,
                       env=probed_environment(project / "src", probe, records), stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - began
        jobs = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    return wall, jobs


def critical_path(jobs: list[dict[str, Any]]) -> tuple[list[str], float]:
    """The chain of dependent jobs with the largest sum of wall times, and that sum."""
    producer = {path: job_name(job) for job in jobs for path in job["output"]}
    wall = {job_name(job): job["end"] - job["start"] for job in jobs}
    needs = {job_name(job): sorted({producer[p] for p in job["input"] if p in producer}) for job in jobs}
    best: dict[str, tuple[float, list[str]]] = {}

    def longest(name: str) -> tuple[float, list[str]]:
        if name not in best:
            before = max((longest(n) for n in needs[name]), default=(0.0, []))
            best[name] = (before[0] + wall[name], [*before[1], name])
        return best[name]

    seconds, chain = max(longest(name) for name in wall)
    return chain, seconds


def top_level_imports(script: Path) -> str:
    """The import statements of a script's module level (those a job pays before its work)."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return "\n".join(ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))


def cpu_of(code: str, env: dict[str, str]) -> float:
    """CPU seconds of a fresh interpreter running ``code``."""
    before = os.times()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def startup_costs() -> dict[str, float]:
    """CPU seconds of each script's imports in a fresh interpreter, and of the common pieces."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    costs = {"python": cpu_of("pass", env), "snakemake.script": cpu_of("import snakemake.script", env),
             "tensorflow": cpu_of("import tensorflow", env), "matplotlib.pyplot": cpu_of("import matplotlib.pyplot", env)}
    for script in sorted((ROOT / "scripts").glob("*.py")):
        costs[script.name] = cpu_of(top_level_imports(script), env)
    return costs


def dry_run_seconds() -> float:
    """Wall seconds of ``snakemake -n`` in the project (parse, validate, build the DAG)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="momentumlab-dry-") as scratch:
        project = project_copy(Path(scratch))
        began = time.perf_counter()
        subprocess.run([str(SNAKEMAKE), "-n", "--cores", "4", "--quiet", "all"], cwd=project, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cores", type=int, default=4)
    args = parser.parse_args()

    walls, runs = [], []
    for index in range(args.runs):
        wall, jobs = run_pipeline(args.cores)
        walls.append(wall)
        runs.append(jobs)
        print(f"run_{index + 1}_s: {wall:.1f}", flush=True)

    per_job: dict[str, dict[str, list[float]]] = {}
    for jobs in runs:
        for job in jobs:
            times = per_job.setdefault(job_name(job), {"wall": [], "cpu": [], "children": []})
            times["wall"].append(job["end"] - job["start"])
            times["cpu"].append(job["cpu"])
            times["children"].append(job["children_cpu"])
    flags = {job_name(job): "".join(["T" if job["tensorflow"] else "", "M" if job["matplotlib"] else ""])
             for job in runs[-1]}
    median = {name: {k: statistics.median(v) for k, v in times.items()} for name, times in per_job.items()}
    print("# job: wall s, CPU s, of which child processes (ffmpeg); medians. T imports TensorFlow, M matplotlib")
    for name, times in sorted(median.items(), key=lambda item: -item[1]["cpu"]):
        print(f"job {name}: wall {times['wall']:.2f} cpu {times['cpu']:.2f} children {times['children']:.2f} "
              f"{flags.get(name, '')}".rstrip())
    print(f"jobs_cpu_total_s: {sum(t['cpu'] for t in median.values()):.1f}")
    print(f"jobs_with_tensorflow: {sum('T' in f for f in flags.values())}")
    print(f"jobs_with_matplotlib: {sum('M' in f for f in flags.values())}")

    chain, seconds = critical_path(runs[-1])
    print(f"critical_path: {' -> '.join(chain)}")
    print(f"critical_path_s: {seconds:.1f} (last run, {seconds / walls[-1]:.0%} of its {walls[-1]:.1f} s)")

    for name, cpu in startup_costs().items():
        print(f"startup {name}: cpu {cpu:.2f}")
    print(f"dry_run_s: {dry_run_seconds():.2f}")
    print(f"pipeline_median_s: {statistics.median(walls):.1f}")


if __name__ == "__main__":
    main()
