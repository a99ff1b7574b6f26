"""The budget models all the work: the cases measured in issue 24 are refused before any job, or estimated
at no less than they were measured to use (job ≤ 1.25 × estimate); nothing here runs a multi-GB job."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from momentumlab.__main__ import main
from momentumlab.config import ConfigError, estimate_jobs, parse_config
from momentumlab.config.budget import Cost, grid_estimate, sequential, tuning_estimate

REPO = Path(__file__).resolve().parents[1]
MOONS = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["experiments"]["moons"]


def tuned_bowl(points: int, budget_mb: float | None) -> dict:
    """Issue 24's quadratic: the sweep disabled but its grid of points², a tuned heavy ball."""
    raw = {"experiments": {"bowl": {"problem": "quadratic", "steps": 200,
                                    "sweep": {"enabled": False, "lr_points": points, "momentum_points": points},
                                    "optimizers": {"hb": {"method": "momentum", "lr": "tuned", "momentum": "tuned"}}}}}
    if budget_mb is not None:
        raw["budget"] = {"max_job_memory_mb": budget_mb}
    return raw


def model(budget_mb: float | None = None, **changes) -> dict:
    """config.yaml's moons experiment (sweep off) with ``changes`` (``dataset`` merged)."""
    entry = copy.deepcopy(MOONS)
    entry["dataset"].update(changes.pop("dataset", {}))
    entry.update(changes, sweep={"enabled": False})
    raw = {"experiments": {"moons": entry}, "slides": {"enabled": False}}
    if budget_mb is not None:
        raw["budget"] = {"max_job_memory_mb": budget_mb}
    return raw


def job(raw: dict, rule: str):
    return next(j for j in estimate_jobs(parse_config(raw, check_budget=False)) if j.rule == rule)


@pytest.mark.parametrize("raw, key", [
    (tuned_bowl(2048, 1000), r"experiments\.bowl\.sweep\.lr_points"),  # measured: 3.2 GB
    (tuned_bowl(4096, None), r"experiments\.bowl\.sweep\.lr_points"),  # ~12.7 GB at 760 B a run
    (model(1500, dataset={"n_points": 20000}, batch_size=14999, steps=10000, record_every=100), r"experiments\.moons\.steps"),  # 4.46 GB
    (model(None, dataset={"n_points": 20000}, batch_size=14999, steps=100000, record_every=1000), r"experiments\.moons\.steps"),
    (model(None, steps=100000, record_every=1), r"experiments\.moons\.(steps|record_every)"),  # render_model used 3.16 GB
])
def test_the_measured_cases_are_refused_before_any_job_naming_the_key(raw, key, tmp_path, capsys):
    with pytest.raises(ConfigError, match=rf"^config error at {key}: .* would need about .* of memory"):
        parse_config(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.startswith("config error at experiments.")


def test_the_measured_peaks_are_within_their_estimates():
    """Each job the issue measured is estimated at no less than its peak / 1.25 (at a budget that lets it run)."""
    assert job(tuned_bowl(2048, 1e6), "tune").memory_bytes * 1.25 >= 3.2e9  # measured when optimize_numpy tuned
    big = model(1e6, dataset={"n_points": 20000}, batch_size=14999, steps=10000, record_every=100)
    assert job(big, "train_model").memory_bytes * 1.25 >= 4.46e9
    assert job(model(1e6, steps=100000, record_every=1), "render_model_moons").memory_bytes * 1.25 >= 3.16e9


def test_tuning_is_estimated_in_the_tune_job_alone_and_grows_with_the_grid():
    small, large = (parse_config(tuned_bowl(n, 1e6), check_budget=False).experiments[0] for n in (16, 64))
    assert tuning_estimate(large).memory_bytes == 16 * tuning_estimate(small).memory_bytes > 0
    assert tuning_estimate(small).key == "experiments.bowl.sweep.lr_points"
    plain = parse_config({"experiments": {"bowl": {"problem": "quadratic", "optimizers": {"sgd": {"method": "sgd", "lr": 0.1}}}}})
    assert tuning_estimate(plain.experiments[0]) == Cost()
    rules = {j.rule for j in estimate_jobs(parse_config(tuned_bowl(1024, 1e6), check_budget=False))
             if j.memory_bytes >= grid_estimate(1024 * 1024, 200).memory_bytes}
    assert "tune" in rules and not {"optimize_numpy", "render_bowl", "summarize"} & rules  # they read tuned.json


def test_sequential_parts_keep_the_largest_memory_and_add_the_seconds():
    work = sequential([Cost(5.0, 1.0, "a"), Cost(7.0, 2.0, "b")])
    assert work == Cost(7.0, 3.0, "b") and sequential([]) == Cost()


def test_one_tensorflow_job_is_estimated_for_every_experiment():
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    jobs = [j for j in estimate_jobs(parse_config(raw)) if j.rule == "optimize_tensorflow"]
    assert len(jobs) == 1 and not any("sweep_spot_check" in j.job for j in estimate_jobs(parse_config(raw)))


def test_a_model_sweep_too_big_for_one_job_is_split_instead_of_refused():
    """480 cells of a 267 000-weight network would take one job over a minute: refused naming the sweep; in
    eight chunks each job is estimated on its own, and fits."""
    raw = model(None, steps=100, record_every=50, seeds=1, backends=["numpy"], params={"hidden": [512, 512]})
    raw["budget"] = {"max_job_minutes": 1}
    raw["experiments"]["moons"]["sweep"] = {"lr_points": 24, "momentum_points": 20, "steps": 20}
    with pytest.raises(ConfigError, match=r"^config error at experiments\.moons\.sweep\.lr_points: "
                                          r"sweep_model_chunk \(moons, one of 1 chunks\) would take .*more sweep chunks"):
        parse_config(raw)
    raw["experiments"]["moons"]["sweep"]["chunks"] = 8
    chunk = job(raw, "sweep_model_chunk")
    assert "one of 8 chunks" in chunk.job and chunk.seconds < 60
    assert parse_config(raw).model_experiments[0].sweep.chunks == 8
