"""Problems and experiments as the tests build them (shared by several test modules; not a test module itself)."""

from __future__ import annotations

from typing import Any, Mapping

from momentumlab import backends
from momentumlab.config import Experiment, parse_config
from momentumlab.datasets import make_dataset
from momentumlab.problems import Problem, make_problem
from momentumlab.schedules import Schedule
from momentumlab.trajectory import Trajectory


def build(kind: str) -> Problem:
    """The problem with default parameters (regression on the seed-style 50-point line)."""
    return make_problem(kind, {}, make_dataset(kind, {}, seed=0))


def experiment(problem: str = "quadratic", method: str = "momentum", **sweep: object) -> Experiment:
    """A one-experiment config with a small (global) sweep of ``method``."""
    raw = {
        "experiments": {
            "exp": {
                "problem": problem,
                "params": {"kappa": 10} if problem == "quadratic" else {},
                "sweep": {"method": method},
                "optimizers": {
                    "sgd": {"method": "sgd", "lr": 0.05},
                    "momentum": {"method": "momentum", "lr": 0.05, "momentum": 0.9},
                    "nesterov": {"method": "nesterov", "lr": 0.05, "momentum": 0.9},
                },
            }
        },
        "sweep": {"lr_points": 7, "momentum_points": 5, "steps": 150, **sweep},
    }
    return parse_config(raw).experiments[0]


_PROBLEMS: dict[str, Problem] = {}
_RUNS: dict[tuple, Trajectory] = {}


def shared_problem(kind: str) -> Problem:
    """``build(kind)``, built once per test session."""
    if kind not in _PROBLEMS:
        _PROBLEMS[kind] = build(kind)
    return _PROBLEMS[kind]


def shared_run(backend: str, kind: str, method: str, lr: float, momentum: float | None, start: tuple[float, float],
               steps: int, *, schedule: Schedule | None = None, options: Mapping[str, Any] | None = None) -> Trajectory:
    """``backends.run`` on ``shared_problem(kind)``, once per session: test_adaptive and test_backends
    check several of the same runs, and each TensorFlow run costs a trace."""
    key = (backend, kind, method, lr, momentum, tuple(start), steps, schedule, tuple(sorted((options or {}).items())))
    if key not in _RUNS:
        _RUNS[key] = backends.run(backend, shared_problem(kind), method, lr, momentum, start, steps,
                                  schedule=schedule, options=options)
    return _RUNS[key]
