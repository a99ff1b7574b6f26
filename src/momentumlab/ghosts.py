"""Is momentum just a bigger step? Each heavy-ball run against its ghost, gradient descent at η/(1 − μ).

On a quadratic mode of curvature λ, heavy ball's iterate is the GD iterate at rate η/(1 − μ)
once the velocity has settled, as long as the mode moves slowly (η·λ ≪ (1 − √μ)²): then the
ghost tracks it. But their stability differs: GD at η/(1 − μ) is stable iff η·λ/(1 − μ) < 2,
heavy ball iff η·λ < 2(1 + μ) (``stability.stability_bound``), so for
2(1 − μ)/λ < η < 2(1 + μ)/λ the ghost diverges while heavy ball converges.

``ghost_rows`` measures both on a 2-D run pair: the largest distance between the two paths
(as a share of the start's distance to the minimum), and, at the problem's largest curvature
at the start, η·λ of each run against its bound.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.config import Experiment
from momentumlab.problems import Problem
from momentumlab.records import format_number, json_number, reference_backend
from momentumlab.runs import RunKey
from momentumlab.stability import largest_curvature, stability_bound
from momentumlab.trajectory import Trajectory


def ghost_rows(experiment: Experiment, problem: Problem, runs: Mapping[RunKey, Trajectory]) -> list[dict[str, Any]]:
    """One row per (heavy-ball run, its ghost) on the reference backend: rates, curvature, bounds and the gap."""
    backend = reference_backend(experiment.backends)
    start = np.asarray(experiment.start, dtype=np.float64)
    curvature = float(largest_curvature(problem.hessian_at(start)))
    optimum = problem.nearest_optimum(start)
    reach = None if optimum is None else float(np.linalg.norm(start - optimum))
    rows = []
    for ghost in (spec for spec in experiment.optimizers if spec.ghost_of):
        heavy = experiment.optimizer(ghost.ghost_of)
        momentum, shadow = runs[RunKey(heavy.name, backend)], runs[RunKey(ghost.name, backend)]
        shared = min(len(momentum.params), len(shadow.params))
        gap = float(np.max(np.linalg.norm(momentum.params[:shared] - shadow.params[:shared], axis=1)))
        rows.append({
            "experiment": experiment.name, "optimizer": heavy.name, "ghost": ghost.name, "backend": backend,
            "lr": heavy.lr, "momentum": heavy.momentum, "ghost_lr": ghost.lr, "curvature": json_number(curvature),
            "h": json_number(heavy.lr * curvature), "bound": stability_bound("momentum", heavy.momentum),
            "ghost_h": json_number(ghost.lr * curvature), "ghost_bound": stability_bound("sgd"),
            "max_gap": json_number(gap), "start_distance": reach,
            "relative_gap": None if not reach else json_number(gap / reach),
            "steps_compared": shared - 1,
            "diverged_at": momentum.diverged_at, "ghost_diverged_at": shadow.diverged_at,
            "distance_to_optimum": _distance(problem, momentum), "ghost_distance_to_optimum": _distance(problem, shadow),
        })
    return rows


def _distance(problem: Problem, run: Trajectory) -> float | None:
    distance = problem.distance_to_optimum(run.final_params)
    return None if distance is None else json_number(distance)


def ghost_sentence(row: Mapping[str, Any]) -> str:
    """What one pair shows: how close the ghost stays, or which of the two diverged, against each one's bound."""
    digits = 3
    rates = (f"At η = {format_number(row['lr'], digits)}, μ = {format_number(row['momentum'], digits)}, "
             f"the ghost's rate η/(1 − μ) = {format_number(row['ghost_lr'], digits)}")
    curvature = f"λmax = {format_number(row['curvature'], digits)} at the start"
    ghost_h = (f"η·λ/(1 − μ) = {format_number(row['ghost_h'], digits)} "
               f"{'>' if row['ghost_h'] > row['ghost_bound'] else '<'} {format_number(row['ghost_bound'])}")
    heavy_h = (f"η·λ = {format_number(row['h'], digits)} {'<' if row['h'] < row['bound'] else '>'} "
               f"2(1 + μ) = {format_number(row['bound'], digits)}")
    ghost = (f"diverges at step {format_number(row['ghost_diverged_at'])}" if row["ghost_diverged_at"] is not None
             else f"ends {format_number(row['ghost_distance_to_optimum'], digits)} from the minimum")
    heavy = (f"diverges at step {format_number(row['diverged_at'])}" if row["diverged_at"] is not None
             else f"ends {format_number(row['distance_to_optimum'], digits)} from the minimum")
    if row["ghost_diverged_at"] is None and row["diverged_at"] is None and row["relative_gap"] is not None:
        return (f"{rates} tracks heavy ball: over {format_number(row['steps_compared'])} steps the two paths are at most "
                f"{format_number(row['max_gap'], digits)} apart, {format_number(100 * row['relative_gap'], digits)} % of "
                f"the start's distance to the minimum (heavy ball {heavy}, the ghost {ghost}).")
    return (f"{rates}: with {curvature}, the ghost has {ghost_h} and {ghost}, while heavy ball has {heavy_h} "
            f"and {heavy}.")
