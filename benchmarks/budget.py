"""The budget's calibration (not a test): ``python benchmarks/budget.py [--only NAME]``.

Runs representative configs (``CASES``: small but not tiny, each stressing what one kind of
job computes and keeps — tuned grids, sweep chunks, TensorFlow runs, stored epoch orders,
recorded weights and frames, model sweep chunks) through the real workflow, one job at a time
(``snakemake --cores 1``), every job probed by ``tools/job_probe.py`` for its peak resident
memory and wall time. Prints, per job, the estimate of ``momentumlab.config.budget`` beside
what was measured, then per job kind the range of the ratios estimate / measured. The
calibration aims at memory ratios within [0.8, 2] (a job never above 1.25 × its estimate,
an estimate never above twice the job) and time ratios within [0.5, 2]. The machine's load
average is printed first: on a shared machine wall times are inflated (ratios below 1), so time is
also compared with each job's CPU seconds (its own and its children's; a job runs one thread).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from job_probe import peak_bytes, run_probed  # noqa: E402  (tools/ is not a package)

from momentumlab.config import estimate_jobs, parse_config  # noqa: E402

ANIMATION = {"width": 320, "height": 180, "fps": 12, "frames": 24, "hold_seconds": 0.0, "formats": ["gif"]}
MOONS = {"kind": "moons", "n_points": 2000, "noise": 0.2}

CASES: dict[str, dict[str, Any]] = {
    # a tuned heavy ball and Adam on a grid the sweep does not run; a chunked sweep; a regression
    "tuned_2d": {
        "experiments": {
            "bowl": {"problem": "quadratic", "params": {"kappa": 50}, "steps": 400,
                     "sweep": {"enabled": False, "lr_points": 300, "momentum_points": 300},
                     "optimizers": {"hb": {"method": "momentum", "lr": "tuned", "momentum": "tuned"},
                                    "adam": {"method": "adam", "lr": "tuned"}}},
            "line": {"problem": "linear_regression", "params": {"n_points": 200000}, "steps": 3000,
                     "sweep": {"lr_points": 200, "momentum_points": 150, "steps": 1500, "chunks": 2},
                     "optimizers": {"sgd": {"method": "sgd", "lr": 0.01},
                                    "momentum": {"method": "momentum", "lr": 0.01, "momentum": 0.9}}},
        },
    },
    # a tuned grid of a million runs (the sweep disabled), on the quadratic and on Rosenbrock
    "tuned_grid": {
        "experiments": {
            "bowl": {"problem": "quadratic", "steps": 60, "backends": ["numpy"], "sweep": {"enabled": False, "lr_points": 1000, "momentum_points": 1000},
                     "optimizers": {"hb": {"method": "momentum", "lr": "tuned", "momentum": "tuned"}}},
            "valley": {"problem": "rosenbrock", "steps": 60, "backends": ["numpy"], "sweep": {"enabled": False, "lr_points": 500, "momentum_points": 500},
                       "optimizers": {"hb": {"method": "momentum", "lr": "tuned", "momentum": "tuned"}}},
        },
    },
    # full-batch training on a large data set (issue 24: model training time underestimated 2–3×)
    "model_full_batch": {
        "experiments": {
            "moons": {"problem": "mlp", "dataset": {"kind": "moons", "n_points": 40000, "noise": 0.2},
                      "params": {"hidden": [16, 16]}, "steps": 150, "seeds": 2, "backends": ["numpy"], "sweep": {"enabled": False},
                      "optimizers": {"sgd": {"method": "sgd", "lr": 0.1},
                                     "momentum": {"method": "momentum", "lr": 0.05, "momentum": 0.9}}},
        },
    },
    # TensorFlow: 2-D runs, their sweep's spot checks and a model sweep's spot checks in one job
    "tensorflow": {
        "experiments": {
            "valley": {"problem": "rosenbrock", "steps": 4000, "backends": ["numpy", "tensorflow"],
                       "sweep": {"lr_points": 20, "momentum_points": 10, "steps": 2000},
                       "optimizers": {"momentum": {"method": "momentum", "lr": 1e-3, "momentum": 0.9}}},
            "moons": {"problem": "mlp", "dataset": MOONS, "params": {"hidden": [32, 32]}, "batch_size": 64, "steps": 1500,
                      "backends": ["numpy", "tensorflow"], "sweep": {"lr_points": 4, "momentum_points": 3},
                      "optimizers": {"sgd": {"method": "sgd", "lr": 0.1},
                                     "momentum": {"method": "momentum", "lr": 0.05, "momentum": 0.9}}},
        },
    },
    # many records (weights and decision-region frames) and paired seeds
    "model_records": {
        "experiments": {
            "moons": {"problem": "mlp", "dataset": MOONS, "params": {"hidden": [32, 32]}, "batch_size": 100,
                      "steps": 4000, "record_every": 2, "seeds": 3, "backends": ["numpy"], "sweep": {"enabled": False},
                      "optimizers": {"sgd": {"method": "sgd", "lr": 0.1},
                                     "momentum": {"method": "momentum", "lr": 0.05, "momentum": 0.9}}},
        },
    },
    # stored epoch orders (a batch just over half the training set: one batch per epoch), a chunked model sweep
    "model_orders": {
        "experiments": {
            "blobs": {"problem": "logistic_regression", "dataset": {"kind": "blobs", "n_points": 6000, "classes": 4},
                      "batch_size": 2300, "steps": 6000, "backends": ["numpy"],
                      "sweep": {"lr_points": 12, "momentum_points": 10, "steps": 600, "chunks": 3},
                      "optimizers": {"momentum": {"method": "momentum", "lr": 0.1, "momentum": 0.9}}},
        },
    },
}


def config_of(case: dict[str, Any]) -> dict[str, Any]:
    """A case as a whole config: no slides, small animations."""
    return {"title": "Budget calibration", "animation": ANIMATION, "slides": {"enabled": False}, **case}


Row = tuple[str, float, float, float, float, float]


def measure(name: str, raw: dict[str, Any], scratch: Path) -> list[Row]:
    """Run the case's workflow; (job, estimated bytes, measured bytes, estimated s, measured wall s, CPU s) per job."""
    config = parse_config(raw)
    workdir = scratch / name
    workdir.mkdir()
    configfile = workdir / "config.yaml"
    configfile.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    result, records = run_probed(ROOT / "Snakefile", workdir, ROOT / "src", ["--cores", "1", "--configfile", configfile])
    if result.returncode != 0:
        raise SystemExit(f"{name}: the workflow failed\n{result.stderr[-3000:]}")
    estimates = {(job.rule, job.experiment): job for job in estimate_jobs(config)}
    rows = []
    for record in records:
        job = estimates.get((record["rule"], record["wildcards"].get("experiment")))
        if job is None:
            continue
        rows.append((f"{name}: {job.job}", job.memory_bytes, peak_bytes(record), job.seconds, record["end"] - record["start"],
                     record["cpu"]))
    return rows


