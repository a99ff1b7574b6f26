"""Classifiers with one flat float64 weight vector, evaluated for B weight vectors at once.

Architecture: sizes (d, h₁, …, h_L, K); ``logistic_regression`` has no hidden layer. Every
layer is z = a W + b with W of shape (n_in, n_out); hidden layers apply tanh or ReLU, the
output is a softmax over K classes. Logistic regression uses the softmax for K = 2 as well
(one code path, the same layout as Keras' ``Dense(K)``): p₁ = σ(z₁ − z₀), so it is the sigmoid
model in the logit difference; its L2 term on both columns, at the optimum where w₀ = −w₁,
equals (l2/4)‖w₁ − w₀‖² of the sigmoid parametrisation.

Loss (one definition, train and test): L(θ) = (1/m) Σᵢ [logsumexp(zᵢ) − z_{i,yᵢ}] + (l2/2) Σ_l ‖W_l‖²,
biases not penalised. Gradient: δ_out = (softmax(z) − onehot(y)) / m; ∂L/∂W_l = a_{l−1}ᵀ δ_l + l2·W_l;
∂L/∂b_l = Σᵢ δ_l; δ_{l−1} = (δ_l W_lᵀ) ⊙ f′(z_{l−1}) with f′ = 1 − a² (tanh) or [z > 0] (ReLU).

Flat layout (Keras' ``model.weights`` order): W₁ (row-major), b₁, W₂, b₂, …. Initial weights:
Glorot-uniform W ~ U(±√(6/(n_in + n_out))) as in Keras, zero biases, from ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

Array = np.ndarray
MODELS = ("logistic_regression", "mlp")
ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True)
class Architecture:
    """Layer sizes (d, h₁, …, K), hidden activation and L2 strength."""

    sizes: tuple[int, ...]
    activation: str = "tanh"
    l2: float = 0.0

    @property
    def n_weights(self) -> int:
        return sum(n_in * n_out + n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))

    @property
    def layers(self) -> list[tuple[int, int, int, int]]:
        """Per layer (n_in, n_out, offset of W, offset of b) in the flat vector."""
        out, offset = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            out.append((n_in, n_out, offset, offset + n_in * n_out))
            offset += n_in * n_out + n_out
        return out

    def penalised(self) -> Array:
        """Mask (n_weights,) of the entries L2 acts on: the kernels, not the biases."""
        mask = np.zeros(self.n_weights, dtype=bool)
        for n_in, n_out, w, _ in self.layers:
            mask[w : w + n_in * n_out] = True
        return mask

    def split(self, weights: Array) -> list[tuple[Array, Array]]:
        """Views (W (B, n_in, n_out), b (B, 1, n_out)) into ``weights`` (B, n_weights); no copies."""
        batch = weights.shape[0]
        return [(weights[:, w : w + n_in * n_out].reshape(batch, n_in, n_out),
                 weights[:, b : b + n_out].reshape(batch, 1, n_out)) for n_in, n_out, w, b in self.layers]


def make_architecture(
    model: str, n_features: int, n_classes: int, hidden: Sequence[int] = (), activation: str = "tanh", l2: float = 0.0
) -> Architecture:
    """The architecture of ``model``; refuses unknown models/activations, empty or non-positive sizes."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; known: {list(MODELS)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; known: {list(ACTIVATIONS)}")
    hidden = tuple(int(h) for h in hidden)
    if model == "logistic_regression" and hidden:
        raise ValueError("logistic_regression has no hidden layers")
    if model == "mlp" and (not hidden or min(hidden) <= 0):
        raise ValueError(f"mlp needs hidden sizes > 0, got {list(hidden)}")
    if not (l2 >= 0 and np.isfinite(l2)):
        raise ValueError(f"l2 must be finite and >= 0, got {l2}")
    return Architecture(sizes=(int(n_features), *hidden, int(n_classes)), activation=activation, l2=float(l2))


