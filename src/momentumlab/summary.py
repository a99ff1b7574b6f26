"""Per-run records and numpy-vs-TensorFlow agreement: the numbers of ``summary.json``."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.problems import Problem
from momentumlab.trajectory import Trajectory
from momentumlab.tuning import how_chosen


def _number(value: float) -> float | None:
    """A JSON-safe float: NaN and infinities become None."""
    value = float(value)
    return value if math.isfinite(value) else None


def run_record(
    experiment: Experiment,
    spec: OptimizerSpec,
    backend: str,
    problem: Problem,
    trajectory: Trajectory,
    seconds: float | None,
) -> dict[str, Any]:
    """The SPEC's record of one run."""
    optimum = problem.nearest_optimum(trajectory.final_params)
    distance = problem.distance_to_optimum(trajectory.final_params)
    return {
        "experiment": experiment.name,
        "label": experiment.label,
        "problem": experiment.problem,
        "problem_params": dict(experiment.params),
        "start": list(experiment.start),
        "optimizer": spec.name,
        "optimizer_label": spec.label,
        "method": spec.method,
        "backend": backend,
        "lr": spec.lr,
        "momentum": spec.momentum,
        "momentum_key": spec.momentum_key,
        "hyperparameters": hyperparameters(spec),
        "schedule": spec.schedule.as_dict(),
        "lr_chosen": how_chosen(experiment, spec),
        "steps": experiment.steps,
        "final_params": [_number(v) for v in trajectory.final_params],
        "final_loss": _number(trajectory.final_loss),
        "optimum": None if optimum is None else [float(v) for v in optimum],
        "distance_to_optimum": None if distance is None else _number(distance),
        "tolerance": experiment.tolerance,
        "steps_to_tolerance": trajectory.steps_to_tolerance(problem, experiment.tolerance),
        "diverged": trajectory.diverged,
        "diverged_at": trajectory.diverged_at,
        "seconds": None if seconds is None else round(float(seconds), 6),
    }


def hyperparameters(spec: OptimizerSpec) -> dict[str, Any]:
    """Every hyperparameter of a run by its Keras name (lr, the momentum axis, the options)."""
    values: dict[str, Any] = {"lr": spec.lr}
    if spec.momentum_key:
        values[spec.momentum_key] = spec.momentum
    values.update(spec.options)
    return values


def max_abs_difference(first: Trajectory, second: Trajectory) -> float | None:
    """max |Δθ| over the steps both trajectories recorded (None if either is empty)."""
    rows = min(len(first.params), len(second.params))
    if rows == 0:
        return None
    return _number(np.max(np.abs(first.params[:rows] - second.params[:rows])))


def agreement_rows(experiment: Experiment, runs: Mapping[tuple[str, str], Trajectory]) -> list[dict[str, Any]]:
    """numpy vs TensorFlow max |Δθ| for every optimizer that ran on both backends."""
    rows = []
    for spec in experiment.optimizers:
        numpy_run = runs.get((spec.name, "numpy"))
        tensorflow_run = runs.get((spec.name, "tensorflow"))
        if numpy_run is None or tensorflow_run is None:
            continue
        rows.append(
            {
                "experiment": experiment.name,
                "optimizer": spec.name,
                "max_abs_diff": max_abs_difference(numpy_run, tensorflow_run),
                "steps_compared": min(len(numpy_run.params), len(tensorflow_run.params)) - 1,
                "same_divergence": numpy_run.diverged_at == tensorflow_run.diverged_at,
            }
        )
    return rows


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON atomically (temp file, then rename), keys in a stable order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: str | Path) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def merge_sections(sections: Iterable[Mapping[str, list[Any]]]) -> dict[str, list[Any]]:
    """Concatenate the lists of several partial summaries key by key, in order."""
    merged: dict[str, list[Any]] = {}
    for section in sections:
        for key, rows in section.items():
            merged.setdefault(key, []).extend(rows)
    return merged


def experiment_summary(
    experiment: Experiment,
    problem: Problem,
    runs: Mapping[tuple[str, str], Trajectory],
    seconds: Mapping[tuple[str, str], float],
) -> dict[str, list[Any]]:
    """The ``runs`` and ``agreement`` rows of one experiment."""
    records = [
        run_record(experiment, experiment.optimizer(optimizer), backend, problem, runs[optimizer, backend], seconds.get((optimizer, backend)))
        for optimizer, backend in experiment.runs
    ]
    return {"runs": records, "agreement": agreement_rows(experiment, runs)}
