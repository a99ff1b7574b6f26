"""Sharpness by Lanczos equals the top eigenvalue of the full Hessian (not the largest |λ|)."""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.model.sharpness import largest_eigenvalue, model_sharpness
from momentumlab.model.network import BatchedModel, initial_weights, make_architecture


def test_quadratic_model_gives_its_largest_algebraic_eigenvalue():
    rng = np.random.default_rng(2)
    spectra = [np.array([3.0, 1.0, -0.5, -7.0, 0.1, 2.9]), np.array([1e-3, 5.0, 4.999, -5.0, 0.0, 1.0])]
    matrices = []
    for spectrum in spectra:
        basis, _ = np.linalg.qr(rng.normal(size=(6, 6)))
        matrices.append(basis @ np.diag(spectrum) @ basis.T)
    stacked = np.stack(matrices)

    def gradient(w):
        return np.einsum("bij,bj->bi", np.concatenate([stacked, stacked]), w)

    top = largest_eigenvalue(gradient, rng.normal(size=(2, 6)))
    np.testing.assert_allclose(top, [3.0, 5.0], rtol=1e-9)


def _full_hessian_top(arch, weights, x, y):
    model = BatchedModel(arch, 2 * arch.n_weights, len(x))
    eye = np.eye(arch.n_weights) * 1e-5
    rows = np.concatenate([weights + eye, weights - eye])
    grads = np.empty_like(rows)
    model.loss_and_gradient(rows, x, y, grads)
    hessian = (grads[: arch.n_weights] - grads[arch.n_weights :]) / 2e-5
    return np.linalg.eigvalsh(0.5 * (hessian + hessian.T))[-1]


@pytest.mark.parametrize(("model", "hidden", "activation", "l2"), [
    ("logistic_regression", (), "tanh", 0.0),
    ("logistic_regression", (), "tanh", 0.01),
    ("mlp", (6, 5), "tanh", 0.0),
    ("mlp", (8,), "relu", 0.001),
])
def test_equals_eigvalsh_of_the_full_hessian(model, hidden, activation, l2):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 > 0.3).astype(np.int64) + (x[:, 2] > 1.0)
    arch = make_architecture(model, 3, 3, hidden, activation, l2)
    weights = np.stack([initial_weights(arch, seed) * scale for seed, scale in ((1, 1.0), (2, 3.0))])
    expected = [_full_hessian_top(arch, w[None], x, y) for w in weights]
    np.testing.assert_allclose(model_sharpness(arch, weights, x, y), expected, rtol=1e-6)
