"""What momentum adds: each optimizer against itself with its momentum (μ or β₁) set to 0.

With μ = 0 heavy ball and Nesterov are plain gradient descent and RMSprop loses its velocity;
Adam with β₁ = 0 is RMSprop with bias correction. The ratio is the settle step
(``Trajectory.settled_at``) without momentum over the one with it (> 1: momentum helps), on
numpy, with everything else unchanged.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from momentumlab.backends import numpy_backend
from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.problems import Problem


def _outcome(experiment: Experiment, spec: OptimizerSpec, problem: Problem) -> tuple[int | None, float | None, bool]:
    run = numpy_backend.run(problem, spec.method, spec.lr, spec.momentum, experiment.start, experiment.steps,
                            schedule=spec.schedule, options=spec.options)
    distance = problem.distance_to_optimum(run.final_params)
    return run.settled_at(problem, experiment.tolerance), (
        None if distance is None or not math.isfinite(float(distance)) or run.diverged else float(distance)), run.diverged


def asks_what_momentum_adds(experiment: Experiment) -> bool:
    """Whether the experiment races a run without momentum: only then is "what momentum adds" its question."""
    return any(not spec.momentum_key or not spec.momentum for spec in experiment.optimizers)


def momentum_effect_rows(experiment: Experiment, problem: Problem) -> list[dict[str, Any]]:
    """One row per optimizer with a momentum above 0 (the experiment's tuned values resolved), where the
    experiment asks the question (:func:`asks_what_momentum_adds`)."""
    if problem.optimum is None or not asks_what_momentum_adds(experiment):
        return []
    rows = []
    for spec in experiment.optimizers:
        if not spec.momentum_key or not spec.momentum:
            continue
        with_steps, with_distance, _ = _outcome(experiment, spec, problem)
        without_steps, without_distance, diverged = _outcome(experiment, replace(spec, momentum=0.0), problem)
        ratio = without_steps / with_steps if with_steps and without_steps else None
        # Never reaching the tolerance in the run's steps still bounds the ratio from below.
        at_least = experiment.steps / with_steps if with_steps and not without_steps and not diverged else None
        rows.append({
            "experiment": experiment.name, "optimizer": spec.name, "optimizer_label": spec.label, "method": spec.method,
            "momentum_key": spec.momentum_key, "momentum": spec.momentum,
            "steps_with": with_steps, "steps_without": without_steps, "steps_ratio": ratio,
            "steps_ratio_at_least": at_least, "diverged_without": diverged,
            "distance_with": with_distance, "distance_without": without_distance,
        })
    return rows
