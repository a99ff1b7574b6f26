"""Each constant-rate run of a constant-Hessian experiment split into the Hessian's modes (``modes``):
the runs the modes still draws and ``summary.json``'s ``modes`` rows."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.backends import run
from momentumlab.config import Experiment
from momentumlab.modes import ModeRun, mode_run
from momentumlab.problems import Problem
from momentumlab.records import json_number, reference_backend
from momentumlab.regions import constant_curvatures
from momentumlab.runs import RunKey
from momentumlab.stability import BOUNDED_METHODS
from momentumlab.theory import polyak_parameters
from momentumlab.trajectory import Trajectory


def has_modes(experiment: Experiment) -> bool:
    """Whether the experiment gets the modes figure: a constant-Hessian problem (quadratic, linear
    regression) with at least one constant-rate run of gradient descent, heavy ball or Nesterov."""
    return experiment.problem in ("quadratic", "linear_regression") and any(
        spec.method in BOUNDED_METHODS and spec.schedule.is_constant for spec in experiment.optimizers)


def mode_runs(experiment: Experiment, problem: Problem, runs: Mapping[RunKey, Trajectory]) -> list[ModeRun]:
    """Each constant-rate sgd / heavy-ball / Nesterov run of a (resolved) experiment on its reference backend,
    then heavy ball at Polyak's point (run here, ``experiment.steps`` steps), split into the Hessian's modes."""
    if not has_modes(experiment) or problem.optimum is None:
        return []
    backend = reference_backend(experiment.backends)
    out = []
    for spec in experiment.optimizers:
        key = next((key for key in runs if key.optimizer == spec.name and key.backend == backend), None)
        if key is None or spec.method not in BOUNDED_METHODS or not spec.schedule.is_constant:
            continue
        momentum = float(spec.momentum or 0.0)
        out.append(mode_run(problem, spec.label, spec.method, float(spec.lr), momentum, runs[key].params))
    curvatures = constant_curvatures(problem)
    if curvatures is not None and curvatures[0] > 0:
        lr, momentum = polyak_parameters(*curvatures)
        trajectory = run("numpy", problem, "momentum", lr, momentum, experiment.start, experiment.steps)
        out.append(mode_run(problem, "heavy ball at Polyak's point", "momentum", lr, momentum, trajectory.params))
    return out


def mode_rows(experiment: str, modes: list[ModeRun]) -> list[dict[str, Any]]:
    """``summary.json``'s ``modes`` rows: per run its (η, μ), each mode's λ, radius and peak growth
    max_t |c_i(t)| / |c_i(0)|, and its largest deviation from the exact iteration."""
    rows = []
    for mode in modes:
        start = np.abs(mode.measured[0])
        peak = np.max(np.abs(mode.measured), axis=0)
        rows.append({"experiment": experiment, "label": mode.label, "method": mode.method, "lr": mode.lr,
                     "momentum": mode.momentum, "steps": len(mode.measured) - 1,
                     "curvatures": [float(v) for v in mode.curvatures], "radii": [float(v) for v in mode.radii],
                     "peak_growth": [float(p / s) if s > 0 else None for p, s in zip(peak, start)],
                     "deviation": json_number(mode.deviation)})
    return rows
