"""Learning-rate × momentum sweeps: the grid, its deterministic chunks, gathering, best pair.

A sweep runs one method over a grid of learning rates (log-spaced, ``lr_points``) ×
momenta (linear from 0 to ``momentum_max``, ``momentum_points``). Every array is
indexed ``[momentum][lr]``; the flattened grid is row-major (``k = q·P + p``), and
chunk ``i`` of ``n`` is the contiguous slice ``[i·N // n, (i+1)·N // n)`` of it, so
any chunk can be computed by any job, in any order, with the same result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from momentumlab.backends import numpy_backend
from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.files import read_npz, write_npz
from momentumlab.optim import DEFAULTS, MOMENTUM_KEY
from momentumlab.problems import Problem
from momentumlab.records import best_index, json_number
from momentumlab.regions import Curve, constant_curvatures, sweep_regions
from momentumlab.sampling import frames_for_steps
from momentumlab.schedules import CONSTANT, Schedule
from momentumlab.stability import BOUNDED_METHODS, spectral_radii

Array = np.ndarray
_RESULT_ARRAYS = ("final_params", "final_loss", "diverged_at", "settled_at")
# Each kept grid point's compact path: PATH_SAMPLES steps (half linear, half log, as the
# animations' frames), float32; above MAX_PATHS cells only every k-th cell keeps one.
PATH_SAMPLES = 48
MAX_PATHS = 1000
# A linear iteration whose spectral radius exceeds 1 by more than rounding grows without bound.
UNSTABLE_RADIUS = 1.0 + 1e-9


def path_steps(steps: int, samples: int = PATH_SAMPLES) -> Array:
    """The steps at which every grid point's path is sampled (0 and ``steps`` included)."""
    return frames_for_steps(int(steps), samples).astype(np.int64)


