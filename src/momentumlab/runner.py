"""Run every optimizer of an experiment on one backend, timing each run."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from momentumlab.backends import prepare, run
from momentumlab.config import Experiment
from momentumlab.files import read_npz, write_json
from momentumlab.problems import Problem, make_problem
from momentumlab.stability import run_ratios
from momentumlab.trajectory import Trajectory, save_trajectories
from momentumlab.tuning import read_tuned


def problem_for(experiment: Experiment, dataset_path: str | Path | None) -> Problem:
    """The experiment's problem, with its data set loaded from ``dataset_path`` (None: a problem without one)."""
    return make_problem(experiment.problem, experiment.params, None if dataset_path is None else read_npz(dataset_path))


def optimize_experiment(
    experiment: Experiment, problem: Problem, backend: str, threads: int = 1
) -> tuple[dict[str, Trajectory], dict[str, float]]:
    """Trajectories and wall seconds (compilation included) keyed by optimizer name.

    ``experiment``'s ``tuned`` values must be resolved (:mod:`momentumlab.tuning`: the tune job's file). Each
    trajectory carries its stability ratio at every step it recorded (``stability.run_ratios``; none for
    the adaptive methods), computed after the timed run.
    """
    unresolved = [spec.name for spec in experiment.optimizers if spec.lr is None or spec.momentum is None]
    if unresolved:
        raise ValueError(f"{experiment.name}: tuned values of {', '.join(unresolved)} are not resolved (the tune job's file)")
    prepare(backend, threads)
    trajectories: dict[str, Trajectory] = {}
    seconds: dict[str, float] = {}
    for spec in experiment.optimizers:
        began = time.perf_counter()
        trajectories[spec.name] = run(
            backend, problem, spec.method, spec.lr, spec.momentum, experiment.start, experiment.steps, threads=threads,
            schedule=spec.schedule, options=spec.options,
        )
        seconds[spec.name] = time.perf_counter() - began
        ratios = run_ratios(problem, trajectories[spec.name].params, spec.method, spec.lr, spec.momentum, spec.schedule)
        trajectories[spec.name] = replace(trajectories[spec.name], stability_ratio=ratios)
    return trajectories, seconds


def optimize_to_files(experiment: Experiment, problem: Problem, backend: str, threads: int, trajectories: str,
                      timings: str, tuned: str | None = None) -> None:
    """``optimize_experiment`` with the tune job's values (``tuned``: its file, if anything is tuned), its
    trajectories written to ``trajectories`` and its wall times to ``timings``."""
    runs, seconds = optimize_experiment(read_tuned(experiment, tuned), problem, backend, threads)
    save_trajectories(trajectories, runs)
    write_json(timings, seconds)
