"""Training B classifiers at once with the numpy optimizers, minibatch order fixed by the seed.

Minibatches: an epoch is one permutation of the n training examples cut into ⌊n / batch_size⌋
batches (the remainder of each epoch is dropped, so every batch has the same size, as
``tf.data``'s ``drop_remainder``). All permutations are drawn once from the seed and stored;
``batch_size=None`` is full batch (every step sees all examples, in stored order). Step t
(0-based) uses batch t of the concatenated epochs, for every run and every backend.

Records: ``step_loss[t]`` is the loss of the batch used at step t at the weights before that
step (free from the forward pass; the full training loss when full batch); the weights at
the record steps 0, every, 2·every, …, steps (the last always) from which train/test loss and
accuracy are evaluated exactly afterwards (``model.network.evaluate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from momentumlab.model.network import Architecture, BatchedModel, chunk_size
from momentumlab.optim import make_optimizer

Array = np.ndarray
# A run whose weights leave [−WEIGHT_BOX, WEIGHT_BOX] has diverged (as a 2-D run leaving its box).
WEIGHT_BOX = 1e6


def paired_seeds(seed: int, count: int) -> list[int]:
    """The ``count`` paired seeds of an experiment: ``seed`` itself, then seeds derived from (``seed``, i)."""
    return [seed] + [int(np.random.SeedSequence([seed, i]).generate_state(1)[0]) for i in range(1, count)]


def epoch_orders(seed: int, n_train: int, batch_size: int | None, steps: int) -> Array:
    """(epochs, n_train) int64 permutations, enough for ``steps`` steps; full batch: one identity row."""
    if batch_size is None:
        return np.arange(n_train)[None, :]
    if not 1 <= batch_size <= n_train:
        raise ValueError(f"batch_size must lie in [1, {n_train}] (the training set), got {batch_size}")
    per_epoch = n_train // batch_size
    epochs = max(1, -(-steps // per_epoch))
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(n_train) for _ in range(epochs)])


def batch_indices(orders: Array, batch_size: int | None, steps: int) -> Array:
    """(steps, batch_size) example indices of every step, from the stored ``orders``."""
    n_train = orders.shape[1]
    size = n_train if batch_size is None else batch_size
    per_epoch = n_train // size
    batches = orders[:, : per_epoch * size].reshape(-1, size)
    if batch_size is None:
        return np.broadcast_to(batches[0], (steps, size))
    return batches[:steps]


def record_steps(steps: int, every: int | None) -> Array:
    """0, every, 2·every, …, and ``steps``; ``every=None`` records the start and the end only."""
    marks = np.arange(0, steps + 1, every or max(steps, 1))
    return marks if marks[-1] == steps else np.append(marks, steps)


@dataclass(frozen=True)
class ModelRuns:
    """B training runs: weights at ``steps_recorded`` (R, B, n_weights), step losses (steps, B).

    A diverged run (non-finite loss, or a weight beyond ``WEIGHT_BOX``) is frozen at its last
    finite weights from ``diverged_at`` on (−1: never), so records stay finite.
    """

    steps_recorded: Array
    weights: Array
    step_loss: Array
    diverged_at: Array

    @property
    def final_weights(self) -> Array:
        return self.weights[-1]


def train(
    arch: Architecture, x: Array, y: Array, initial: Array, method: str, lr: Array, momentum: Array,
    steps: int, batches: Array | None = None, every: int | None = None, orders: Array | None = None,
) -> ModelRuns:
    """Run B = len(lr) optimizers on (x, y), each from its own start and batch order.

    ``initial`` is (n_weights,) (one start shared by every run) or (B, n_weights) (one per run).
    ``batches`` are the example indices per step: (steps, batch) shared by every run
    (``batch_indices``), or (G, steps, batch) with ``orders`` (B,) naming the order of each run
    (paired seeds: the runs of one seed share an order); None is full batch. Per step: loss and
    gradient of every run on its batch (``BatchedModel``, a block of runs at a time), then one
    in-place optimizer step (``Optimizer.step_into``, the update rules of ``optim``).
    """
    lr = np.atleast_1d(np.asarray(lr, dtype=np.float64))
    momentum = np.broadcast_to(np.asarray(momentum, dtype=np.float64), lr.shape)
    runs = lr.shape[0]
    shape = (runs, arch.n_weights)
    optimizer = make_optimizer(method, lr, momentum)
    # Hyperparameters spread to the weights' shape: the in-place step avoids a broadcast.
    rates = np.array(np.broadcast_to(optimizer.learning_rate, shape))
    mus = np.array(np.broadcast_to(optimizer.momentum, shape))
    optimizer = type(optimizer)(learning_rate=rates, momentum=mus)
    weights = np.empty(shape)
    weights[:] = initial
    state, grad, previous = optimizer.init(weights), np.empty(shape), weights.copy()
    per_run = batches is not None and batches.ndim == 3
    if per_run:
        orders = np.zeros(runs, dtype=np.int64) if orders is None else np.asarray(orders, dtype=np.int64)
        if orders.shape != (runs,) or orders.min() < 0 or orders.max() >= batches.shape[0]:
            raise ValueError(f"orders must name one of the {batches.shape[0]} batch orders for each of the {runs} runs")
    size = x.shape[0] if batches is None else batches.shape[-1]
    # Runs go through the model in blocks whose activations stay in cache (~2× faster than all at once).
    block = min(runs, chunk_size(arch, size, 4 << 20))
    model = BatchedModel(arch, block, size)
    loss = np.empty(runs)
    if batches is None:
        x_batch, y_batch = x, y
    elif per_run:  # one batch per run: (B, batch, features), the model's matmuls take them stacked
        x_batch, y_batch = np.empty((runs, size, x.shape[1])), np.empty((runs, size), dtype=y.dtype)
    else:
        x_batch, y_batch = np.empty((size, x.shape[1])), np.empty(size, dtype=y.dtype)
    marks = record_steps(steps, every)
    recorded = np.empty((len(marks), runs, arch.n_weights))
    step_loss = np.empty((steps, runs))
    diverged_at = np.full(runs, -1)
    mark = 0
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            if t == marks[mark]:
                recorded[mark] = weights
                mark += 1
            if t == steps:
                break
            if per_run:
                indices = batches[orders, t]
                np.take(x, indices, axis=0, out=x_batch)
                np.take(y, indices, axis=0, out=y_batch)
            elif batches is not None:
                np.take(x, batches[t], axis=0, out=x_batch)
                np.take(y, batches[t], axis=0, out=y_batch)
            for start in range(0, runs, block):
                rows = slice(start, start + block)
                xs, ys = (x_batch[rows], y_batch[rows]) if per_run else (x_batch, y_batch)
                loss[rows] = model.loss_and_gradient(weights[rows], xs, ys, grad[rows])
            step_loss[t] = loss
            bad = ~(np.isfinite(loss) & (np.abs(weights).max(axis=1) <= WEIGHT_BOX)) & (diverged_at < 0)
            if bad.any():
                _freeze(np.flatnonzero(bad), t, weights, previous, state, rates, mus, diverged_at)
                grad[bad] = 0.0
                if mark and t == marks[mark - 1]:
                    recorded[mark - 1] = weights
            np.copyto(previous, weights)
            optimizer.step_into(weights, grad, state)
    return ModelRuns(steps_recorded=marks, weights=recorded, step_loss=step_loss, diverged_at=diverged_at)


def _freeze(rows: Array, t: int, weights: Array, previous: Array, state: Array, rates: Array, mus: Array,
            diverged_at: Array) -> None:
    """Stop ``rows`` at step t: back to the weights before the step that broke them, η = μ = 0."""
    diverged_at[rows] = t
    weights[rows] = previous[rows]
    state[rows] = 0.0
    rates[rows] = 0.0
    mus[rows] = 0.0
