"""The loss plane: principal directions through the centre, explained variance, true loss, grid."""

from __future__ import annotations

import numpy as np

from momentumlab.model import plane as lp
from momentumlab.model import training as mt
from momentumlab.model.data import make_classification
from momentumlab.model.network import evaluate, initial_weights, make_architecture


def test_points_in_a_plane_are_recovered_exactly():
    rng = np.random.default_rng(0)
    n = 30
    centre = rng.normal(size=n)
    basis, _ = np.linalg.qr(rng.normal(size=(n, 2)))
    coords = rng.normal(size=(2, 40, 2)) * [3.0, 1.0]
    runs = [centre + c @ basis.T for c in coords]
    plane = lp.fit_plane(runs, centre)
    np.testing.assert_allclose(plane.directions.T @ plane.directions, basis @ basis.T, atol=1e-12)  # same span
    np.testing.assert_allclose(plane.explained_variance.sum(), 1.0, rtol=1e-12)
    assert plane.explained_variance[0] > plane.explained_variance[1]
    np.testing.assert_allclose(plane.off_plane_distance(runs[0]), 0.0, atol=1e-12)
    recovered = plane.centre + plane.coordinates(runs[1]) @ plane.directions
    np.testing.assert_allclose(recovered, runs[1], atol=1e-12)


def test_off_plane_distance_and_explained_variance():
    centre = np.zeros(3)
    points = np.array([[4.0, 0, 0], [-4.0, 0, 0], [0, 2.0, 0], [0, -2.0, 0], [0, 0, 1.0]])
    plane = lp.fit_plane([points], centre)
    np.testing.assert_allclose(plane.explained_variance, [32 / 41, 8 / 41])
    np.testing.assert_allclose(plane.off_plane_distance(points), [0, 0, 0, 0, 1.0], atol=1e-15)
    assert np.all(plane.directions.max(axis=1) == 1.0)  # the sign convention


def test_a_single_straight_run_still_gets_a_plane():
    line = np.outer(np.linspace(0, 1, 5), [1.0, 2.0, 2.0])
    plane = lp.fit_plane([line], line[-1])
    assert plane.explained_variance[1] == 0.0
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-15)


def test_grid_loss_is_the_loss_at_the_grid_weights_and_true_loss_is_the_runs_own():
    data = make_classification("moons", seed=0, params={"n_points": 100})
    arch = make_architecture("mlp", 2, 2, (8, 8), "tanh", l2=1e-3)
    runs = mt.train(arch, data.x_train, data.y_train, initial_weights(arch, 0), "momentum",
                    [0.05, 0.2], [0.9, 0.0], 300, every=10)
    trajectories = [runs.weights[:, k] for k in range(2)]
    plane = lp.fit_plane(trajectories, runs.final_weights[0])
    alphas, betas = lp.grid_axes(plane, trajectories, size=7)
    grid = lp.grid_loss(arch, plane, alphas, betas, data.x_train, data.y_train, memory_bytes=20_000)
    assert grid.shape == (7, 7)
    expected, _ = evaluate(arch, plane.points(alphas, betas), data.x_train, data.y_train)
    np.testing.assert_allclose(grid.ravel(), expected, rtol=1e-14)
    coords = plane.coordinates(trajectories[1])
    assert alphas[0] < coords[:, 0].min() and coords[:, 1].max() < betas[-1]
    true = lp.true_loss(arch, trajectories[1], data.x_train, data.y_train)
    np.testing.assert_allclose(true[:-1], runs.step_loss[::10, 1], rtol=1e-13)  # full batch: the step losses
    assert np.all(plane.off_plane_distance(trajectories[1]) > 0)
