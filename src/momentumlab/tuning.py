"""A fair race: ``tuned`` learning rates and momenta come from each method's own sweep.

A spec with ``lr: tuned`` (and/or its momentum, μ or β₁, ``tuned``) is resolved by sweeping
its method — with its own options and schedule — on the same experiment (start, steps,
tolerance) and taking the sweep's best run by the one best-run rule (``records.rank_order``).
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
from momentumlab.sweep import SweepGrid, gather_chunks, momentum_axis, run_chunk

ADAPTIVE_LR_RANGE = (1e-4, 10.0)


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


def tune(experiment: Experiment, spec: OptimizerSpec, problem: Problem) -> OptimizerSpec:
    """``spec`` with its tuned values filled in from its own sweep's best run.

    If every run of that sweep diverges, the smallest rate (and momentum) of the grid is
    taken and the choice says so: the race then shows the divergence instead of failing.
    """
    if not spec.tuned:
        return spec
    grid = tuning_grid(experiment, spec)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    best = result.best()
    chosen = _grid_text(experiment, spec, grid)
    if best is None:
        best, chosen = (0, 0), chosen + "; every run diverged, so the grid's smallest values were taken"
    q, p = best
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
    return f"tuned: best run of its own {spec.method} sweep over {' × '.join(axes)} ({experiment.steps} steps)"
