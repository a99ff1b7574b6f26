"""The reference backend: analytic gradients and the numpy optimizers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np

from momentumlab.optim import Optimizer, make_optimizer, map_state
from momentumlab.problems import Problem
from momentumlab.schedules import Schedule
from momentumlab.trajectory import Trajectory, truncate_at_divergence

Array = np.ndarray


# Steps between divergence checks of a single run; the first bad step is still found exactly.
_CHECK_EVERY = 256


def run(
    problem: Problem,
    method: str,
    lr: float,
    momentum: float | None,
    start: Sequence[float],
    steps: int,
    *,
    schedule: Schedule | None = None,
    options: Mapping[str, Any] | None = None,
) -> Trajectory:
    """One run, every step recorded; stops at the first diverged step.

    ``momentum`` is the method's momentum-axis value (μ, or β₁ for the Adam family; None:
    Keras' default); ``options`` its other hyperparameters (``optim.DEFAULTS``).
    The loop updates in place (no allocation per step) and checks for divergence once
    per block of steps, then cuts the record right after the first bad row, exactly
    where a per-step check would have stopped.
    """
    start = np.asarray(start, dtype=np.float64).reshape(-1)
    params = np.empty((1, start.shape[0]), order="F")
    params[0] = start
    optimizer = _batched_optimizer(
        method, np.array([lr]), None if momentum is None else np.array([momentum]), params.shape,
        schedule, dict(options or {}),
    )
    state = optimizer.init(params)
    grad = np.empty_like(params)
    history = np.empty((steps + 1, params.shape[1]))
    history[0] = start
    box = problem.box
    recorded = steps + 1
    with np.errstate(all="ignore"):
        for offset in range(0, steps, _CHECK_EVERY):
            last = min(offset + _CHECK_EVERY, steps)
            for t in range(offset + 1, last + 1):
                optimizer.step_into(params, problem.gradient_into(params, grad), state, t - 1)
                history[t] = params[0]
            block = history[offset + 1 : last + 1]
            bad = ~(np.isfinite(block).all(axis=1) & (np.abs(block).max(axis=1) <= box))
            if bad.any():
                recorded = offset + 2 + int(np.argmax(bad))
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
    steps_to_tolerance: Array  # (B,) int, the first step within tolerance ("first touched")
    settled_at: Array  # (B,) int, the first step from which the run stays within tolerance to its end
    samples: Array | None = None  # (S, r, d) params of the recorded rows at ``record_steps``


def run_batch(
    problem: Problem,
    method: str,
    lr: Array,
    momentum: Array | None,
    start: Sequence[float],
    steps: int,
    tolerance: float,
    chunk: int = 128,
    *,
    schedule: Schedule | None = None,
    options: Mapping[str, Any] | None = None,
    record_steps: Sequence[int] | None = None,
    record_rows: Sequence[int] | None = None,
) -> BatchResult:
    """B runs in one vectorised loop, one per (lr[i], momentum[i]) pair.

    The hot loop records nothing per step but each row's running max |θ| and (with an
    optimum) its running min squared distance to the nearest minimum. After each chunk
    of steps, the few rows that left the box, went non-finite or came near the optimum
    are replayed from the chunk's start with every step recorded, which finds the exact
    step as :func:`run` and :class:`Trajectory` would. For ``settled_at`` the loop also keeps
    each row's last step outside the tolerance (by squared distance, with a margin either side);
    the rare row that came within the margin's rounding of the tolerance is re-run alone. Diverged rows are frozen at their
    last valid parameters (η = μ = 0, state zeroed), so no NaN is carried along. The
    caller's ``lr`` and ``momentum`` (μ, or β₁ for the Adam family) are not modified.

    ``record_steps`` (increasing, in 0..steps) asks for the parameters of the rows
    ``record_rows`` (default: all) after those steps: one copy at each of them only, so the
    other results stay bit-identical. A diverged row's samples from its divergence on are its
    last valid parameters.
    """
    options = dict(options or {})
    lr = np.array(lr, dtype=np.float64).reshape(-1)
    momentum = None if momentum is None else np.array(momentum, dtype=np.float64).reshape(-1)
    batch = lr.shape[0]
    start = np.asarray(start, dtype=np.float64)
    # Fortran order: each coordinate is one contiguous column, which pointwise gradients like.
    params = np.empty((batch, start.shape[0]), order="F")
    params[:] = start
    optimizer = _batched_optimizer(method, lr, momentum, params.shape, schedule, options)
    state = optimizer.init(params)
    grad = np.empty_like(params)
    box = problem.box
    minima = np.stack(problem.minima) if problem.minima else np.zeros((0, start.shape[0]))
    diverged_at = np.full(batch, -1)
    hit = np.full(batch, -1)
    if len(minima):
        hit[problem.distance_to_optimum(params) <= tolerance] = 0
    # Squared distances are only a filter; the replay decides with distance_to_optimum.
    near_enough = (tolerance * (1.0 + 1e-6)) ** 2 + 1e-300
    surely_near = (tolerance * (1.0 - 1e-6)) ** 2
    last_out = np.full(batch, -1)  # the last step surely outside the tolerance
    last_maybe_out = np.full(batch, -1)  # the last step perhaps outside it
    now = np.empty(batch)
    if len(minima):
        _mark_outside(problem.distance_to_optimum(params) ** 2, 0, near_enough, surely_near, last_out, last_maybe_out)
    peak = np.empty_like(params)
    magnitude = np.empty_like(params)
    closest = np.empty(batch)
    gap = np.empty_like(params)
    squared = np.empty(batch)
    wanted = np.asarray(record_steps if record_steps is not None else [], dtype=np.int64)
    recorded_rows = np.arange(batch) if record_rows is None else np.asarray(record_rows, dtype=np.int64)
    every_row = record_rows is None
    position = np.full(batch, -1)
    position[recorded_rows] = np.arange(len(recorded_rows))
    samples = np.empty((len(wanted), len(recorded_rows), start.shape[0])) if record_steps is not None else None
    where = {int(step): k for k, step in enumerate(wanted)}
    if 0 in where:
        samples[where[0]] = params if every_row else params[recorded_rows]
    with np.errstate(all="ignore"):
        for offset in range(0, steps, chunk):
            size = min(chunk, steps - offset)
            chunk_params, chunk_state = params.copy(), map_state(np.copy, state)
            watch = len(minima) > 0 and bool((hit < 0).any())
            peak.fill(0.0)
            closest.fill(np.inf)
            for t in range(offset, offset + size):
                optimizer.step_into(params, problem.gradient_into(params, grad), state, t)
                if t + 1 in where:
                    samples[where[t + 1]] = params if every_row else params[recorded_rows]
                np.maximum(peak, np.abs(params, out=magnitude), out=peak)  # NaN propagates
                if len(minima):
                    now.fill(np.inf)
                    for minimum in minima:
                        np.square(np.subtract(params, minimum, out=gap), out=gap)
                        np.add(gap[:, 0], gap[:, 1], out=squared)
                        np.minimum(now, squared, out=now)
                    np.minimum(closest, now, out=closest)
                    _mark_outside(now, t + 1, near_enough, surely_near, last_out, last_maybe_out)
            suspect = ~(peak.max(axis=1) <= box)
            if watch:
                suspect |= (closest <= near_enough) & (hit < 0)
            rows = np.flatnonzero(suspect & (diverged_at < 0))
            if rows.size == 0:
                continue
            recorded = _replay(
                problem, optimizer, rows, chunk_params[rows], map_state(lambda slot: slot[rows], chunk_state),
                offset, size,
            )  # (size, r, d)
            bad = ~np.all(np.isfinite(recorded) & (np.abs(recorded) <= box), axis=-1)  # (size, r)
            if watch:
                near = problem.distance_to_optimum(recorded) <= tolerance
                near &= ~np.maximum.accumulate(bad, axis=0)
                found = near.any(axis=0) & (hit[rows] < 0)
                hit[rows[found]] = offset + 1 + np.argmax(near, axis=0)[found]
            newly = bad.any(axis=0)
            if newly.any():
                first_bad = np.argmax(bad, axis=0)[newly]
                gone = rows[newly]
                diverged_at[gone] = offset + 1 + first_bad
                restored = chunk_params[gone]
                inside = first_bad > 0
                restored[inside] = recorded[first_bad[inside] - 1, np.flatnonzero(newly)[inside]]
                params[gone] = restored
                if samples is not None:
                    late = wanted >= offset + 1 + first_bad[:, None]  # (g, S): at or after divergence
                    for row, mask in zip(range(len(gone)), late):
                        if position[gone[row]] >= 0:
                            samples[mask, position[gone[row]]] = restored[row]
                map_state(lambda slot: slot.__setitem__(gone, 0.0), state)
                optimizer.learning_rate[gone] = 0.0  # writable: _batched_optimizer copies
                optimizer.momentum[gone] = 0.0
        final_loss = problem.value(params)
    settled = _settled(problem, params, tolerance, diverged_at, last_out, last_maybe_out)
    for row in np.flatnonzero((last_out != last_maybe_out) & (diverged_at < 0)):  # within rounding of the tolerance
        single = run(problem, method, lr[row], None if momentum is None else momentum[row], start, steps,
                     schedule=schedule, options=options)
        settled[row] = -1 if (at := single.settled_at(problem, tolerance)) is None else at
    return BatchResult(
        final_params=np.ascontiguousarray(params), final_loss=final_loss, diverged_at=diverged_at, steps_to_tolerance=hit,
        settled_at=settled, samples=samples,
    )


def _mark_outside(squared: Array, step: int, near_enough: float, surely_near: float, last_out: Array,
                  last_maybe_out: Array) -> None:
    """Record ``step`` as the last step outside the tolerance where a row's squared distance says so."""
    np.putmask(last_out, squared > near_enough, step)  # NaN compares False: divergence is tracked apart
    np.putmask(last_maybe_out, ~(squared <= surely_near), step)


