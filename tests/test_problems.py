"""Every problem: value, analytic gradient (vs finite differences and TensorFlow), optimum, window."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from momentumlab.datasets import make_dataset
from momentumlab.problems import PROBLEM_TYPES, Problem, make_problem
from problem_builders import build

KINDS = sorted(PROBLEM_TYPES)


def sample_points(problem: Problem, count: int = 16, seed: int = 1) -> np.ndarray:
    """Random points inside the problem's plot window, (count, 2)."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = problem.window
    return np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])


@pytest.fixture(params=KINDS)
def problem(request: pytest.FixtureRequest) -> Problem:
    return build(request.param)


def test_value_is_batched(problem: Problem) -> None:
    points = sample_points(problem)
    batched = problem.value(points)
    assert batched.shape == (len(points),)
    one_by_one = [problem.value(point[None, :])[0] for point in points]
    np.testing.assert_allclose(batched, one_by_one, rtol=1e-15)


def test_gradient_matches_central_differences(problem: Problem) -> None:
    points = sample_points(problem)
    analytic = problem.gradient(points)
    numeric = np.empty_like(points)
    for axis in range(2):
        step = 1e-6 * np.maximum(1.0, np.abs(points[:, axis]))
        shift = np.zeros_like(points)
        shift[:, axis] = step
        numeric[:, axis] = (problem.value(points + shift) - problem.value(points - shift)) / (2 * step)
    scale = np.maximum(1.0, np.abs(analytic).max(axis=1, keepdims=True))
    np.testing.assert_allclose(analytic / scale, numeric / scale, atol=1e-6)


def test_gradient_matches_tensorflow_autodiff(problem: Problem) -> None:
    from momentumlab.backends.tensorflow_backend import configure

    tf = configure(1)
    points = sample_points(problem)
    variable = tf.Variable(points, dtype=tf.float64)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(problem.value(variable, xp=SimpleNamespace(mean=tf.reduce_mean)))
    autodiff = tape.gradient(total, variable).numpy()
    np.testing.assert_allclose(problem.gradient(points), autodiff, rtol=1e-11, atol=1e-11)


def test_gradient_into_is_bit_identical(problem: Problem) -> None:
    points = np.asfortranarray(sample_points(problem, count=33))
    out = np.empty_like(points)
    assert problem.gradient_into(points, out) is out
    assert np.array_equal(out, problem.gradient(points))
    single = problem.gradient(points[5:6])
    assert np.array_equal(single, out[5:6])


def test_gradient_vanishes_at_every_minimum(problem: Problem) -> None:
    for minimum in problem.minima:
        assert np.abs(problem.gradient(minimum[None, :])).max() < 1e-9
        assert problem.value(minimum[None, :])[0] <= problem.value(sample_points(problem)).min()


def test_window_and_start_are_sensible(problem: Problem) -> None:
    (x0, x1), (y0, y1) = problem.window
    assert x0 < x1 and y0 < y1
    start_x, start_y = problem.default_start
    assert x0 <= start_x <= x1 and y0 <= start_y <= y1
    for minimum in problem.minima:
        assert x0 <= minimum[0] <= x1 and y0 <= minimum[1] <= y1
    assert problem.box > max(abs(x0), abs(x1), abs(y0), abs(y1))
    # log-spaced contours exactly where the function cannot go negative
    assert problem.log_scale == bool((problem.value(sample_points(problem, 400)) >= 0).all())


def test_regression_optimum_is_least_squares() -> None:
    data = make_dataset("linear_regression", {"n_points": 80}, seed=3)
    problem = make_problem("linear_regression", {}, data)
    x, y = data["x"], data["y"]
    slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    np.testing.assert_allclose(problem.optimum, [slope, y.mean() - slope * x.mean()], rtol=1e-12)
    expected = np.mean((3.0 * x - 2.0 - y) ** 2)
    assert problem.value(np.array([3.0, -2.0])) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("a, b", [(1.0, 100.0), (2.0, 10.0)])
