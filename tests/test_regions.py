"""Regions on the sweep maps, and the sweep's divergence rule against the exact iteration's spectral radius."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from config_generator import random_quadratic_sweep
from momentumlab.config import parse_config
from momentumlab.problems import Beale, LinearRegression, Quadratic, Rosenbrock, Saddle, make_problem
from momentumlab.regions import constant_curvatures, sweep_regions
from momentumlab.stability import regime, spectral_radii, spectral_radius, stability_bound
from momentumlab.sweep import SweepResult, gather_chunks, run_chunk, sweep_grid
from momentumlab.theory import polyak_parameters

REPO = Path(__file__).resolve().parents[1]
JUDGED = 0.01  # cells within 1 % of radius 1 are not judged


def _sweep(entry: dict, method: str) -> tuple[Quadratic, SweepResult]:
    entry = {**entry, "sweep": {**entry.get("sweep", {}), "method": method}}
    experiment = parse_config({"experiments": {"q": entry}}).experiments[0]
    problem = make_problem(experiment.problem, experiment.params)
    grid = sweep_grid(experiment)
    return problem, gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])


def _radius(problem: Quadratic, result: SweepResult) -> np.ndarray:
    """Max over the Hessian's eigenvalues of stability.spectral_radius at every cell [momentum][lr]."""
    curvatures = np.linalg.eigvalsh(problem.hessian)
    return np.array([[max(spectral_radius(result.method, lr * c, mu) for c in curvatures) for lr in result.lr]
                     for mu in result.momentum])


def _misjudged(problem: Quadratic, result: SweepResult) -> list[str]:
    radius = _radius(problem, result)
    missed = (radius >= 1 + JUDGED) & ~result.diverged
    false = (radius <= 1 - JUDGED) & result.diverged
    return [f"{'not diverged' if missed[q, p] else 'diverged'} at η = {result.lr[p]:.4g}, μ = {result.momentum[q]:.4g}, "
            f"radius {radius[q, p]:.4f}" for q, p in zip(*np.nonzero(missed | false))]


def _default_quadratic() -> dict:
    entry = yaml.safe_load((REPO / "config.yaml").read_text())["experiments"]["quadratic"]
    return {**entry, "optimizers": {"sgd": {"method": "sgd", "lr": 0.01}}}


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_default_quadratic_sweep_diverges_exactly_where_the_radius_exceeds_one(method: str) -> None:
    problem, result = _sweep(_default_quadratic(), method)
    radius = _radius(problem, result)
    assert (radius >= 1 + JUDGED).any() and (radius <= 1 - JUDGED).any()  # both sides are on the map
    assert _misjudged(problem, result) == []
    # 2000 steps are enough for every unstable cell to leave the box for real: the radius rule agrees with the runs
    assert (result.diverged_at[radius >= 1 + JUDGED] < result.steps).all()


@pytest.mark.parametrize("seed", range(20))
def test_generated_quadratic_sweeps_diverge_where_the_radius_exceeds_one(seed: int) -> None:
    """Twenty drawn sweeps, each for heavy ball and Nesterov (about a second in all)."""
    rng = random.Random(seed)
    for method in ("momentum", "nesterov"):
        problem, result = _sweep(random_quadratic_sweep(rng, method), method)
        assert _misjudged(problem, result) == [], method