def initial_weights(arch: Architecture, seed: int) -> Array:
    """Glorot-uniform kernels and zero biases as one flat float64 vector (n_weights,)."""
    rng = np.random.default_rng(seed)
    weights = np.zeros(arch.n_weights)
    for n_in, n_out, w, _ in arch.layers:
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights[w : w + n_in * n_out] = rng.uniform(-limit, limit, size=n_in * n_out)
    return weights


class BatchedModel:
    """Loss and gradient of B weight vectors on m examples, with preallocated buffers.

    Forward and backward are stacked matmuls (B gemms per layer, one BLAS call each); a call
    with fewer weight vectors or examples than allocated uses leading slices of the buffers.
    """

    def __init__(self, arch: Architecture, batch: int, examples: int) -> None:
        self.arch, self.batch, self.examples = arch, batch, examples
        self.acts = [np.empty((batch, examples, n_out)) for n_out in arch.sizes[1:]]
        self.deltas = [np.empty((batch, examples, n_out)) for n_out in arch.sizes[1:]]
        self.derivs = [np.empty((batch, examples, n_out)) for n_out in arch.sizes[1:-1]]
        self.transposed = [np.empty((batch, n_out, n_in)) for n_in, n_out in zip(arch.sizes[:-1], arch.sizes[1:])]
        self.row = np.empty((batch, examples, 1))
        self.ones = np.ones((1, examples))

    def forward(self, layers: list[tuple[Array, Array]], x: Array) -> tuple[list[Array], Array]:
        """(activations of every layer, logits shifted by their row max) of the weight ``layers``
        (views from ``Architecture.split``) on inputs ``x``; written into this model's buffers."""
        batch, m = layers[0][0].shape[0], x.shape[-2]
        acts = [buffer[:batch, :m] for buffer in self.acts]
        previous = x
        for k, (kernel, bias) in enumerate(layers):
            np.matmul(previous, kernel, out=acts[k])
            acts[k] += bias
            if k < len(layers) - 1:
                if self.arch.activation == "tanh":
                    np.tanh(acts[k], out=acts[k])
                else:
                    np.maximum(acts[k], 0.0, out=acts[k])
            previous = acts[k]
        # Stable log-softmax: shift by the row max (classes are few: a loop beats an axis reduction).
        logits, row = acts[-1], self.row[:batch, :m]
        np.copyto(row, logits[:, :, :1])
        for k in range(1, logits.shape[2]):
            np.maximum(row, logits[:, :, k : k + 1], out=row)
        logits -= row
        return acts, logits

    def _data_loss(self, logits: Array, onehot: Array) -> tuple[Array, Array]:
        """(mean cross-entropy (B,), probabilities written over the shifted ``logits``)."""
        picked = np.zeros(logits.shape[:2])  # (B, m) shifted logit of the true class
        for k in range(logits.shape[2]):
            picked += logits[:, :, k] * onehot[..., k]
        np.exp(logits, out=logits)
        sums = self.row[: logits.shape[0], : logits.shape[1]]
        np.copyto(sums, logits[:, :, :1])
        for k in range(1, logits.shape[2]):
            sums += logits[:, :, k : k + 1]
        ce = (np.log(sums[:, :, 0]) - picked).mean(axis=1)
        logits /= sums
        return ce, logits

    def _penalty(self, weights: Array) -> Array:
        if self.arch.l2 == 0.0:
            return np.zeros(weights.shape[0])
        kernels = [kernel.reshape(kernel.shape[0], -1) for kernel, _ in self.arch.split(weights)]
        return 0.5 * self.arch.l2 * sum(np.einsum("bi,bi->b", w, w) for w in kernels)

    def loss(self, weights: Array, x: Array, y: Array) -> tuple[Array, Array]:
        """(loss (B,), accuracy (B,)) of each row of ``weights`` on (x, y)."""
        acts, logits = self.forward(self.arch.split(weights), x)
        correct = (np.argmax(logits, axis=2) == y).mean(axis=1)
        ce, _ = self._data_loss(logits, one_hot(y, self.arch.sizes[-1]))
        return ce + self._penalty(weights), correct

    def loss_and_gradient(self, weights: Array, x: Array, y: Array, grad: Array) -> Array:
        """The loss (B,) at ``weights`` (B, n_weights), its gradient written into ``grad``.

        ``x`` (m, d) and ``y`` (m,) are shared by every row, or (B, m, d) and (B, m): one batch per row.
        """
        layers = self.arch.split(weights)
        grads = self.arch.split(grad)
        batch, m = weights.shape[0], x.shape[-2]
        acts, logits = self.forward(layers, x)
        onehot = one_hot(y, self.arch.sizes[-1])
        ce, probs = self._data_loss(logits, onehot)
        delta = self.deltas[-1][:batch, :m]
        np.subtract(probs, onehot, out=delta)
        delta *= 1.0 / m
        for k in range(len(layers) - 1, -1, -1):
            kernel, _ = layers[k]
            grad_kernel, grad_bias = grads[k]
            below = x if k == 0 else acts[k - 1]
            np.matmul(np.swapaxes(below, -1, -2), delta, out=grad_kernel)
            np.matmul(self.ones[:, :m], delta, out=grad_bias)  # Σᵢ δ as a gemv: faster than sum(axis=1)
            if self.arch.l2:
                grad_kernel += self.arch.l2 * kernel
            if k == 0:
                break
            below_delta = self.deltas[k - 1][:batch, :m]
            transposed = self.transposed[k][:batch]
            np.copyto(transposed, kernel.transpose(0, 2, 1))  # small; a transposed operand is 3× slower
            np.matmul(delta, transposed, out=below_delta)
            derivative = self.derivs[k - 1][:batch, :m]
            if self.arch.activation == "tanh":
                np.multiply(acts[k - 1], acts[k - 1], out=derivative)
                np.subtract(1.0, derivative, out=derivative)
            else:
                np.greater(acts[k - 1], 0.0, out=derivative)
            below_delta *= derivative
            delta = below_delta
        return ce + self._penalty(weights)