def path_stride(size: int, limit: int = MAX_PATHS) -> int:
    """Keep the path of every k-th flattened grid point: k = ceil(size / limit)."""
    return max(1, -(-int(size) // int(limit)))


@dataclass(frozen=True)
class SweepGrid:
    """The hyperparameters of one sweep: ``lr`` (P,) × ``momentum`` (Q,) for ``method``.

    ``momentum`` is the method's momentum axis (μ, or β₁ for the Adam family; the single value
    0 for sgd and adagrad, which sweep lr alone); ``options`` and ``schedule`` are shared by
    every run of the grid.
    """

    method: str
    lr: Array
    momentum: Array
    start: tuple[float, float]
    steps: int
    tolerance: float
    options: Mapping[str, Any] = field(default_factory=dict)
    schedule: Schedule = CONSTANT

    @property
    def shape(self) -> tuple[int, int]:
        """(Q, P): momentum rows × learning-rate columns."""
        return len(self.momentum), len(self.lr)

    @property
    def size(self) -> int:
        """The number of runs in the grid."""
        return len(self.momentum) * len(self.lr)

    def flat(self) -> tuple[Array, Array]:
        """Per-run (lr, momentum) of the flattened grid, row-major over [momentum][lr]."""
        lr, momentum = np.meshgrid(self.lr, self.momentum)
        return lr.ravel(), momentum.ravel()


def sweep_grid(experiment: Experiment) -> SweepGrid:
    """The grid of ``experiment``'s (already defaulted) sweep settings.

    The runs take the hyperparameters and schedule of the experiment's first optimizer of the
    swept method (Keras' defaults and a constant rate if it has none).
    """
    spec = experiment.sweep
    model = sweep_model(experiment)
    return SweepGrid(
        method=spec.method,
        lr=np.geomspace(spec.lr_min, spec.lr_max, spec.lr_points),
        momentum=momentum_axis(spec.method, spec.momentum_max, spec.momentum_points),
        start=experiment.start,
        steps=spec.steps,
        tolerance=experiment.tolerance,
        options=dict(model.options) if model else {k: v for k, v in DEFAULTS[spec.method].items() if k != MOMENTUM_KEY[spec.method]},
        schedule=model.schedule if model else CONSTANT,
    )


def momentum_axis(method: str, maximum: float, points: int) -> Array:
    """The swept momentum values: linear from 0 to ``maximum``, or [0] for a method without one."""
    return np.linspace(0.0, maximum, points) if MOMENTUM_KEY[method] else np.zeros(1)


def sweep_model(experiment: Experiment) -> OptimizerSpec | None:
    """The configured optimizer whose options and schedule the sweep's runs share, if any."""
    return next((spec for spec in experiment.optimizers if spec.method == experiment.sweep.method), None)


def chunk_slice(size: int, index: int, chunks: int) -> slice:
    """The flattened-grid slice of chunk ``index`` of ``chunks`` (sizes differ by at most 1)."""
    if not 0 <= index < chunks:
        raise ValueError(f"chunk index {index} is outside 0..{chunks - 1}")
    return slice(index * size // chunks, (index + 1) * size // chunks)


def run_chunk(problem: Problem, grid: SweepGrid, index: int, chunks: int) -> dict[str, Array]:
    """Every run of one chunk in a single vectorised ``run_batch`` call."""
    part = chunk_slice(grid.size, index, chunks)
    lr, momentum = (values[part] for values in grid.flat())
    arrays: dict[str, Array] = {"index": np.arange(grid.size)[part], "lr": lr, "momentum": momentum}
    sampled = path_steps(grid.steps)
    kept = arrays["index"] % path_stride(grid.size, MAX_PATHS) == 0
    d = len(grid.start)
    if lr.size == 0:
        arrays.update(
            final_params=np.zeros((0, d)), final_loss=np.zeros(0),
            diverged_at=np.zeros(0, dtype=np.int64), settled_at=np.zeros(0, dtype=np.int64),
            path_index=np.zeros(0, dtype=np.int64), paths=np.zeros((0, len(sampled), d), dtype=np.float32),
        )
        return arrays
    unstable = unstable_runs(problem, grid.method, grid.schedule, lr, momentum)
    # Copies: run_batch zeroes the hyperparameters of diverged rows in place.
    result = numpy_backend.run_batch(
        problem, grid.method, lr.copy(), momentum.copy(), grid.start, grid.steps, grid.tolerance,
        schedule=grid.schedule, options=grid.options, record_steps=sampled, record_rows=np.flatnonzero(kept),
    )
    arrays.update(
        path_index=arrays["index"][kept],
        paths=np.ascontiguousarray(result.samples.transpose(1, 0, 2), dtype=np.float32),
    )
    diverged_at, settled_at = judged_divergence(result.diverged_at, result.settled_at, unstable, grid.steps)
    arrays.update(final_params=result.final_params, final_loss=result.final_loss,
                  diverged_at=diverged_at, settled_at=settled_at)
    return arrays


def unstable_runs(problem: Problem, method: str, schedule: Schedule, lr: Array, momentum: Array) -> Array | None:
    """Per run, whether its iteration is a linear map with spectral radius above 1 (None: not linear).

    With a constant Hessian (quadratic, linear regression), a constant rate and a method with a
    one-mode map (sgd, heavy ball, Nesterov, either momentum form), each eigen-mode of the error
    follows ``stability.mode_matrix``: a radius above 1 on any mode means the run grows without
    bound, however few steps it was given to show it.
    """
    curvatures = constant_curvatures(problem)
    if curvatures is None or not schedule.is_constant or method not in BOUNDED_METHODS:
        return None
    lr, momentum = np.asarray(lr, dtype=float), np.asarray(momentum, dtype=float)
    radius = np.max([spectral_radii(method, lr * curvature, momentum) for curvature in curvatures], axis=0)
    return radius > UNSTABLE_RADIUS


def divergence_rule(problem: Problem, grid: SweepGrid) -> str:
    """The sentence that says when a cell of this sweep counts as diverged (``judged_divergence``)."""
    rule = f"a run diverged when it left the box [−{problem.box:g}, {problem.box:g}]² or went non-finite"
    if unstable_runs(problem, grid.method, grid.schedule, np.zeros(1), np.zeros(1)) is not None:
        rule += (", or when its iteration, linear here (constant Hessian, constant rate), has a spectral radius"
                 " above 1 on some eigen-mode: it grows without bound, so it is marked diverged at its last step"
                 " even if the sweep's steps end before it leaves the box")
    return rule


def judged_divergence(diverged_at: Array, settled_at: Array, unstable: Array | None, steps: int) -> tuple[Array, Array]:
    """(diverged_at, settled_at) by the sweep's divergence rule: a run diverged where it left the box or
    went non-finite (that step), or, still inside after ``steps``, where ``unstable_runs`` says its linear
    iteration grows without bound (marked at its last step, ``steps``, and never settled)."""
    diverged_at = np.asarray(diverged_at, dtype=np.int64).copy()
    settled_at = np.asarray(settled_at, dtype=np.int64).copy()
    if unstable is not None:
        judged = unstable & (diverged_at < 0)
        diverged_at[judged] = int(steps)
        settled_at[judged] = -1
    return diverged_at, settled_at


def timed_chunk(problem: Problem, grid: SweepGrid, index: int, chunks: int) -> tuple[dict[str, Array], dict[str, Any]]:
    """``run_chunk`` and its timing record (wall seconds of the numpy compute, runs, steps)."""
    began = time.perf_counter()
    arrays = run_chunk(problem, grid, index, chunks)
    seconds = time.perf_counter() - began
    return arrays, {"seconds": seconds, "runs": int(arrays["index"].size), "steps": grid.steps}


@dataclass(frozen=True)
class GridResult:
    """What every η × μ sweep holds, 2-D or model: its method, length, tolerance, axes, and where
    each cell [momentum][lr] diverged (-1: never)."""

    method: str
    steps: int
    tolerance: float
    lr: Array  # (P,)
    momentum: Array  # (Q,)
    diverged_at: Array  # (Q, P) int

    @property
    def diverged(self) -> Array:
        """Mask of the cells that blew up."""
        return self.diverged_at >= 0


@dataclass(frozen=True)
class SweepResult(GridResult):
    """A gathered 2-D sweep: outcome grids indexed [momentum][lr]; -1 means "never" in step grids."""

    final_params: Array  # (Q, P, d), last valid parameters
    final_loss: Array  # (Q, P)
    final_distance: Array  # (Q, P), NaN where diverged or without an optimum
    settled_at: Array  # (Q, P) int: the step from which a run stays within tolerance (trajectory.settled_at)
    has_optimum: bool = True  # False for problems without a minimum (the saddle)
    path_steps: Array | None = None  # (S,) the sampled steps of every kept path
    path_index: Array | None = None  # (K,) flattened [momentum][lr] index of each kept path
    paths: Array | None = None  # (K, S, d) float32; a diverged run repeats its last valid point

    def best(self) -> tuple[int, int] | None:
        """[momentum, lr] indices of the best run by the best-run rule (``records.rank_order``), or None.

        With an optimum: fewest steps to settle, ties (and runs that never settle)
        by final distance. Without one: lowest final loss. Never a run that diverged.
        """
        error = self.final_distance if self.has_optimum else self.final_loss
        flat = best_index(self.diverged | ~np.isfinite(self.final_loss), self.settled_at, error)
        if flat is None:
            return None
        q, p = np.unravel_index(flat, self.diverged.shape)
        return int(q), int(p)


def gather_chunks(problem: Problem, grid: SweepGrid, chunks: list[Mapping[str, Array]]) -> SweepResult:
    """Assemble chunk outputs (any order) into one result; checks they cover the grid exactly once."""
    lr_flat, momentum_flat = grid.flat()
    seen = np.zeros(grid.size, dtype=bool)
    d = len(grid.start)
    out = {
        "final_params": np.full((grid.size, d), np.nan),
        "final_loss": np.full(grid.size, np.nan),
        "diverged_at": np.full(grid.size, -1, dtype=np.int64),
        "settled_at": np.full(grid.size, -1, dtype=np.int64),
    }
    for chunk in chunks:
        index = np.asarray(chunk["index"], dtype=np.int64)
        if seen[index].any() or not (
            np.array_equal(chunk["lr"], lr_flat[index]) and np.array_equal(chunk["momentum"], momentum_flat[index])
        ):
            raise ValueError("sweep chunks overlap or were computed for a different grid")
        seen[index] = True
        for name in _RESULT_ARRAYS:
            out[name][index] = chunk[name]
    if not seen.all():
        raise ValueError(f"sweep chunks cover {int(seen.sum())} of {grid.size} grid points")
    path_index, paths = None, None
    if all("paths" in chunk for chunk in chunks):
        path_index = np.concatenate([np.asarray(chunk["path_index"], dtype=np.int64) for chunk in chunks])
        order = np.argsort(path_index, kind="stable")
        path_index = path_index[order]
        paths = np.concatenate([np.asarray(chunk["paths"], dtype=np.float32) for chunk in chunks])[order]
    shape = grid.shape
    diverged = out["diverged_at"] >= 0
    distance = problem.distance_to_optimum(out["final_params"])
    distance = np.full(grid.size, np.nan) if distance is None else np.where(diverged, np.nan, distance)
    return SweepResult(
        method=grid.method, steps=grid.steps, tolerance=grid.tolerance, lr=grid.lr, momentum=grid.momentum,
        final_params=out["final_params"].reshape(*shape, d),
        final_loss=out["final_loss"].reshape(shape),
        final_distance=distance.reshape(shape),
        diverged_at=out["diverged_at"].reshape(shape),
        settled_at=out["settled_at"].reshape(shape),
        has_optimum=problem.optimum is not None,
        path_steps=None if paths is None else path_steps(grid.steps),
        path_index=path_index,
        paths=paths,
    )


def map_extent(result: GridResult) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (η, μ) ranges a sweep's map covers: half a cell beyond the outer centres (η in log space),
    μ kept within [0, 1)."""
    lr, momentum = np.log(np.asarray(result.lr, dtype=float)), np.asarray(result.momentum, dtype=float)
    half_lr = (lr[-1] - lr[0]) / (2 * (len(lr) - 1)) if len(lr) > 1 else 0.5
    half_mu = (momentum[-1] - momentum[0]) / (2 * (len(momentum) - 1)) if len(momentum) > 1 else 0.0
    return ((float(np.exp(lr[0] - half_lr)), float(np.exp(lr[-1] + half_lr))),
            (max(0.0, float(momentum[0] - half_mu)), min(float(momentum[-1] + half_mu), 1.0 - 1e-6)))


def sweep_regions_of(problem: Problem, result: SweepResult, start: Any) -> list[Curve]:
    """``regions.sweep_regions`` over the sweep's map; the run that ends is the best cell's (the start without one)."""
    best = result.best()
    end = None if best is None else result.final_params[best]
    lr_range, momentum_range = map_extent(result)
    return sweep_regions(problem, result.method, lr_range, momentum_range, np.asarray(start, dtype=float), end)


def save_chunk(path: str | Path, arrays: Mapping[str, Array]) -> None:
    """Write one chunk reproducibly."""
    write_npz(path, arrays)


def save_result(path: str | Path, result: SweepResult) -> None:
    """Write a gathered sweep reproducibly."""
    arrays: dict[str, Any] = {
        name: getattr(result, name)
        for name in ("lr", "momentum", "final_params", "final_loss", "final_distance", "diverged_at", "settled_at")
    }
    arrays.update(
        method=np.array(result.method), steps=np.array(result.steps), tolerance=np.array(result.tolerance),
        has_optimum=np.array(result.has_optimum),
    )
    if result.paths is not None:
        arrays.update(path_steps=result.path_steps, path_index=result.path_index, paths=result.paths)
    write_npz(path, arrays)


def load_result(path: str | Path) -> SweepResult:
    """Read what ``save_result`` wrote."""
    data = read_npz(path)
    return SweepResult(
        method=str(data.pop("method")), steps=int(data.pop("steps")), tolerance=float(data.pop("tolerance")),
        has_optimum=bool(data.pop("has_optimum")), **data,
    )


def marked_optimizers(experiment: Experiment) -> list[OptimizerSpec]:
    """The configured optimizers that are points of the sweep's plane.

    Those with the sweep's method, options and schedule, plus plain constant-rate ``sgd`` ones
    in a heavy-ball or Nesterov sweep: with μ = 0 those are gradient descent, so (η, 0) is
    exactly their run.
    """
    model = sweep_model(experiment)
    method = experiment.sweep.method

    def on_plane(spec: OptimizerSpec) -> bool:
        if spec.method == method:
            return model is not None and spec.options == model.options and spec.schedule == model.schedule
        return spec.method == "sgd" and method in ("momentum", "nesterov") and spec.schedule.is_constant and (
            model is None or model.schedule.is_constant)

    return [spec for spec in experiment.optimizers if on_plane(spec) and spec.lr is not None and spec.momentum is not None]


def spot_check_points(result: SweepResult, count: int = 3) -> list[tuple[int, int]]:
    """Grid cells to re-run on TensorFlow (``spot_check_cells`` of the result)."""
    return spot_check_cells(result.best(), result.diverged, result.diverged_at, count)


def spot_check_cells(best: tuple[int, int] | None, diverged: Array, diverged_at: Array,
                     count: int = 3) -> list[tuple[int, int]]:
    """Grid cells [momentum][lr] to re-run on TensorFlow: the best, the latest divergence (or the
    largest rate and momentum when none diverged), and the centre of the grid; distinct, at most ``count``."""
    q_size, p_size = diverged.shape
    points = [] if best is None else [tuple(best)]
    if diverged.any():
        latest = np.where(diverged, diverged_at, -1)
        points.append(tuple(int(i) for i in np.unravel_index(int(np.argmax(latest)), latest.shape)))
    else:
        points.append((q_size - 1, p_size - 1))
    points.append((q_size // 2, p_size // 2))
    return list(dict.fromkeys(points))[:count]


def spot_check(
    problem: Problem, result: SweepResult, start: tuple[float, float], threads: int = 1, grid: SweepGrid | None = None
) -> list[dict[str, Any]]:
    """Re-run a few grid cells with the TensorFlow backend; max |Δ final θ| against the sweep.

    ``grid`` supplies the runs' shared options and schedule (constant-rate defaults without it).
    """
    from momentumlab.backends import prepare
    from momentumlab.backends.tensorflow_backend import run_many

    options = dict(grid.options) if grid else {}
    schedule = grid.schedule if grid else None
    axis = None if MOMENTUM_KEY[result.method] is None else 0.0

    prepare("tensorflow", threads)
    points = spot_check_points(result)
    settings = [(float(result.lr[p]), float(result.momentum[q]) if axis is not None else None) for q, p in points]
    trajectories = run_many(problem, result.method, settings, start, result.steps, threads,
                            schedule=schedule, options=options)  # one trace for all points
    rows = []
    for (q, p), (lr, _), trajectory in zip(points, settings, trajectories):
        momentum = float(result.momentum[q])
        numpy_final = result.final_params[q, p]
        numpy_diverged = int(result.diverged_at[q, p])
        unstable = unstable_runs(problem, result.method, schedule or CONSTANT, np.array([lr]), np.array([momentum]))
        tensorflow_diverged = int(judged_divergence(np.array([-1 if trajectory.diverged_at is None else trajectory.diverged_at]),
                                                    np.array([-1]), unstable, result.steps)[0][0])
        difference = float(np.max(np.abs(trajectory.final_params - numpy_final)))
        rows.append(
            {
                "lr": lr,
                "momentum": momentum,
                "numpy_final_params": [json_number(v) for v in numpy_final],
                "tensorflow_final_params": [json_number(v) for v in trajectory.final_params],
                "max_abs_diff": json_number(difference),
                "max_rel_diff": json_number(difference / max(1.0, float(np.max(np.abs(numpy_final))))),
                "numpy_diverged_at": None if numpy_diverged < 0 else numpy_diverged,
                "tensorflow_diverged_at": None if tensorflow_diverged < 0 else tensorflow_diverged,
            }
        )
    return rows