def test_spectral_radii_equal_the_scalar_radius() -> None:
    rng = np.random.default_rng(0)
    h, mu = rng.uniform(0, 5, 200), rng.uniform(0, 0.99, 200)
    for method in ("sgd", "momentum", "nesterov"):
        expected = [spectral_radius(method, a, b) for a, b in zip(h, mu)]
        assert np.allclose(spectral_radii(method, h, mu), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_quadratic_regions_are_exact_and_bound_the_regimes(method: str) -> None:
    problem = Quadratic(kappa=50, angle=20)
    curves = sweep_regions(problem, method, (1e-5, 10.0), (0.0, 0.99), np.array([-4.0, 3.0]))
    assert {c.kind for c in curves} == {"unstable", "zigzag", "spiral"} and {c.where for c in curves} == {"exact"}
    by_kind = {c.kind: c for c in curves}
    for lr, mu in by_kind["unstable"].points:  # on the curve the stiffest mode's radius is 1
        assert abs(lr * 50 - stability_bound(method, mu)) <= 1e-9 * stability_bound(method, mu)
        assert spectral_radius(method, lr * 50 * 1.001, mu) > 1 > spectral_radius(method, lr * 50 * 0.999, mu)
    for lr, mu in by_kind["zigzag"].points[5::17]:
        assert regime(method, lr * 50 * 1.001, mu) in ("zigzag", "unstable") and regime(method, lr * 50 * 0.999, mu) != "zigzag"
    for lr, mu in by_kind["spiral"].points[5::17]:  # (past μ = 0, where spiral and zigzag meet) the slowest mode, λ = 1, starts to spiral
        assert regime(method, lr * 1.001, mu) == "spiral" and regime(method, lr * 0.999, mu) == "monotone"


def test_the_spiral_and_zigzag_curves_of_heavy_ball_meet_at_polyaks_point() -> None:
    problem = Quadratic(kappa=100)
    curves = {c.kind: c for c in sweep_regions(problem, "momentum", (1e-5, 1.0), (0.0, 0.99), np.zeros(2))}
    lr, mu = polyak_parameters(1.0, 100.0)
    spiral = np.interp(mu, curves["spiral"].points[:, 1], curves["spiral"].points[:, 0])
    zigzag = np.interp(mu, curves["zigzag"].points[:, 1], curves["zigzag"].points[:, 0])
    assert abs(spiral / lr - 1) < 1e-3 and abs(zigzag / lr - 1) < 1e-3


def test_curved_problems_get_the_start_and_the_minimum_and_the_saddle_none() -> None:
    rosenbrock = sweep_regions(Rosenbrock(), "nesterov", (1e-6, 1.0), (0.0, 0.99), np.array([-1.5, 2.5]), np.array([0.9, 0.8]))
    assert [(c.kind, c.where) for c in rosenbrock] == [("unstable", "start"), ("unstable", "minimum")]
    assert abs(rosenbrock[0].curvature - 1912.2) < 0.1  # the figure at the default start
    assert abs(rosenbrock[1].curvature - np.linalg.eigvalsh(Rosenbrock().hessian_at(np.array([1.0, 1.0])))[-1]) < 1e-9
    assert "at the start" in rosenbrock[0].label and "at the minimum nearest the end" in rosenbrock[1].label
    assert len(sweep_regions(Beale(), "momentum", (1e-6, 1.0), (0.0, 0.99), np.array([1.0, 1.5]))) == 2
    assert sweep_regions(Saddle(), "momentum", (1e-6, 1.0), (0.0, 0.99), np.array([1.0, 1.0])) == []
    assert sweep_regions(Quadratic(), "adam", (1e-6, 1.0), (0.0, 0.99), np.zeros(2)) == []


def test_points_are_finite_and_inside_the_ranges() -> None:
    data = {"x": np.linspace(-1, 9, 50), "y": np.linspace(0, 3, 50)}
    problem = LinearRegression(x=data["x"], y=data["y"])
    assert constant_curvatures(problem) is not None
    for curve in sweep_regions(problem, "momentum", (1e-3, 0.1), (0.0, 0.9), np.zeros(2)):
        assert np.isfinite(curve.points).all()
        assert (curve.points[:, 0] >= 1e-3).all() and (curve.points[:, 0] <= 0.1).all()
        assert (curve.points[:, 1] >= 0).all() and (curve.points[:, 1] <= 0.9).all()
        assert set(curve.as_dict()) == {"label", "kind", "where", "points"}


def test_the_sweep_row_the_explorer_and_the_heatmap_carry_the_regions(tmp_path: Path) -> None:
    from momentumlab.render.heatmap import render_sweep_heatmap
    from momentumlab.report.explorer import explorer_data
    from momentumlab.sweep import divergence_rule, sweep_regions_of
    from momentumlab.sweep_summary import sweep_row

    entry = {"problem": "quadratic", "params": {"kappa": 30}, "steps": 50, "backends": ["numpy"],
             "optimizers": {"hb": {"method": "momentum", "lr": 0.01, "momentum": 0.5}},
             "sweep": {"lr_points": 8, "momentum_points": 5, "steps": 50}}
    problem, result = _sweep(entry, "momentum")
    curves = sweep_regions_of(problem, result, (-4.0, 3.0))
    assert [c.kind for c in curves] == ["unstable", "zigzag", "spiral"]
    experiment = parse_config({"experiments": {"q": entry}}).experiments[0]
    rule = divergence_rule(problem, sweep_grid(experiment))
    assert "spectral radius" in rule
    row = sweep_row("q", result, [], [], None, curves, rule)
    assert row["divergence_rule"] == rule and [r["kind"] for r in row["regions"]] == ["unstable", "zigzag", "spiral"]
    lr_low, lr_high = result.lr[0] / 2, result.lr[-1] * 2
    for region in row["regions"]:
        assert all(lr_low <= lr <= lr_high and 0 <= mu < 1 for lr, mu in region["points"])
    broken = [{**row["regions"][0], "points": [[float("nan"), 0.5], *row["regions"][0]["points"]]}]
    data = explorer_data(result, None, {"regions": broken})
    assert data["regions"][0]["points"] == row["regions"][0]["points"]  # the non-finite point is dropped
    assert set(data["regions"][0]) == {"label", "kind", "where", "points"}
    assert explorer_data(result)["regions"] == []
    path = tmp_path / "sweep.png"
    render_sweep_heatmap(result, path, "regions", regions=curves)
    assert path.stat().st_size > 0


def test_rosenbrock_is_judged_by_the_box_alone() -> None:
    from momentumlab.sweep import divergence_rule

    entry = {"problem": "rosenbrock", "steps": 50, "backends": ["numpy"],
             "optimizers": {"hb": {"method": "momentum", "lr": 0.001, "momentum": 0.5}}}
    experiment = parse_config({"experiments": {"r": entry}}).experiments[0]
    assert "spectral radius" not in divergence_rule(Rosenbrock(), sweep_grid(experiment))
