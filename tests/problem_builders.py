"""Problems and experiments as the tests build them (shared by several test modules; not a test module itself)."""

from __future__ import annotations

from momentumlab.config import Experiment, parse_config
from momentumlab.datasets import make_dataset
from momentumlab.problems import Problem, make_problem


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
