"""The reference backend: analytic gradients and the numpy optimizers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from momentumlab.optimizers import make_optimizer
from momentumlab.problems import Problem
from momentumlab.trajectory import Trajectory, truncate_at_divergence

Array = np.ndarray


def run(
    problem: Problem, method: str, lr: float, momentum: float, start: Sequence[float], steps: int
) -> Trajectory:
    """One run, every step recorded; stops at the first diverged step."""
    optimizer = make_optimizer(method, lr, momentum)
    params = np.asarray(start, dtype=np.float64).reshape(1, -1)
    state = optimizer.init(params)
    history = np.empty((steps + 1, params.shape[1]))
    history[0] = params[0]
    box = problem.box
    recorded = steps + 1
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            params, state = optimizer.step(params, problem.gradient(params), state)
            history[t] = params[0]
            if not (np.isfinite(params).all() and np.abs(params).max() <= box):
                recorded = t + 1
                break
        history = history[:recorded]
        loss = problem.value(history)
    return truncate_at_divergence(history, loss, steps, box)


@dataclass(frozen=True)
class BatchResult:
    """Per-run outcome of a batched call; -1 marks "never" in the step arrays."""

    final_params: Array  # (B, d), last valid parameters
    final_loss: Array  # (B,)
    diverged_at: Array  # (B,) int
    steps_to_tolerance: Array  # (B,) int



def run_batch(
    problem: Problem,
    method: str,
    lr: Array,
    momentum: Array,
    start: Sequence[float],
    steps: int,
    tolerance: float,
    chunk: int = 128,
) -> BatchResult:
    """B runs in one vectorised loop, one per (lr[i], momentum[i]) pair.

    Steps are taken in chunks; after each chunk the recorded block is scanned for the
    first diverged step and the first step within ``tolerance``, and diverged rows are
    frozen at their last valid parameters (η = μ = 0), so no NaN is carried along.
    """
    lr = np.asarray(lr, dtype=np.float64)
    momentum = np.asarray(momentum, dtype=np.float64)
    batch = lr.shape[0]
    optimizer = make_optimizer(method, lr, momentum)
    params = np.tile(np.asarray(start, dtype=np.float64), (batch, 1))
    state = optimizer.init(params)
    box = problem.box
    diverged_at = np.full(batch, -1)
    hit = np.full(batch, -1)
    if problem.optimum is not None:
        hit[problem.distance_to_optimum(params) <= tolerance] = 0
    block = np.empty((chunk, batch, params.shape[1]))
    last_params = params.copy()
    with np.errstate(all="ignore"):
        for offset in range(0, steps, chunk):
            size = min(chunk, steps - offset)
            for k in range(size):
                params, state = optimizer.step(params, problem.gradient(params), state)
                block[k] = params
            recorded = block[:size]
            bad = ~np.all(np.isfinite(recorded) & (np.abs(recorded) <= box), axis=-1)  # (size, B)
            newly = bad.any(axis=0) & (diverged_at < 0)
            if problem.optimum is not None:
                near = problem.distance_to_optimum(recorded) <= tolerance
                near &= ~np.maximum.accumulate(bad, axis=0)
                first_near = np.argmax(near, axis=0)
                found = near.any(axis=0) & (hit < 0)
                hit[found] = offset + 1 + first_near[found]
            if newly.any():
                rows = np.flatnonzero(newly)
                first_bad = np.argmax(bad, axis=0)[rows]
                diverged_at[rows] = offset + 1 + first_bad
                restored = last_params[rows]
                inside = first_bad > 0
                restored[inside] = recorded[first_bad[inside] - 1, rows[inside]]
                params[rows] = restored
                state[rows] = 0.0
                optimizer.learning_rate[rows] = 0.0
                optimizer.momentum[rows] = 0.0
            last_params = params.copy()
        final_loss = problem.value(params)
    return BatchResult(final_params=params, final_loss=final_loss, diverged_at=diverged_at, steps_to_tolerance=hit)