def test_rosenbrock_minimum_is_a_a_squared(a: float, b: float) -> None:
    problem = make_problem("rosenbrock", {"a": a, "b": b})
    np.testing.assert_array_equal(problem.optimum, [a, a * a])
    assert problem.value(np.array([0.0, 0.0])) == pytest.approx(a * a)


def test_quadratic_has_the_requested_condition_number_and_rotation() -> None:
    problem = make_problem("quadratic", {"kappa": 50, "angle": 30})
    eigenvalues, eigenvectors = np.linalg.eigh(problem.hessian)
    np.testing.assert_allclose(eigenvalues, [1.0, 50.0])
    steep = eigenvectors[:, 1] * np.sign(eigenvectors[1, 1])
    np.testing.assert_allclose(steep, [-np.sin(np.pi / 6), np.cos(np.pi / 6)], atol=1e-12)
    np.testing.assert_array_equal(problem.optimum, [0.0, 0.0])


def test_himmelblau_reports_the_nearest_of_four_minima() -> None:
    problem = build("himmelblau")
    assert len(problem.minima) == 4
    for minimum in problem.minima:
        near = minimum + 0.1
        np.testing.assert_array_equal(problem.nearest_optimum(near), minimum)
        assert problem.distance_to_optimum(near) == pytest.approx(0.1 * np.sqrt(2))


def test_saddle_has_no_minimum_and_does_not_crash() -> None:
    problem = build("saddle")
    assert problem.minima == () and problem.optimum is None
    assert problem.nearest_optimum(np.zeros(2)) is None
    assert problem.distance_to_optimum(np.zeros((3, 2))) is None
    assert problem.value(np.array([2.0, 3.0])) == pytest.approx(-5.0)


def test_make_problem_rejects_unknown_kinds_and_missing_data() -> None:
    with pytest.raises(ValueError, match="unknown problem"):
        make_problem("banana")
    with pytest.raises(ValueError, match="data"):
        make_problem("linear_regression")


def test_regression_costs_bounded_memory_at_the_largest_data_size() -> None:
    """n_points at the schema maximum: grid, batch gradient and recorded losses stay small (issue 12)."""
    import tracemalloc

    from momentumlab.datasets import make_line_data
    from momentumlab.landscape import Landscape

    problem = make_problem("linear_regression", {}, make_line_data(3, n_points=1_000_000))
    data_bytes = problem.x.nbytes + problem.y.nbytes
    tracemalloc.start()
    try:
        landscape = Landscape.build(problem, problem.window, 60)
        batch = np.random.default_rng(0).normal(size=(480, 2))
        gradient = problem.gradient_into(batch, np.empty_like(batch))
        losses = problem.value(np.zeros((300, 2)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 64e6 + data_bytes, peak
    np.testing.assert_allclose(gradient, problem.gradient(batch), rtol=0, atol=0)
    exact = np.mean((0.3 * problem.x - 2.0 - problem.y) ** 2)
    assert landscape.values.shape == (60, 60)
    assert problem.surface(np.array([0.3, -2.0])) == pytest.approx(exact, rel=1e-9)
    assert losses[0] == pytest.approx(np.mean(problem.y**2), rel=1e-12)


def test_regression_gradient_from_moments_matches_the_data_sum() -> None:
    from momentumlab.datasets import make_line_data

    problem = make_problem("linear_regression", {}, make_line_data(1, n_points=500))
    theta = np.array([[3.0, -1.5], [12.0, 4.0]])
    residual = theta[:, :1] * problem.x + theta[:, 1:] - problem.y
    direct = np.stack([2 * np.mean(residual * problem.x, axis=1), 2 * np.mean(residual, axis=1)], axis=1)
    np.testing.assert_allclose(problem.gradient(theta), direct, rtol=1e-10, atol=1e-10)
