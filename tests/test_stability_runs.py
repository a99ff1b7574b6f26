"""The stability ratio along every 2-D run: computed by the runner at every step, stored in the
trajectory files, summarized in the ``runs`` rows, shown in the runs table and the run animation."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml

from momentumlab.config import parse_config
from momentumlab.files import read_npz
from momentumlab.problems import make_problem
from momentumlab.records import experiment_summary, stability_fields, stability_text
from momentumlab.runner import optimize_experiment, optimize_to_files
from momentumlab.stability import (NO_BOUND_NOTE, expand_progressions, largest_curvature, stability_bound,
                                   step_progressions)
from momentumlab.trajectory import load_runs

ROOT = Path(__file__).resolve().parents[1]


def _default_experiment(name: str):
    """An experiment of the default config.yaml, on numpy only, without its sweep."""
    config = parse_config(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")))
    experiment = next(e for e in config.experiments if e.name == name)
    return replace(experiment, backends=("numpy",), sweep=replace(experiment.sweep, enabled=False))


def _rows(experiment, tmp_path: Path) -> dict[str, dict]:
    """The ``runs`` rows of ``experiment``, through the runner's trajectory file, by optimizer."""
    problem = make_problem(experiment.problem, experiment.params)
    optimize_to_files(experiment, problem, "numpy", 1, str(tmp_path / "numpy.npz"), str(tmp_path / "timings.json"))
    runs = load_runs({"numpy": tmp_path / "numpy.npz"})
    return {row["optimizer"]: row for row in experiment_summary(experiment, problem, runs, {})["runs"]}


def test_default_rosenbrock_rows_carry_the_ratios_and_the_steps_beyond_the_bound(tmp_path):
    experiment = _default_experiment("rosenbrock")
    assert (experiment.start, experiment.steps) == ((-1.5, 2.5), 5000)
    assert {(o.name, o.lr, o.momentum) for o in experiment.optimizers} == {
        ("sgd", 1e-3, 0.0), ("momentum", 1e-3, 0.9), ("nesterov", 1e-3, 0.9)}
    rows = _rows(experiment, tmp_path)
    expected = {"sgd": (1.36, list(range(1, 46, 2))), "nesterov": (2.37, [0, 1, 3]), "momentum": (0.65, [])}
    for name, (peak, above) in expected.items():
        row = rows[name]
        assert math.isclose(row["max_stability_ratio"], peak, rel_tol=0.01), name
        assert expand_progressions(row["steps_beyond_bound"]) == above, name
        assert row["steps_beyond_bound_count"] == len(above)
    assert rows["sgd"]["steps_beyond_bound"] == [[1, 45, 2]]
    assert rows["sgd"]["max_stability_ratio_step"] == 9
    assert rows["nesterov"]["steps_beyond_bound"] == [[0, 1, 1], [3, 3, 1]]
    assert rows["sgd"]["stability_note"] == (
        "beyond the local stability bound at 23 steps: every other step from 1 to 45 (max 1.36× at step 9)")
    assert rows["nesterov"]["stability_note"].startswith("beyond the local stability bound at 3 steps: 0–1, 3 (max 2.37×")
    assert rows["momentum"]["stability_note"].startswith("within the local stability bound at every step (max 0.648×")
    stored = read_npz(tmp_path / "numpy.npz")
    assert stored["sgd/stability_ratio"].shape == (experiment.steps + 1,)  # every step the run took, and its end


def test_a_schedules_rate_enters_the_ratio():
    experiment = _default_experiment("schedule_forms")
    problem = make_problem(experiment.problem, experiment.params)
    runs, _ = optimize_experiment(experiment, problem, "numpy")
    for spec in experiment.optimizers:
        assert not spec.schedule.is_constant
        run = runs[spec.name]
        rates = spec.lr * spec.schedule.factors(len(run.params))
        curvature = largest_curvature(problem.hessian_at(run.params))
        np.testing.assert_allclose(run.stability_ratio, rates * curvature / stability_bound(spec.method, spec.momentum),
                                   rtol=1e-12)
        # the quadratic's curvature is constant: the ratio steps down with the schedule (×0.3 after 60, ×0.1 after 120)
        np.testing.assert_allclose(run.stability_ratio[[0, 61, 121]] / run.stability_ratio[0], [1.0, 0.3, 0.1])


ADAPTIVE = {
    "experiments": {
        "bowl": {"problem": "quadratic", "steps": 30, "backends": ["numpy"], "sweep": {"enabled": False},
                 "optimizers": {"adam": {"method": "adam", "lr": 0.1}, "rmsprop": {"method": "rmsprop", "lr": 0.01},
                                "sgd": {"method": "sgd", "lr": 0.01}}},
    },
}


