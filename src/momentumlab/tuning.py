"""A fair race: ``tuned`` learning rates and momenta come from each method's own sweep.

A spec with ``lr: tuned`` (and/or its momentum, μ or β₁, ``tuned``) is resolved by sweeping
its method — with its own options and schedule — on the same experiment (start, steps,
tolerance) and choosing a cell by :data:`TUNING_RULE`: the fewest settle steps among the cells
that settle and whose neighbour at the next larger η (same momentum) also settles, so a tuned
rate never sits at the edge of divergence. Where no cell qualifies the choice says so and why,
and falls back to :data:`FALLBACK_RULE` (the lowest final distance; never a first touch).
Learning rates span the optimizer's configured ``lr_min`` … ``lr_max``, by default the
experiment's sweep range for the SGD family and ``ADAPTIVE_TUNING_LR`` for the adaptive methods
(whose step is about η per coordinate whatever the gradient's scale); momenta span 0 …
``momentum_max``. The ``tune`` job resolves them once, chunk by chunk as ``sweep.chunks`` splits
the grid, and writes them to a file (:func:`write_tuned`) that every later job applies
(:func:`apply_tuned`); a value chosen on its grid's edge is flagged there and on stderr.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from momentumlab.cell_yaml import flow, optimizer_entry
from momentumlab.config import Experiment, OptimizerSpec, tuning_lr_range
from momentumlab.files import read_json, write_json
from momentumlab.problems import Problem
from momentumlab.records import best_index
from momentumlab.sweep import SweepGrid, SweepResult, gather_chunks, momentum_axis, run_chunk

TUNING_RULE = ("the fewest settle steps among the cells that settle and whose neighbour at the next larger η "
               "(same momentum) also settles, ties to the smaller final distance")
FALLBACK_RULE = "the lowest final distance (final loss without a minimum) among the runs that did not diverge"
BELOW_THE_CLIFF = ", and whose next larger η does not diverge either"


def tuning_grid(experiment: Experiment, spec: OptimizerSpec) -> SweepGrid:
    """The grid that tunes ``spec``: its tuned values vary, the others stay as configured."""
    sweep = experiment.sweep
    low, high = tuning_lr_range(spec.method, spec.lr_range, (sweep.lr_min, sweep.lr_max))
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

    The grid runs in ``sweep.chunks`` parts, one after another, as the sweep's jobs split it. If
    every run diverges, the smallest rate (and momentum) of the grid is taken and the choice says
    so: the race then shows the divergence instead of failing.
    """
    if not spec.tuned:
        return spec
    grid = tuning_grid(experiment, spec)
    chunks = min(experiment.sweep.chunks, grid.size)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, index, chunks) for index in range(chunks)])
    best, reason = choose_cell(result)
    q, p = best if best is not None else (0, 0)
    edges = grid_edges(spec, grid, q, p)
    lr, momentum = float(result.lr[p]), float(result.momentum[q])
    entry = flow(optimizer_entry(spec.method, lr, momentum, spec.options, spec.schedule))
    chosen = (f"{_grid_text(experiment, spec, grid)}: {reason}; it runs as {entry} for {experiment.steps} steps"
              f"{_edge_text(grid, edges, q, p)}")
    return replace(spec, lr=lr, momentum=momentum, chosen=chosen, at_edge=edges)


def grid_edges(spec: OptimizerSpec, grid: SweepGrid, q: int, p: int) -> tuple[str, ...]:
    """The tuned keys whose chosen value sits on its grid's edge: either end of η, the top of the momentum axis
    (its bottom, 0, is no momentum at all rather than a limit of the search)."""
    edges = []
    if "lr" in spec.tuned and len(grid.lr) > 1 and p in (0, len(grid.lr) - 1):
        edges.append("lr")
    key = spec.momentum_key
    if key in spec.tuned and len(grid.momentum) > 1 and q == len(grid.momentum) - 1:
        edges.append(key)
    return tuple(edges)


EDGE = ". On the grid's edge: "


