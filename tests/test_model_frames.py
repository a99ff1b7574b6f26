"""Per-frame views of a model run: decision regions and per-class accuracy, batched = one at a time."""

from __future__ import annotations

import numpy as np

from momentumlab.model.frames import class_accuracy, input_window, model_run_views, predicted_classes, region_points
from momentumlab.runs import RunKey
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


def test_only_the_detailed_runs_get_regions_and_theirs_are_the_full_ones():
    arch = make_architecture("mlp", 2, 2, (3,), "tanh")
    runs = [RunKey("sgd", "numpy"), RunKey("sgd", "tensorflow")]
    rng = np.random.default_rng(2)
    arrays = {}
    for key in runs:
        arrays |= {f"{key.file_name}/weights": rng.normal(size=(3, arch.n_weights)), f"{key.file_name}/diverged_at": -1,
                   f"{key.file_name}/steps_recorded": np.array([0, 1, 2]), f"{key.file_name}/plane_coordinates": np.zeros((3, 2)),
                   **{f"{key.file_name}/{name}": np.zeros(3) for name in
                      ("off_plane_distance", "train_loss", "test_loss", "train_accuracy", "test_accuracy")}}
    data = {"x_train": rng.normal(size=(20, 2)), "x_test": rng.normal(size=(5, 2))}
    every = model_run_views(arrays, runs, 2, arch, data)
    some = model_run_views(arrays, runs, 2, arch, data, detailed={runs[0]})
    assert some[1].regions is None and every[1].regions is not None
    assert np.array_equal(some[0].regions, every[0].regions)