def _settled(problem: Problem, params: Array, tolerance: float, diverged_at: Array, last_out: Array,
             last_maybe_out: Array) -> Array:
    """Per row the step after its last one outside the tolerance, -1 when it ends outside or diverged."""
    if not problem.minima:
        return np.full(len(params), -1)
    inside = (problem.distance_to_optimum(params) <= tolerance) & (diverged_at < 0)
    return np.where(inside, last_out + 1, -1)


def _batched_optimizer(
    method: str, lr: Array, momentum: Array, shape: tuple[int, int], schedule: Schedule | None, options: Mapping[str, Any]
) -> Optimizer:
    """``make_optimizer`` with writable hyperparameters spread to ``shape`` in Fortran order."""
    optimizer = make_optimizer(method, lr, momentum, schedule=schedule, **options)
    return replace(
        optimizer,
        learning_rate=np.array(np.broadcast_to(optimizer.learning_rate, shape), order="F"),
        momentum=np.array(np.broadcast_to(optimizer.momentum, shape), order="F"),
    )


def _replay(
    problem: Problem, batched: Optimizer, rows: Array, params: Array, state: Any, offset: int, steps: int
) -> Array:
    """The (steps, r, d) parameters of r rows restarted at step ``offset`` from (params, state),
    bit for bit as in the batch."""
    params = np.asfortranarray(params)
    state = map_state(np.asfortranarray, state)
    optimizer = replace(
        batched,
        learning_rate=np.asfortranarray(batched.learning_rate[rows]),
        momentum=np.asfortranarray(batched.momentum[rows]),
    )
    grad = np.empty_like(params)
    history = np.empty((steps,) + params.shape)
    for k in range(steps):
        optimizer.step_into(params, problem.gradient_into(params, grad), state, offset + k)
        history[k] = params
    return history
