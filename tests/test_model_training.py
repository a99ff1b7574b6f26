"""The batched training loop: stored minibatch order, records, divergence, success and ranking."""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.model import training as mt
from momentumlab.model.data import make_classification
from momentumlab.model.network import evaluate, initial_weights, make_architecture


def test_epoch_orders_are_seeded_permutations_that_cover_the_steps():
    orders = mt.epoch_orders(seed=4, n_train=10, batch_size=3, steps=7)
    assert orders.shape == (3, 10)  # 3 batches per epoch (one example dropped), 7 steps need 3 epochs
    assert all(sorted(row) == list(range(10)) for row in orders)
    np.testing.assert_array_equal(orders, mt.epoch_orders(4, 10, 3, 7))
    batches = mt.batch_indices(orders, 3, 7)
    assert batches.shape == (7, 3)
    np.testing.assert_array_equal(batches[3], orders[1, :3])
    full = mt.batch_indices(mt.epoch_orders(4, 10, None, 5), None, 5)
    assert full.shape == (5, 10) and np.all(full == np.arange(10))


@pytest.mark.parametrize("size", [0, 11])
def test_a_batch_size_outside_the_training_set_is_refused(size):
    with pytest.raises(ValueError, match="batch_size"):
        mt.epoch_orders(0, 10, size, 5)


def test_record_steps_always_end_at_the_last_step():
    np.testing.assert_array_equal(mt.record_steps(10, 4), [0, 4, 8, 10])
    np.testing.assert_array_equal(mt.record_steps(8, 4), [0, 4, 8])
    np.testing.assert_array_equal(mt.record_steps(8, None), [0, 8])


def _moons_runs(method, lr, momentum, steps=60, batch_size=None, every=1):
    data = make_classification("moons", seed=0, params={"n_points": 120})
    arch = make_architecture("mlp", 2, 2, (8,), "tanh")
    orders = mt.epoch_orders(0, len(data.y_train), batch_size, steps)
    batches = None if batch_size is None else mt.batch_indices(orders, batch_size, steps)
    runs = mt.train(arch, data.x_train, data.y_train, initial_weights(arch, 0), method, lr, momentum, steps,
                    batches, every)
    return data, arch, runs


def test_a_batched_run_is_the_single_run_and_step_loss_is_the_batch_loss():
    data, arch, batched = _moons_runs("momentum", [0.1, 0.3, 0.05], [0.9, 0.5, 0.0], batch_size=16)
    _, _, single = _moons_runs("momentum", [0.3], [0.5], batch_size=16)
    np.testing.assert_allclose(batched.weights[:, 1], single.weights[:, 0], rtol=0, atol=1e-14)
    orders = mt.epoch_orders(0, len(data.y_train), 16, 60)
    rows = mt.batch_indices(orders, 16, 60)[10]
    loss, _ = evaluate(arch, batched.weights[10], data.x_train[rows], data.y_train[rows])
    np.testing.assert_allclose(batched.step_loss[10], loss, rtol=1e-13)


def test_full_batch_step_loss_is_the_training_loss_and_falls():
    data, arch, runs = _moons_runs("momentum", [0.2], [0.9], steps=200, every=50)
    np.testing.assert_array_equal(runs.steps_recorded, [0, 50, 100, 150, 200])
    loss, _ = evaluate(arch, runs.weights[:-1, 0], data.x_train, data.y_train)
    np.testing.assert_allclose(runs.step_loss[::50, 0], loss, rtol=1e-13)
    assert runs.step_loss[-1, 0] < 0.5 * runs.step_loss[0, 0]


def test_a_diverging_run_is_frozen_and_dated_and_the_others_go_on():
    _, _, runs = _moons_runs("momentum", [0.1, 1e8], [0.9, 0.9], steps=30)
    assert runs.diverged_at[0] == -1 and runs.diverged_at[1] > 0
    assert np.isfinite(runs.weights).all()
    at = runs.diverged_at[1]
    assert np.isfinite(runs.step_loss[:at, 1]).all()
    assert np.all(runs.weights[at:, 1] == runs.weights[at, 1])


def test_paired_runs_in_one_call_equal_each_run_alone():
    data = make_classification("moons", 0, {"n_points": 120, "noise": 0.2}, 0.25, True)
    arch = make_architecture("mlp", 2, 2, (8,), "tanh", 0.0)
    seeds = mt.paired_seeds(7, 2)
    assert seeds[0] == 7 and seeds[1] != 7 and seeds == mt.paired_seeds(7, 2)
    starts = [initial_weights(arch, seed) for seed in seeds]
    batches = [mt.batch_indices(mt.epoch_orders(seed, len(data.y_train), 16, 40), 16, 40) for seed in seeds]
    alone = [mt.train(arch, data.x_train, data.y_train, start, "momentum", [0.1], [0.9], 40, batch, 10)
             for start, batch in zip(starts, batches)]
    together = mt.train(arch, data.x_train, data.y_train, np.stack(starts[::-1]), "momentum", [0.1, 0.1], [0.9, 0.9],
                        40, np.stack(batches), 10, orders=[1, 0])
    for k, run in enumerate(alone[::-1]):
        np.testing.assert_array_equal(together.weights[:, k], run.weights[:, 0])
    with pytest.raises(ValueError, match="orders"):
        mt.train(arch, data.x_train, data.y_train, starts[0], "momentum", [0.1], [0.9], 40, np.stack(batches), 10,
                 orders=[2])

