"""Per-frame views of a model run: decision regions and per-class accuracy, batched = one at a time."""

from __future__ import annotations

import numpy as np

from momentumlab.model.frames import class_accuracy, input_window, predicted_classes, region_points
from momentumlab.sampling import record_at
from momentumlab.model.network import initial_weights, make_architecture, predict


def test_record_at_is_the_last_record_not_after_the_step():
    steps = np.array([0, 10, 20, 25])
    assert [record_at(steps, s) for s in (0, 9, 10, 24, 25, 99)] == [0, 0, 1, 2, 3, 3]


def test_batched_predictions_equal_one_model_at_a_time():
    arch = make_architecture("mlp", 2, 3, (5, 4), "relu")
    rng = np.random.default_rng(1)
    weights = np.stack([initial_weights(arch, s) + rng.normal(0, 0.3, arch.n_weights) for s in range(7)])
    x = region_points(input_window(rng.normal(size=(50, 2))), resolution=33)
    batched = predicted_classes(arch, weights, x, memory_bytes=20_000)  # many small blocks of both kinds
    for row, w in zip(batched, weights):
        assert np.array_equal(row, predict(arch, w, x))
    assert len(np.unique(batched)) > 1


def test_class_accuracy_counts_each_class_apart():
    arch = make_architecture("logistic_regression", 2, 3)
    weights = np.zeros((1, arch.n_weights))
    kernel = np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]])  # class 0 for x > 0, class 2 for x < 0
    weights[0, :6] = kernel.ravel()
    x = np.array([[1.0, 0.0], [2.0, 0.0], [-1.0, 0.0], [-3.0, 0.0]])
    y = np.array([0, 1, 2, 0])
    accuracy = class_accuracy(arch, weights, x, y)
    assert np.allclose(accuracy[0], [0.5, 0.0, 1.0])
    assert np.isnan(class_accuracy(arch, weights, x[:1], y[:1])[0, 1])


def test_the_window_pads_a_flat_axis():
    x0, x1, y0, y1 = input_window(np.array([[0.0, 1.0], [2.0, 1.0]]))
    assert x0 < 0 < 2 < x1 and y0 < 1 < y1
