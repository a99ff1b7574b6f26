"""Problems as the tests build them (shared by several test modules; not a test module itself)."""

from __future__ import annotations

from momentumlab.datasets import make_dataset
from momentumlab.problems import Problem, make_problem


def build(kind: str) -> Problem:
    """The problem with default parameters (regression on the seed-style 50-point line)."""
    return make_problem(kind, {}, make_dataset(kind, {}, seed=0))