def one_hot(y: Array, classes: int) -> Array:
    """(…, m, classes) float64 indicator of the labels (m,) or (B, m)."""
    return (np.asarray(y)[..., None] == np.arange(classes)).astype(np.float64)


def chunk_size(arch: Architecture, examples: int, memory_bytes: int) -> int:
    """Models per chunk so that their activations (and weights) take about ``memory_bytes``.

    A few MB keeps a chunk's activations in cache; the buffers are allocated once per call.
    """
    per_model = 8 * (examples * (2 * sum(arch.sizes[1:]) + 1) + arch.n_weights)
    return int(max(1, memory_bytes // per_model))


def evaluate(
    arch: Architecture, weights: Array, x: Array, y: Array, memory_bytes: int = 4 << 20
) -> tuple[Array, Array]:
    """(loss (N,), accuracy (N,)) of N weight vectors, chunk by chunk (``chunk_size``)."""
    weights = np.atleast_2d(weights)
    chunk = min(len(weights), chunk_size(arch, x.shape[0], memory_bytes))
    model = BatchedModel(arch, chunk, x.shape[0])
    loss, accuracy = np.empty(len(weights)), np.empty(len(weights))
    with np.errstate(all="ignore"):
        for start in range(0, len(weights), chunk):
            rows = slice(start, start + chunk)
            loss[rows], accuracy[rows] = model.loss(np.ascontiguousarray(weights[rows]), x, y)
    return loss, accuracy


def predict(arch: Architecture, weights: Array, x: Array, chunk: int = 4096) -> Array:
    """The predicted class (N,) of one weight vector on N inputs, a block of rows at a time."""
    weights = np.ascontiguousarray(np.atleast_2d(weights)[:1])
    model = BatchedModel(arch, 1, min(chunk, len(x)))
    layers = arch.split(weights)
    classes = np.empty(len(x), dtype=np.int64)
    with np.errstate(all="ignore"):
        for start in range(0, len(x), chunk):
            _, logits = model.forward(layers, np.ascontiguousarray(x[start : start + chunk]))
            classes[start : start + chunk] = np.argmax(logits[0], axis=1)
    return classes