def kind(job: str) -> str:
    """A job's kind: its rule without the experiment (render_<e> → render, render_model_<e> → render_model)."""
    rule = job.split(": ", 1)[1].split(" ", 1)[0]
    for prefix in ("render_model_", "render_"):
        if rule.startswith(prefix):
            return prefix.rstrip("_")
    return rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(CASES), help="run only this case (repeatable)")
    args = parser.parse_args()
    print(f"load_average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} (cores: {os.cpu_count()})")
    rows = []
    with tempfile.TemporaryDirectory(prefix="momentumlab-budget-") as scratch:
        for name in args.only or CASES:
            rows += measure(name, config_of(CASES[name]), Path(scratch))
    print(f"{'job':<66} {'mem est':>8} {'peak':>8} {'ratio':>5}  {'time est':>8} {'wall':>7} {'ratio':>5} {'CPU':>7} {'ratio':>5}")
    for job, memory, used, seconds, took, cpu in rows:
        print(f"{job:<66} {memory / 1e6:>6.0f}MB {used / 1e6:>6.0f}MB {memory / used:>5.2f}  "
              f"{seconds:>7.1f}s {took:>6.1f}s {seconds / took:>5.2f} {cpu:>6.1f}s {seconds / cpu:>5.2f}")
    kinds: dict[str, list[tuple[float, float, float]]] = {}
    for job, memory, used, seconds, took, cpu in rows:
        kinds.setdefault(kind(job), []).append((memory / used, seconds / took, seconds / cpu))
    print("# per job kind: estimate / measured, min … max over its jobs (time: against wall, and against CPU seconds)")
    for name, ratios in sorted(kinds.items()):
        memory, wall, cpu = ([r[i] for r in ratios] for i in range(3))
        print(f"kind {name}: jobs {len(ratios)} memory {min(memory):.2f} … {max(memory):.2f} "
              f"time/wall {min(wall):.2f} … {max(wall):.2f} time/cpu {min(cpu):.2f} … {max(cpu):.2f}")


if __name__ == "__main__":
    main()
