"""numpy ≡ TensorFlow for the classifiers: the same weights at every step, full batch and minibatches.

One compiled Keras loop per case (one trace each); 500 steps; max |Δθ| over all weights and steps
≤ 1e-10. Cases cover logistic regression and the MLP, tanh and ReLU, 2 and 3 classes, full
batch and minibatches, sgd and momentum.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.model import training as mt
from momentumlab.model.data import make_classification
from momentumlab.model.network import initial_weights, make_architecture

STEPS = 500
CASES = [
    # (model, hidden, activation, dataset, classes, batch_size, method, lr, l2)
    ("logistic_regression", (), "tanh", "moons", 2, None, "momentum", 0.5, 1e-2),
    ("logistic_regression", (), "tanh", "blobs", 3, 16, "sgd", 0.1, 0.0),
    ("mlp", (16, 16), "tanh", "moons", 2, 32, "momentum", 0.05, 1e-3),
    ("mlp", (8, 8), "tanh", "spirals", 3, None, "sgd", 0.3, 0.0),
    ("mlp", (16,), "relu", "spirals", 3, 24, "momentum", 0.02, 1e-3),
    ("mlp", (12, 6), "relu", "circles", 2, None, "momentum", 0.05, 0.0),
]


@pytest.mark.parametrize("model, hidden, activation, kind, classes, batch_size, method, lr, l2", CASES)
def test_numpy_and_tensorflow_agree_step_by_step(model, hidden, activation, kind, classes, batch_size, method, lr, l2):
    from momentumlab.model import keras as model_tensorflow

    params = {"classes": classes} if kind in ("blobs", "spirals") else {}
    data = make_classification(kind, seed=1, params={"n_points": 240, **params})
    arch = make_architecture(model, data.n_features, data.n_classes, hidden, activation, l2)
    initial = initial_weights(arch, seed=1)
    orders = mt.epoch_orders(1, len(data.y_train), batch_size, STEPS)
    batches = None if batch_size is None else mt.batch_indices(orders, batch_size, STEPS)
    ours = mt.train(arch, data.x_train, data.y_train, initial, method, [lr], [0.9], STEPS, batches, every=1)
    keras = model_tensorflow.train(arch, data.x_train, data.y_train, initial, method, lr, 0.9, STEPS, batches, every=1)
    assert ours.diverged_at[0] == keras.diverged_at[0] == -1
    assert ours.step_loss[-1, 0] < ours.step_loss[0, 0]  # it learns: the agreement is not trivial
    assert np.abs(ours.weights - keras.weights).max() <= 1e-10
    np.testing.assert_allclose(ours.step_loss, keras.step_loss, rtol=1e-10)


def test_both_backends_freeze_a_diverging_run_at_the_same_step_and_weights():
    from momentumlab.model import keras as model_tensorflow

    data = make_classification("moons", seed=0, params={"n_points": 120})
    arch = make_architecture("mlp", 2, 2, (8,), "tanh")
    initial = initial_weights(arch, seed=0)
    ours = mt.train(arch, data.x_train, data.y_train, initial, "momentum", [1e8], [0.9], 30, every=1)
    keras = model_tensorflow.train(arch, data.x_train, data.y_train, initial, "momentum", 1e8, 0.9, 30, every=1)
    assert ours.diverged_at[0] == keras.diverged_at[0] > 0
    assert np.isfinite(keras.weights).all()
    np.testing.assert_array_equal(ours.weights, keras.weights)