def _edge_text(grid: SweepGrid, edges: tuple[str, ...], q: int, p: int) -> str:
    """The sentence that flags ``edges`` (empty without any), after :data:`EDGE`."""
    parts = []
    if "lr" in edges:
        end = "lr_min" if p == 0 else "lr_max"
        parts.append(f"η {float(grid.lr[p])!r} is the search's {'smallest' if p == 0 else 'largest'} (widen the optimizer's {end})")
    parts += [f"{key} {float(grid.momentum[q])!r} is the search's largest (sweep.momentum_max)" for key in edges if key != "lr"]
    return f"{EDGE}{'; '.join(parts)}" if parts else ""


def resolve(experiment: Experiment, problem: Problem) -> Experiment:
    """``experiment`` with every tuned value filled in (unchanged if nothing is tuned)."""
    if not any(spec.tuned for spec in experiment.optimizers):
        return experiment
    return replace(experiment, optimizers=tuple(tune(experiment, spec, problem) for spec in experiment.optimizers))


def is_tuned(experiment: Experiment) -> bool:
    """Whether any optimizer of ``experiment`` has a ``tuned`` value (and so a ``tune`` job)."""
    return any(spec.tuned for spec in experiment.optimizers)


def tuned_values(experiment: Experiment) -> dict[str, dict[str, Any]]:
    """The resolved values of ``experiment``'s tuned optimizers, by name: what the ``tune`` job writes."""
    return {spec.name: {"lr": spec.lr, "momentum": spec.momentum, "chosen": spec.chosen, "at_edge": list(spec.at_edge)}
            for spec in experiment.optimizers if spec.tuned}


def apply_tuned(experiment: Experiment, values: Mapping[str, Mapping[str, Any]]) -> Experiment:
    """``experiment`` with the ``tune`` job's ``values`` filled in (unchanged if nothing is tuned)."""
    if not is_tuned(experiment):
        return experiment

    def filled(spec: OptimizerSpec) -> OptimizerSpec:
        if not spec.tuned:
            return spec
        if spec.name not in values:
            raise ValueError(f"the tuned values have no optimizer {spec.name!r}: rerun the tune job")
        v = values[spec.name]
        return replace(spec, lr=float(v["lr"]), momentum=float(v["momentum"]), chosen=str(v["chosen"]),
                       at_edge=tuple(v["at_edge"]))

    return replace(experiment, optimizers=tuple(filled(spec) for spec in experiment.optimizers))


def write_tuned(path: str | Path, experiment: Experiment, problem: Problem) -> Experiment:
    """Resolve ``experiment``'s tuned values and write them to ``path`` (JSON: floats round-trip exactly);
    the resolved experiment."""
    resolved = resolve(experiment, problem)
    write_json(path, tuned_values(resolved))
    return resolved


def edge_warnings(experiment: Experiment) -> list[str]:
    """One line per resolved optimizer whose tuned value sits on its search grid's edge."""
    return [f"warning: experiments.{experiment.name}.optimizers.{spec.name}: tuned on the search grid's edge: "
            f"{spec.chosen.rsplit(EDGE, 1)[-1]}" for spec in experiment.optimizers if spec.at_edge]


def read_tuned(experiment: Experiment, path: str | Path | None) -> Experiment:
    """``experiment`` with the tuned values the ``tune`` job wrote to ``path`` (None: nothing is tuned)."""
    if not is_tuned(experiment):
        return experiment
    if path is None:
        raise ValueError(f"experiment {experiment.name!r} has tuned values but no tune job's file was given")
    return apply_tuned(experiment, read_json(path))


def _grid_text(experiment: Experiment, spec: OptimizerSpec, grid: SweepGrid) -> str:
    axes = [f"{len(grid.lr)} learning rates {grid.lr[0]:.3g} … {grid.lr[-1]:.3g}"] if "lr" in spec.tuned else []
    if spec.momentum_key in spec.tuned:
        axes.append(f"{len(grid.momentum)} values of {spec.momentum_key} 0 … {grid.momentum[-1]:.3g}")
    return f"tuned on its own {spec.method} sweep over {' × '.join(axes)} ({experiment.steps} steps)"
