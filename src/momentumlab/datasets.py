"""Data sets behind the problems: the seed's noisy line for linear regression."""

from __future__ import annotations

from typing import Mapping

import numpy as np

Array = np.ndarray

REGRESSION_DEFAULTS = {"n_points": 50, "x_mean": 5.0, "x_std": 5.0, "slope": 10.0, "noise": 5.0}


def make_line_data(
    seed: int, n_points: int = 50, x_mean: float = 5.0, x_std: float = 5.0, slope: float = 10.0, noise: float = 5.0
) -> dict[str, Array]:
    """x ~ Normal(x_mean, x_std), y = slope·x + Uniform(−noise, noise), from ``seed``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(x_mean, x_std, size=n_points)
    y = slope * x + rng.uniform(-noise, noise, size=n_points)
    return {"x": x, "y": y}


def make_dataset(problem_kind: str, params: Mapping[str, float], seed: int) -> dict[str, Array]:
    """The data a problem needs; function problems need none (empty arrays)."""
    if problem_kind == "linear_regression":
        settings = {**REGRESSION_DEFAULTS, **{k: v for k, v in params.items() if k in REGRESSION_DEFAULTS}}
        settings["n_points"] = int(settings["n_points"])
        return make_line_data(seed, **settings)
    return {"x": np.zeros(0), "y": np.zeros(0)}
