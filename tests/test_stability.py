"""Closed-form Hessians, the SGD family's one-mode stability bounds and regimes, ratios along runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from momentumlab.backends import numpy_backend
from momentumlab.problems import PROBLEM_TYPES, Quadratic, Rosenbrock, make_problem
from momentumlab.stability import (
    largest_curvature, mode_errors, mode_matrix, regime, regime_edges, spectral_radius, stability_bound,
    stability_ratios,
)

MOMENTA = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99)


def _problem(kind: str):
    if kind == "linear_regression":
        rng = np.random.default_rng(3)
        x = rng.normal(5.0, 5.0, 50)
        return make_problem(kind, data={"x": x, "y": 10.0 * x + rng.normal(0.0, 5.0, 50)})
    return make_problem(kind, {"kappa": 37.0, "angle": 23.0} if kind == "quadratic" else {})


@pytest.mark.parametrize("kind", sorted(PROBLEM_TYPES))
def test_hessian_equals_finite_differences_of_the_gradient(kind):
    problem = _problem(kind)
    (x0, x1), (y0, y1) = problem.window
    rng = np.random.default_rng(11)
    theta = np.column_stack([rng.uniform(x0, x1, 100), rng.uniform(y0, y1, 100)])
    hessian = problem.hessian_at(theta)
    assert hessian.shape == (100, 2, 2)
    for column in range(2):
        step = 1e-5 * np.maximum(1.0, np.abs(theta[:, column]))[:, None]
        shift = np.zeros_like(theta)
        shift[:, column] = step[:, 0]
        numeric = (problem.gradient(theta + shift) - problem.gradient(theta - shift)) / (2.0 * step)
        scale = np.maximum(1.0, np.abs(hessian[:, :, column]))
        assert np.all(np.abs(numeric - hessian[:, :, column]) <= 1e-6 * scale), kind
    np.testing.assert_array_equal(hessian, np.swapaxes(hessian, -1, -2))


def _measured_radius(method: str, h: float, mu: float) -> float:
    """Spectral radius of the numpy backend's own iteration on a unit-curvature mode: the order-2
    recurrence θ_{t+2} = a θ_{t+1} + b θ_t read off four steps, as a companion matrix."""
    unit = Quadratic(kappa=1.0, angle=0.0)
    theta = numpy_backend.run(unit, method, h, mu, (1.0, 0.0), 5).params[:, 0]
    if method == "sgd" or mu == 0.0:  # a first-order recurrence: one root, θ_{t+1} / θ_t
        return abs(theta[2] / theta[1])
    a, b = np.linalg.solve([[theta[2], theta[1]], [theta[3], theta[2]]], [theta[3], theta[4]])
    return float(np.max(np.abs(np.linalg.eigvals([[a, b], [1.0, 0.0]]))))


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize("mu", MOMENTA)
def test_bound_is_where_the_projects_own_iteration_turns_unstable(method, mu):
    mu = 0.0 if method == "sgd" else mu
    low, high = 1e-3, 4.5
    assert _measured_radius(method, low, mu) < 1.0 < _measured_radius(method, high, mu)
    for _ in range(60):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if _measured_radius(method, middle, mu) < 1.0 else (low, middle)
    assert abs(0.5 * (low + high) - stability_bound(method, mu)) <= 1e-9


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize("mu", MOMENTA)
def test_mode_matrix_is_the_backends_step(method, mu):
    mu = 0.0 if method == "sgd" else mu
    for h in (0.05, 0.7, 1.5, 2.9):
        assert math.isclose(spectral_radius(method, h, mu), _measured_radius(method, h, mu), rel_tol=1e-9, abs_tol=1e-12)
        measured = numpy_backend.run(Quadratic(kappa=1.0, angle=0.0), method, h, mu, (1.0, 0.0), 30).params[:, 0]
        np.testing.assert_allclose(mode_errors(method, h, mu, 30)[: len(measured)], measured, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
@pytest.mark.parametrize("mu", MOMENTA[1:])
def test_regimes_follow_the_roots(method, mu):
    edges = regime_edges(method, mu)
    assert 0.0 <= edges["spiral"] < edges["zigzag"] < edges["unstable"] == stability_bound(method, mu)
    for h in np.linspace(1e-3, edges["unstable"] * 1.2, 400):
        roots = np.linalg.eigvals(mode_matrix(method, h, mu))
        complex_roots = abs(roots[0].imag) > 1e-9
        negative_root = not complex_roots and min(roots.real) < -1e-12
        name = regime(method, h, mu)
        if min(abs(h - edge) for edge in edges.values()) < 1e-6:
            continue
        assert (name == "spiral") == complex_roots
        assert (name == "unstable") == (max(abs(roots)) >= 1.0)
        assert (name == "zigzag") == (negative_root and max(abs(roots)) < 1.0)


def test_critical_damping_decays_like_t_rho_to_the_t_not_rho_to_the_t():
    mu = 0.81  # heavy ball's critical damping: h = (1 − √μ)², a double root ρ = √μ
    rho = math.sqrt(mu)
    errors = mode_errors("momentum", (1.0 - rho) ** 2, mu, 60)
    t = np.arange(61)
    np.testing.assert_allclose(errors, (1.0 + (1.0 - rho) * t) * rho**t, rtol=1e-9)
    assert errors[40] > 4.0 * rho**40


def test_adaptive_methods_have_no_bound():
    assert stability_bound("adam", 0.9) is None
    assert stability_ratios(Rosenbrock(), np.zeros((3, 2)), np.ones(3), "adam", 0.9) is None


def test_largest_curvature_is_the_algebraic_maximum():
    rng = np.random.default_rng(5)
    matrices = rng.normal(size=(50, 2, 2))
    matrices = matrices + np.swapaxes(matrices, -1, -2)
    np.testing.assert_allclose(largest_curvature(matrices), np.linalg.eigvalsh(matrices)[:, -1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("method", "peak", "above"), [
    ("sgd", 1.36, [t for t in range(1, 46, 2)]),
    ("nesterov", 2.37, [0, 1, 3]),
    ("momentum", 0.65, []),
])
def test_default_rosenbrock_ratios(method, peak, above):
    run = numpy_backend.run(Rosenbrock(), method, 1e-3, 0.0 if method == "sgd" else 0.9, (-1.5, 2.5), 5000)
    ratios = stability_ratios(Rosenbrock(), run.params, np.full(len(run.params), 1e-3), method, 0.0 if method == "sgd" else 0.9)
    assert math.isclose(ratios.max(), peak, rel_tol=0.01)
    assert [int(t) for t in np.flatnonzero(ratios > 1.0)] == above
    if method == "sgd":
        assert int(np.argmax(ratios)) == 9
    start = Rosenbrock().hessian_at(np.array([-1.5, 2.5]))
    np.testing.assert_allclose(np.linalg.eigvalsh(start), [-10.2, 1912.2], atol=0.05)
