"""A sweep's row of ``summary.json``'s ``sweeps``, from its result or from the files its jobs wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.files import read_json
from momentumlab.optim import MOMENTUM_KEY
from momentumlab.problems import Problem
from momentumlab.records import Section, json_number
from momentumlab.regions import Curve
from momentumlab.sweep import (SweepResult, divergence_rule, load_result, marked_optimizers, sweep_grid,
                               sweep_regions_of)

Array = np.ndarray


def _grid_rows(values: Array, valid: Array) -> list[list[Any]]:
    return [[(v.item() if ok else None) for v, ok in zip(row, ok_row)] for row, ok_row in zip(values, valid)]


def sweep_row(
    experiment: str,
    result: SweepResult,
    configured: Sequence[OptimizerSpec],
    tf_spot_check: list[dict[str, Any]],
    seconds: float | None,
    regions: Sequence[Curve] = (),
    divergence: str | None = None,
) -> dict[str, Any]:
    """The ``sweeps`` row of one sweep: grids [momentum][lr], null where diverged or never.

    ``configured`` are the experiment's optimizers that are points of the sweep's plane;
    ``regions`` the curves of ``regions.sweep_regions`` on its map (points to 6 digits);
    ``divergence`` the rule that marked its diverged cells (``sweep.divergence_rule``).
    """
    ok = ~result.diverged
    best = result.best()
    return {
        "experiment": experiment,
        "method": result.method,
        "momentum_key": MOMENTUM_KEY[result.method],
        "steps": result.steps,
        "tolerance": result.tolerance,
        "lr": result.lr.tolist(),
        "momentum": result.momentum.tolist(),
        "final_distance": _grid_rows(result.final_distance, ok & np.isfinite(result.final_distance)),
        "final_loss": _grid_rows(result.final_loss, ok & np.isfinite(result.final_loss)),
        "settled_at": _grid_rows(result.settled_at, ok & (result.settled_at >= 0)),
        "has_optimum": result.has_optimum,
        "diverged_fraction": float(result.diverged.mean()),
        "divergence_rule": divergence,
        "best": None if best is None else {
            "lr": float(result.lr[best[1]]),
            "momentum": float(result.momentum[best[0]]),
            "final_distance": json_number(result.final_distance[best]),
            "settled_at": int(result.settled_at[best]) if result.settled_at[best] >= 0 else None,
        },
        "configured": [
            {"optimizer": spec.name, "method": spec.method, "lr": spec.lr, "momentum": spec.momentum}
            for spec in configured
        ],
        "tf_spot_check": tf_spot_check,
        "compute_seconds": None if seconds is None else round(float(seconds), 6),
        "regions": [region_row(curve) for curve in regions],
    }


def region_row(curve: Curve) -> dict[str, Any]:
    """One region curve as JSON: label, kind, where, its curvature λ and points [[lr, mu], ...] to 6 digits."""
    row = curve.as_dict()
    row["curvature"] = float(curve.curvature)
    row["points"] = [[float(f"{lr:.6g}"), float(f"{mu:.6g}")] for lr, mu in row["points"]]  # type: ignore[union-attr]
    return row


def summary_section(
    experiment: Experiment, sweep_path: str | Path, spot_check_path: str | Path, timing_paths: Sequence[str],
    problem: Problem | None = None,
) -> Section:
    """The ``sweeps`` section of one experiment, from the files its sweep jobs wrote (with ``problem``,
    the regions of its map)."""
    seconds = sum(float(read_json(path)["seconds"]) for path in timing_paths) if timing_paths else None
    result = load_result(sweep_path)
    regions = [] if problem is None else sweep_regions_of(problem, result, experiment.start)
    rule = None if problem is None else divergence_rule(problem, sweep_grid(experiment))
    row = sweep_row(experiment.name, result, marked_optimizers(experiment), read_json(spot_check_path),
                    seconds, regions, rule)
    return {"sweeps": [row]}