def test_adaptive_rows_say_no_single_bound(tmp_path):
    experiment = parse_config(ADAPTIVE).experiments[0]
    rows = _rows(experiment, tmp_path)
    stored = read_npz(tmp_path / "numpy.npz")
    for name in ("adam", "rmsprop"):
        row = rows[name]
        assert row["stability_note"] == NO_BOUND_NOTE == "no single bound: adaptive per-coordinate rate"
        assert all(row[key] is None for key in ("stability_bound", "max_stability_ratio", "steps_beyond_bound",
                                                "steps_beyond_bound_count"))
        assert f"{name}/stability_ratio" not in stored
    assert rows["sgd"]["stability_bound"] == 2.0 and rows["sgd"]["max_stability_ratio"] is not None


@pytest.mark.parametrize(("steps", "progressions"), [
    ([], []),
    ([7], [[7, 7, 1]]),
    ([0, 1, 3], [[0, 1, 1], [3, 3, 1]]),
    (list(range(1, 46, 2)), [[1, 45, 2]]),
    ([1, 3, 4, 5], [[1, 1, 1], [3, 5, 1]]),
    ([2, 5, 8, 11, 20], [[2, 11, 3], [20, 20, 1]]),
    ([4, 9], [[4, 4, 1], [9, 9, 1]]),
])
def test_step_progressions(steps, progressions):
    assert step_progressions(steps) == progressions
    assert expand_progressions(progressions) == steps


def test_step_progressions_round_trip_random_sets():
    rng = np.random.default_rng(2)
    for _ in range(200):
        steps = sorted(set(rng.integers(0, 60, rng.integers(0, 30)).tolist()))
        assert expand_progressions(step_progressions(steps)) == steps


def test_a_long_list_of_steps_is_cut_in_the_text():
    ratios = np.full(200, 0.5)
    ratios[[0, 5, 10, 11, 30, 50, 51, 52, 90, 150]] = 1.5
    ratios[52] = 3.0
    fields = stability_fields("sgd", 0.0, ratios)
    assert fields["steps_beyond_bound_count"] == 10
    assert stability_text(fields) == (
        "beyond the local stability bound at 10 steps: every 5th step from 0 to 10, 11, 30, …, 150 (max 3× at step 52)")


def test_a_constant_ratio_is_said_once():
    fields = stability_fields("momentum", 0.9, np.full(50, 0.25))
    assert stability_text(fields) == "within the local stability bound at every step (0.25× at every step)"


def test_runs_table_shows_the_note(tmp_path):
    from report_builders import run, synthetic

    sgd = run("sgd", "numpy", **stability_fields("sgd", 0.0, np.array([1.2, 0.4, 1.1, 0.3])))
    heavy = run("heavy", "numpy", **stability_fields("adam", 0.9, None))
    _, page = synthetic(tmp_path, runs=[sgd, heavy])
    assert "beyond the local stability bound at 2 steps: 0, 2 (max 1.2× at step 0)" in page
    assert NO_BOUND_NOTE in page
    assert "Local stability (the list below the table): at each step t" in page
    assert ('<li class="beyond-bound" data-max-ratio="1.2">&lt;script&gt;alert(1)&lt;/script&gt;: beyond the local '
            "stability bound at 2 steps: 0, 2 (max 1.2× at step 0).</li>") in page


def test_run_animation_has_the_strip_and_rings():
    from momentumlab.render.figures import run_scene
    from momentumlab.render.panels import STRIP_MIN_HEIGHT, StabilityStripPanel
    from momentumlab.render.style import rc_context

    experiment = _default_experiment("rosenbrock")
    experiment = replace(experiment, steps=60)
    problem = make_problem(experiment.problem, experiment.params)
    runs, _ = optimize_experiment(experiment, problem, "numpy")
    width, height = 640, STRIP_MIN_HEIGHT

    def strips(trajectory, note=None, size=(width, height)):
        with rc_context(*size):
            scene = run_scene(problem, trajectory, "t", *size, note)
            try:
                return [(panel, panel.update(2)) for panel in scene.panels if isinstance(panel, StabilityStripPanel)]
            finally:
                scene.close()

    [(strip, artists)] = strips(runs["nesterov"])
    assert strip.beyond.tolist() == [0, 1, 3]
    rings = [artist for artist in artists if artist.get_marker() == "o" and artist.get_markerfacecolor() == "none"]
    assert [len(artist.get_xdata()) for artist in rings] == [2]  # at step 2: the rings of steps 0 and 1
    [(strip, artists)] = strips(replace(runs["nesterov"], stability_ratio=None), NO_BOUND_NOTE)
    assert artists == [] and strip.note == NO_BOUND_NOTE
    assert strips(replace(runs["nesterov"], stability_ratio=None)) == []  # no ratios, no note: no strip
    assert strips(runs["nesterov"], size=(width, height - 1)) == []  # no room
