"""Batched numpy classifiers: layout, gradients vs finite differences, the L2 optimum, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.model import training as model_training
from momentumlab.model.data import make_classification
from momentumlab.model.network import (
    BatchedModel, evaluate, initial_weights, make_architecture,
)
from momentumlab.runs import RunKey


def test_layout_and_initialisation_follow_keras():
    arch = make_architecture("mlp", 2, 3, hidden=(16, 8))
    assert arch.sizes == (2, 16, 8, 3)
    assert arch.n_weights == 2 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3
    weights = initial_weights(arch, seed=0)
    np.testing.assert_array_equal(weights, initial_weights(arch, seed=0))
    for (kernel, bias), (n_in, n_out, *_) in zip(arch.split(weights[None]), arch.layers):
        assert np.all(bias == 0)
        limit = np.sqrt(6 / (n_in + n_out))
        assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.8 * limit
    assert arch.penalised().sum() == 2 * 16 + 16 * 8 + 8 * 3


@pytest.mark.parametrize("model, hidden, activation, classes", [
    ("logistic_regression", (), "tanh", 2),
    ("logistic_regression", (), "tanh", 3),
    ("mlp", (5, 4), "tanh", 3),
    ("mlp", (6,), "relu", 2),
])
def test_gradient_matches_finite_differences(model, hidden, activation, classes):
    data = make_classification("spirals", seed=0, params={"n_points": 60, "classes": classes})
    arch = make_architecture(model, 2, classes, hidden, activation, l2=0.1)
    # Random biases keep ReLU away from its kink (zero biases put some pre-activations at exactly 0).
    weights = np.random.default_rng(1).normal(0.0, 1.0, size=(3, arch.n_weights))
    batched = BatchedModel(arch, 3, len(data.y_train))
    grad = np.empty_like(weights)
    loss = batched.loss_and_gradient(weights, data.x_train, data.y_train, grad)
    np.testing.assert_array_equal(loss, batched.loss(weights, data.x_train, data.y_train)[0])
    h = 1e-6
    numeric = np.empty_like(weights)
    for i in range(arch.n_weights):
        step = np.zeros(arch.n_weights)
        step[i] = h
        plus = batched.loss(weights + step, data.x_train, data.y_train)[0]
        minus = batched.loss(weights - step, data.x_train, data.y_train)[0]
        numeric[:, i] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=0, atol=1e-8)


def test_rows_are_independent_and_chunks_do_not_matter():
    data = make_classification("moons", seed=0)
    arch = make_architecture("mlp", 2, 2, (16, 16))
    weights = np.random.default_rng(2).normal(0.0, 1.0, size=(7, arch.n_weights))
    whole, accuracy = evaluate(arch, weights, data.x_train, data.y_train)
    chunked, accuracy_chunked = evaluate(arch, weights, data.x_train, data.y_train, memory_bytes=1)
    np.testing.assert_array_equal(whole, chunked)
    np.testing.assert_array_equal(accuracy, accuracy_chunked)
    one, _ = evaluate(arch, weights[3], data.x_train, data.y_train)
    np.testing.assert_allclose(one[0], whole[3], rtol=1e-15)
    assert np.all((accuracy >= 0) & (accuracy <= 1))


@pytest.mark.parametrize("kind", ["moons", "iris"])
def test_full_batch_logistic_regression_with_l2_reaches_the_optimum(kind):
    """scikit-learn's LogisticRegression at C = 1/(n·l2) (K > 2, softmax, unpenalised intercepts)
    solves the same problem. For K = 2 it uses a sigmoid on w = w₁ − w₀; our softmax optimum has
    w₀ = −w₁ and b₀ = −b₁ (the L2 term and the zero-sum start), so C = 2/(n·l2) and w₁ = w/2."""
    from sklearn.linear_model import LogisticRegression

    data = make_classification(kind, seed=0)
    n, l2, d, k = len(data.y_train), 0.05, data.n_features, data.n_classes
    arch = make_architecture("logistic_regression", d, k, l2=l2)
    runs = model_training.train(arch, data.x_train, data.y_train, initial_weights(arch, 0), "momentum",
                                [0.5], [0.9], steps=2000)
    found = runs.final_weights[0]
    if k == 2:
        solver = LogisticRegression(C=2 / (n * l2), tol=1e-12, max_iter=100_000).fit(data.x_train, data.y_train)
        half_w, half_b = solver.coef_[0] / 2, solver.intercept_[0] / 2
        expected = np.concatenate([np.stack([-half_w, half_w], axis=1).ravel(), [-half_b, half_b]])
    else:
        solver = LogisticRegression(C=1 / (n * l2), tol=1e-12, max_iter=100_000).fit(data.x_train, data.y_train)
        expected = np.concatenate([solver.coef_.T.ravel(), solver.intercept_ - solver.intercept_.mean()])
    assert np.linalg.norm(found - expected) <= 1e-6


@pytest.mark.parametrize("args, message", [
    (("svm", 2, 2), "unknown model"),
    (("mlp", 2, 2, (16, 0)), "hidden sizes > 0"),
    (("mlp", 2, 2, ()), "hidden sizes > 0"),
    (("mlp", 2, 2, (4,), "sigmoid"), "unknown activation"),
    (("logistic_regression", 2, 2, (4,)), "no hidden layers"),
    (("logistic_regression", 2, 2, (), "tanh", -1.0), "l2"),
])
def test_bad_models_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        make_architecture(*args)


def test_predicted_classes_give_the_evaluated_accuracy():
    from momentumlab.model.network import evaluate, predict

    rng = np.random.default_rng(4)
    arch = make_architecture("mlp", 2, 3, (8,), "relu")
    weights = rng.normal(size=arch.n_weights)
    x, y = rng.normal(size=(500, 2)), rng.integers(0, 3, 500)
    classes = predict(arch, weights, x, chunk=64)  # several blocks of rows
    assert classes.shape == (500,) and set(np.unique(classes)) <= {0, 1, 2}
    assert np.mean(classes == y) == pytest.approx(evaluate(arch, weights, x, y)[1][0])


def test_two_feature_experiments_get_a_decision_region_panel(tmp_path):
    from PIL import Image

    from momentumlab.render import render_loss_plane

    grid = np.linspace(-1.0, 1.0, 5)
    arrays = {"plane/alphas": grid, "plane/betas": grid, "plane/loss": np.exp(np.add.outer(grid, grid)),
              "plane/explained_variance": np.array([0.9, 0.05]),
              "sgd-numpy/plane_coordinates": np.array([[-1.0, -1.0], [0.0, 0.0]]),
              "sgd-numpy/off_plane_distance": np.zeros(2), "sgd-numpy/steps_recorded": np.array([0, 10]),
              "sgd-numpy/train_loss": np.array([1.0, 0.5]), "sgd-numpy/test_loss": np.array([1.1, 0.7])}
    data = {"x_train": np.array([[0.0, 0.0], [1.0, 1.0]]), "y_train": np.array([0, 1]),
            "x_test": np.array([[0.5, 0.2]]), "y_test": np.array([1])}
    render_loss_plane(arrays, [RunKey("sgd", "numpy")], {}, tmp_path / "two.png", "two panels")
    render_loss_plane(arrays, [RunKey("sgd", "numpy")], {}, tmp_path / "three.png", "three panels",
                      classify=lambda x: (x.sum(axis=1) > 1.0).astype(int), data=data)
    assert Image.open(tmp_path / "three.png").width > Image.open(tmp_path / "two.png").width
