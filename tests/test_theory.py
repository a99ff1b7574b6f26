"""Heavy-ball theory on the quadratic: Polyak's parameters, predicted vs measured rates."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from momentumlab.backends import run
from momentumlab.config import load_config
from momentumlab.problems import Quadratic, Rosenbrock, make_problem
from momentumlab.records import theory_rows
from momentumlab.theory import (
    check_rates,
    step_budget,
    fit_rate,
    gradient_descent_rate,
    gradient_descent_step,
    heavy_ball_rate,
    polyak_parameters,
    theory_points,
)

REPO = Path(__file__).resolve().parents[1]


def iteration_radius(lr: float, momentum: float, curvature: float) -> float:
    """Spectral radius of heavy ball's 2×2 iteration matrix on one eigen-direction."""
    matrix = np.array([[1.0 + momentum - lr * curvature, -momentum], [1.0, 0.0]])
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


@pytest.mark.parametrize("kappa", [4.0, 100.0, 1e4])
def test_polyak_parameters_give_the_predicted_radius_on_both_extreme_curvatures(kappa: float) -> None:
    lr, momentum = polyak_parameters(1.0, kappa)
    for curvature in (1.0, math.sqrt(kappa), kappa):
        assert iteration_radius(lr, momentum, curvature) == pytest.approx(heavy_ball_rate(1.0, kappa), rel=1e-6)
    step = gradient_descent_step(1.0, kappa)
    assert max(abs(1 - step), abs(1 - step * kappa)) == pytest.approx(gradient_descent_rate(1.0, kappa))


def test_polyak_values_for_kappa_100() -> None:
    lr, momentum = polyak_parameters(1.0, 100.0)
    assert lr == pytest.approx(4 / 121) and momentum == pytest.approx((9 / 11) ** 2)
    assert heavy_ball_rate(1.0, 100.0) == pytest.approx(9 / 11)
    assert gradient_descent_rate(1.0, 100.0) == pytest.approx(99 / 101)


def test_fit_recovers_rates_with_and_without_a_linear_prefactor() -> None:
    t = np.arange(400.0)
    rate, power, _ = fit_rate(3.0 * 0.9**t)
    assert rate == pytest.approx(0.9, rel=1e-10) and abs(power) < 1e-8
    rate, power, _ = fit_rate((2.0 + 0.5 * t) * 0.9**t)
    assert rate == pytest.approx(0.9, rel=2e-3) and power == pytest.approx(1.0, abs=0.1)
    with pytest.raises(ValueError, match="run longer"):
        fit_rate(0.999 ** np.arange(50.0))


def test_default_quadratic_meets_the_acceptance_bound() -> None:
    """The default config's quadratic: |log(measured)/log(predicted) − 1| ≤ 0.1 for both methods."""
    experiment = next(e for e in load_config(REPO / "config.yaml").experiments if e.problem == "quadratic")
    problem = make_problem("quadratic", experiment.params)
    checks = {check.method: check for check in check_rates(problem, experiment.start)}
    assert sorted(checks) == ["momentum", "sgd"]
    for check in checks.values():
        assert check.log_ratio_error <= 0.1, check
    assert checks["momentum"].measured_rate < checks["sgd"].measured_rate
    rows = theory_rows(experiment.name, list(checks.values()))
    assert {"experiment", "method", "lr", "momentum", "predicted_rate", "measured_rate"} <= set(rows[0])


def test_the_measurement_can_tell_a_wrong_momentum() -> None:
    """Away from Polyak's μ the measured rate is √μ (underdamped), far from the prediction."""
    problem = Quadratic(kappa=100.0)
    lr, _ = polyak_parameters(1.0, 100.0)
    trajectory = run("numpy", problem, "momentum", lr, 0.95, (-4.0, 3.0), 2000)
    rate, _, _ = fit_rate(trajectory.distance(problem))
    assert rate == pytest.approx(math.sqrt(0.95), rel=1e-2)
    assert abs(math.log(rate) / math.log(heavy_ball_rate(1.0, 100.0)) - 1) > 0.1


def test_theory_points_only_on_quadratics() -> None:
    assert [label for label, *_ in theory_points(Quadratic(kappa=100.0))] == ["Polyak optimum", "GD best step"]
    assert theory_points(Rosenbrock()) == []


@pytest.mark.parametrize("kappa", [1.0, 1.0 + 1e-9, 2.0, 1e6, 1e8, 1e12])
def test_theory_finishes_within_its_budget_on_every_valid_kappa(kappa: float) -> None:
    """κ = 1 converges in one step, huge κ needs more steps than allowed: reported, never raised."""
    budget = step_budget(100)
    checks = check_rates(Quadratic(kappa=kappa), (-4.0, 3.0), budget)
    assert [check.method for check in checks] == ["momentum", "sgd"]
    for check in checks:
        assert check.steps <= budget
        if check.measured_rate is None:
            assert check.note and check.log_ratio_error is None
        else:
            assert 0.0 < check.measured_rate < 1.0 and check.log_ratio_error <= 0.1
    rows = theory_rows("bowl", checks)
    assert all(row["measured_rate"] is None or row["note"] == "" for row in rows)


def test_theory_says_why_a_rate_is_not_measured() -> None:
    one = {check.method: check for check in check_rates(Quadratic(kappa=1.0), (-4.0, 3.0))}
    assert "converges in 1 step" in one["sgd"].note
    huge = {check.method: check for check in check_rates(Quadratic(kappa=1e12), (-4.0, 3.0), step_budget(100))}
    assert "budget is 100,000" in huge["sgd"].note
    at_optimum = check_rates(Quadratic(kappa=10.0), (0.0, 0.0))
    assert all("starts at the optimum" in check.note for check in at_optimum)


def test_step_budget_follows_the_configured_steps() -> None:
    assert step_budget(100) == 100_000 and step_budget(50_000) == 500_000
