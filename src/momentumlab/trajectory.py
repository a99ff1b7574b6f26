"""The record of one optimization run, its metrics and its reproducible .npz I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

from momentumlab.files import read_npz, write_npz
from momentumlab.problems import Problem
from momentumlab.runs import RunKey

Array = np.ndarray


@dataclass(frozen=True)
class Trajectory:
    """Parameters and loss at every step of one run.

    ``params`` has shape (n, d) and ``loss`` shape (n,) for steps 0..n-1. A run that
    finished has n = steps + 1; a diverged run stops before ``diverged_at``, the first
    step whose parameters were NaN, infinite or outside the problem's box.

    ``stability_ratio`` (n,), when computed, is η_t·λmax(∇²f(θ_t)) / the method's stability
    bound at every recorded θ_t (``stability.run_ratios``); None when not computed or when the
    method has no single bound (the adaptive methods).
    """

    params: Array
    loss: Array
    steps: int
    diverged_at: int | None = None
    stability_ratio: Array | None = None

    @property
    def diverged(self) -> bool:
        """Whether the run blew up before finishing."""
        return self.diverged_at is not None

    @property
    def final_params(self) -> Array:
        """The last valid parameters."""
        return self.params[-1]

    @property
    def final_loss(self) -> float:
        """The loss at the last valid parameters."""
        return float(self.loss[-1])

    def distance(self, problem: Problem) -> Array | None:
        """Distance to the nearest optimum at every recorded step (None without one)."""
        return problem.distance_to_optimum(self.params)

    def steps_to_tolerance(self, problem: Problem, tolerance: float) -> int | None:
        """The first step whose parameters are within ``tolerance`` of an optimum ("first touched")."""
        distance = self.distance(problem)
        if distance is None:
            return None
        hits = np.flatnonzero(distance <= tolerance)
        return int(hits[0]) if hits.size else None

    def settled_at(self, problem: Problem, tolerance: float) -> int | None:
        """The first step from which the run stays within ``tolerance`` of an optimum to its last step.

        None when it ends outside the tolerance or diverged: a run that only touched it has not settled.
        """
        distance = self.distance(problem)
        if distance is None or self.diverged or not distance[-1] <= tolerance:
            return None
        outside = np.flatnonzero(~(distance <= tolerance))
        return int(outside[-1]) + 1 if outside.size else 0


def first_divergence(params: Array, box: float) -> int | None:
    """The first row of ``params`` that is non-finite or outside [-box, box]^d."""
    bad = ~np.all(np.isfinite(params) & (np.abs(params) <= box), axis=-1)
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def truncate_at_divergence(params: Array, loss: Array, steps: int, box: float) -> Trajectory:
    """A Trajectory from raw arrays, cut before the first diverged step."""
    bad_loss = ~np.isfinite(loss)
    diverged_at = first_divergence(params, box)
    if bad_loss.any():
        first_bad_loss = int(np.flatnonzero(bad_loss)[0])
        diverged_at = first_bad_loss if diverged_at is None else min(diverged_at, first_bad_loss)
    if diverged_at is not None:
        keep = max(diverged_at, 1)
        params, loss = params[:keep], loss[:keep]
    return Trajectory(params=params, loss=loss, steps=steps, diverged_at=diverged_at)


def save_trajectories(path: str | Path, runs: Mapping[str, Trajectory]) -> None:
    """Save named trajectories into one .npz (keys ``<name>/params`` ...; ``<name>/stability_ratio`` only when computed)."""
    arrays: dict[str, Array] = {}
    for name, run in runs.items():
        arrays[f"{name}/params"] = run.params
        arrays[f"{name}/loss"] = run.loss
        arrays[f"{name}/steps"] = np.array(run.steps)
        arrays[f"{name}/diverged_at"] = np.array(-1 if run.diverged_at is None else run.diverged_at)
        if run.stability_ratio is not None:
            arrays[f"{name}/stability_ratio"] = run.stability_ratio
    write_npz(path, arrays)


def load_trajectories(path: str | Path) -> dict[str, Trajectory]:
    """Load what ``save_trajectories`` wrote, in name order."""
    data = read_npz(path)
    runs = {}
    for name in sorted({key.split("/")[0] for key in data}):
        diverged_at = int(data[f"{name}/diverged_at"])
        runs[name] = Trajectory(
            params=data[f"{name}/params"],
            loss=data[f"{name}/loss"],
            steps=int(data[f"{name}/steps"]),
            diverged_at=None if diverged_at < 0 else diverged_at,
            stability_ratio=data.get(f"{name}/stability_ratio"),
        )
    return runs


def load_runs(paths: Mapping[str, str | Path]) -> dict[RunKey, Trajectory]:
    """Every run in the trajectory files ``paths`` (by backend), keyed by its run."""
    return {RunKey(optimizer, backend): trajectory for backend, path in paths.items()
            for optimizer, trajectory in load_trajectories(path).items()}
