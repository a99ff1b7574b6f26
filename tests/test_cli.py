"""``python -m momentumlab check``: the job plan with estimates, refusals before any job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from momentumlab.__main__ import main
from momentumlab.config import estimate_jobs, load_config

CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


def test_check_prints_every_job_of_the_plan(capsys):
    assert main(["check", str(CONFIG)]) == 0
    out = capsys.readouterr().out.splitlines()
    jobs = [job.job for job in estimate_jobs(load_config(CONFIG))]
    assert [line.split("  ")[0] for line in out[2 : 2 + len(jobs)]] == jobs
    assert "over budget" not in "\n".join(out) and out[-1].endswith("every job fits.")


def test_check_marks_the_jobs_over_budget_and_fails_with_the_refusal(capsys):
    assert main(["check", str(CONFIG), "--set", "budget.max_job_memory_mb=500"]) == 1
    captured = capsys.readouterr()
    marked = [line for line in captured.out.splitlines() if line.endswith("over budget (memory)")]
    assert marked and all("tensorflow" in line or "model" in line or "spot_check" in line for line in marked)
    assert captured.err.startswith("config error at ") and "budget.max_job_memory_mb = 500" in captured.err


def test_check_names_the_bad_field(capsys):
    assert main(["check", str(CONFIG), "--set", "experiments.rosenbrock.steps=-3"]) == 1
    assert capsys.readouterr().err.strip() == "config error at experiments.rosenbrock.steps: -3 is less than the minimum of 1"


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "momentumlab", "check", str(CONFIG)], capture_output=True, text=True)
    assert done.returncode == 0 and "sweep_model_chunk (moons, one of 1 chunks)" in done.stdout
