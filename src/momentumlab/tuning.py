"""A fair race: ``tuned`` learning rates and momenta come from each method's own sweep.

A spec with ``lr: tuned`` (and/or its momentum, μ or β₁, ``tuned``) is resolved by sweeping
its method — with its own options and schedule — on the same experiment (start, steps,
tolerance) and choosing a cell by :data:`TUNING_RULE`: the fewest settle steps among the cells
that settle and whose neighbour at the next larger η (same momentum) also settles, so a tuned
rate never sits at the edge of divergence. Where no cell qualifies the choice says so and why,
and falls back to :data:`FALLBACK_RULE` (the lowest final distance; never a first touch).
Learning rates span the experiment's sweep range for the SGD family and 1e-4 … 10 for the
adaptive methods (whose step is about η per coordinate whatever the gradient's scale); momenta
span 0 … ``momentum_max``. On 2-D problems a 24 × 20 grid costs milliseconds to a second, and
the result is deterministic, so every job that needs it recomputes it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.optim import SGD_FAMILY
from momentumlab.problems import Problem
from momentumlab.records import best_index
from momentumlab.sweep import SweepGrid, SweepResult, gather_chunks, momentum_axis, run_chunk

ADAPTIVE_LR_RANGE = (1e-4, 10.0)
TUNING_RULE = ("the fewest settle steps among the cells that settle and whose neighbour at the next larger η "
               "(same momentum) also settles, ties to the smaller final distance")
FALLBACK_RULE = "the lowest final distance (final loss without a minimum) among the runs that did not diverge"
BELOW_THE_CLIFF = ", and whose next larger η does not diverge either"


def tuning_grid(experiment: Experiment, spec: OptimizerSpec) -> SweepGrid:
    """The grid that tunes ``spec``: its tuned values vary, the others stay as configured."""
    sweep = experiment.sweep
    low, high = (sweep.lr_min, sweep.lr_max) if spec.method in SGD_FAMILY else ADAPTIVE_LR_RANGE
    lr = np.geomspace(low, high, sweep.lr_points) if "lr" in spec.tuned else np.array([spec.lr])
    key = spec.momentum_key
    momentum = momentum_axis(spec.method, sweep.momentum_max, sweep.momentum_points)
    if key not in spec.tuned:
        momentum = np.array([spec.momentum if spec.momentum is not None else 0.0])
    return SweepGrid(
        method=spec.method, lr=lr, momentum=momentum, start=experiment.start, steps=experiment.steps,
        tolerance=experiment.tolerance, options=dict(spec.options), schedule=spec.schedule,
    )


def off_the_cliff(result: SweepResult) -> np.ndarray:
    """[momentum][lr] mask of the cells that settle and whose next larger η settles too.

    On a grid of one learning rate (η configured, only the momentum tuned) settling is enough.
    """
    return _with_neighbour((result.settled_at >= 0) & ~result.diverged)


def _with_neighbour(mask: np.ndarray) -> np.ndarray:
    """``mask`` and its next larger η's ``mask`` (the mask itself on a grid of one η)."""
    if mask.shape[1] == 1:
        return mask
    neighbour = np.zeros_like(mask)
    neighbour[:, :-1] = mask[:, 1:]
    return mask & neighbour


def choose_cell(result: SweepResult) -> tuple[tuple[int, int] | None, str]:
    """The [momentum, lr] cell the tuning rule picks and the sentence that says by which rule (None: all diverged)."""
    error = result.final_distance if result.has_optimum else result.final_loss
    candidates = off_the_cliff(result)
    if candidates.any():
        flat = best_index(~candidates, np.where(candidates, result.settled_at, -1), error)
        reason = TUNING_RULE
    else:
        ok = ~result.diverged & np.isfinite(result.final_loss)
        below = _with_neighbour(ok)
        ok = below if below.any() else ok
        flat = best_index(~ok, np.full(ok.shape, -1), error)
        reason = f"{_why_none(result)}, so by {FALLBACK_RULE}{BELOW_THE_CLIFF if below.any() else ''}"
    if flat is None:
        return None, "every run diverged, so the grid's smallest values were taken"
    q, p = np.unravel_index(flat, result.diverged.shape)
    return (int(q), int(p)), reason


def _why_none(result: SweepResult) -> str:
    settles = (result.settled_at >= 0) & ~result.diverged
    if not result.has_optimum:
        return "the problem has no minimum to settle at"
    if not settles.any():
        return f"no cell settles within {result.tolerance:g} in {result.steps} steps"
    return "every cell that settles has a next larger η that does not"


def tune(experiment: Experiment, spec: OptimizerSpec, problem: Problem) -> OptimizerSpec:
    """``spec`` with its tuned values filled in from its own sweep by :func:`choose_cell`.

    If every run of that sweep diverges, the smallest rate (and momentum) of the grid is
    taken and the choice says so: the race then shows the divergence instead of failing.
    """
    if not spec.tuned:
        return spec
    grid = tuning_grid(experiment, spec)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    best, reason = choose_cell(result)
    q, p = best if best is not None else (0, 0)
    chosen = f"{_grid_text(experiment, spec, grid)}: {reason}"
    return replace(spec, lr=float(result.lr[p]), momentum=float(result.momentum[q]), chosen=chosen)


def resolve(experiment: Experiment, problem: Problem) -> Experiment:
    """``experiment`` with every tuned value filled in (unchanged if nothing is tuned)."""
    if not any(spec.tuned for spec in experiment.optimizers):
        return experiment
    return replace(experiment, optimizers=tuple(tune(experiment, spec, problem) for spec in experiment.optimizers))


def _grid_text(experiment: Experiment, spec: OptimizerSpec, grid: SweepGrid) -> str:
    axes = [f"{len(grid.lr)} learning rates {grid.lr[0]:.3g} … {grid.lr[-1]:.3g}"] if "lr" in spec.tuned else []
    if spec.momentum_key in spec.tuned:
        axes.append(f"{len(grid.momentum)} values of {spec.momentum_key} 0 … {grid.momentum[-1]:.3g}")
    return f"tuned on its own {spec.method} sweep over {' × '.join(axes)} ({experiment.steps} steps)"
