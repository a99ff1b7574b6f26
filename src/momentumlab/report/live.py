"""Data for the report's live mode: what the page needs to recompute a 2-D run in JavaScript.

The page's engine (``templates/_live.js.j2``) repeats the numpy backend's update order in float64.
Numbers numpy computes with a transcendental function (``pow``, ``cos``) are not recomputed in the
page, whose ``Math.pow`` rounds differently in about one case in ten: they are shipped from here,
each as a base64 float64 table indexed by the step count ``t`` (0-based, as ``Optimizer.rate`` reads it):

- ``factor``: the schedule's factor(t) of an exponential or cosine schedule (piecewise and constant
  factors are exact numbers the page looks up itself);
- ``b1pow`` / ``b2pow``: β₁^(t+1) and β₂^(t+1) as the Adam family's bias corrections compute them
  (β₁ through numpy's array ``power``, β₂ through the scalar one); a live point whose β₁ is not the
  table's falls back to ``Math.pow``;
- ``nadam_product`` / ``nadam_cache``: Nadam's 0.96^(t+1) and float32(0.96)^(t+1).

Problem constants are the ones the numpy gradient uses: a quadratic's Hessian entries, Rosenbrock's
``4b`` and ``2b``, linear regression's data moments.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping, Sequence

import numpy as np

from momentumlab.optim.adam import NADAM_DECAY_PRODUCT, NADAM_DECAY_STEP
from momentumlab.optim.base import keras_value
from momentumlab.optim.registry import MOMENTUM_KEY
from momentumlab.problems import Beale, Himmelblau, LinearRegression, Problem, Quadratic, Rosenbrock, Saddle
from momentumlab.schedules import Schedule

GLOBAL = "MOMENTUM_LIVE"
_BIAS = ("adam", "adamw", "nadam", "adamax")


def problem_constants(problem: Problem) -> dict[str, Any]:
    """The problem's kind and the constants its numpy ``gradient_into`` multiplies by; a ValueError
    for a problem the page cannot differentiate."""
    if isinstance(problem, Quadratic):
        (h11, h12), (_, h22) = problem.hessian
        return {"kind": problem.kind, "h11": float(h11), "h12": float(h12), "h22": float(h22)}
    if isinstance(problem, Rosenbrock):
        return {"kind": problem.kind, "a": float(problem.a), "b4": 4.0 * problem.b, "b2": 2.0 * problem.b}
    if isinstance(problem, LinearRegression):
        xx, mx, xy, my, _ = problem.moments
        return {"kind": problem.kind, "xx": xx, "mx": mx, "xy": xy, "my": my}
    if isinstance(problem, (Beale, Himmelblau, Saddle)):
        return {"kind": problem.kind}
    raise ValueError(f"live mode has no gradient for problem {problem.kind!r}")


def table(values: Any) -> str:
    """A float64 table as base64 of its little-endian bytes (about 11 characters a number)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def _array_powers(base: float, steps: int) -> np.ndarray:
    """base^(t+1), t < steps, as ``self.momentum ** np.float64(t + 1)`` takes it: an array to a scalar power
    (numpy's array-to-array loop rounds differently now and then)."""
    row = np.full((1, 2), np.float64(base), order="F")
    return np.array([(row ** np.float64(t + 1))[0, 0] for t in range(steps)], dtype=np.float64)


def _scalar_powers(base: Any, count: int) -> np.ndarray:
    """base^(t+1), t < count, through numpy's scalar ``**`` as ``np.float64 ** np.float64`` takes it."""
    base = np.float64(base)
    return np.array([base ** np.float64(t + 1) for t in range(count)], dtype=np.float64)


def schedule_entry(schedule: Schedule, steps: int) -> dict[str, Any]:
    """The schedule as the page applies it: its kind, piecewise boundaries and values, or a factor table."""
    entry: dict[str, Any] = {"kind": schedule.kind}
    if schedule.kind == "piecewise":
        entry.update(boundaries=list(schedule.boundaries), values=[float(v) for v in schedule.values])
    elif not schedule.is_constant:
        entry["factor"] = table(schedule.factors(steps))
    return entry


def run_entry(method: str, lr: float, momentum: float, options: Mapping[str, Any], schedule: Schedule,
              steps: int, b1_table: bool = True, **extra: Any) -> dict[str, Any]:
    """One method's settings for the page's engine, with the tables its update needs for ``steps`` steps
    (``b1_table`` False: no β₁ table, for a sweep whose β₁ the page's point sets)."""
    settings = {k: (v if isinstance(v, (bool, str)) else float(keras_value(v))) for k, v in options.items()
                if k != MOMENTUM_KEY.get(method)}
    entry: dict[str, Any] = {**extra, "method": method, "lr": float(lr), "momentum": float(momentum or 0.0),
                             "options": settings, "schedule": schedule_entry(schedule, steps)}
    tables: dict[str, str] = {}
    if method in _BIAS:
        if b1_table:
            tables["b1pow"] = table(_array_powers(entry["momentum"], steps))
        if method != "adamax":
            tables["b2pow"] = table(_scalar_powers(settings["beta_2"], steps))
        if method == "nadam":
            tables["nadam_product"] = table(_scalar_powers(NADAM_DECAY_PRODUCT, steps))
            tables["nadam_cache"] = table(_scalar_powers(NADAM_DECAY_STEP, steps + 1))
    entry["tables"] = tables
    return entry


def live_data(problem: Problem, start: Sequence[float], steps: int, runs: Sequence[Mapping[str, Any]],
              sweep: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The live mode's data for one 2-D experiment: problem constants, box, start, steps, its configured
    runs (``run_entry`` mappings with a ``label``) and the sweep's method settings (``run_entry``
    without η and μ, which the page takes from the dragged point); None if the page cannot
    differentiate the problem."""
    try:
        constants = problem_constants(problem)
    except ValueError:
        return None
    return {"problem": constants, "box": float(problem.box), "start": [float(v) for v in start], "steps": int(steps),
            "runs": list(runs), "sweep": dict(sweep) if sweep else None}


def summary_runs(rows: Sequence[Mapping[str, Any]], steps: int) -> list[dict[str, Any]]:
    """``run_entry`` of every numpy run of one experiment's ``summary.json`` rows (resolved η, μ, options)."""
    entries = []
    for row in rows:
        if row.get("backend") != "numpy":
            continue
        options = {k: v for k, v in (row.get("hyperparameters") or {}).items() if k != "lr"}
        entries.append(run_entry(row["method"], row["lr"], row.get("momentum") or 0.0, options,
                                 Schedule.from_mapping(row.get("schedule")), steps,
                                 label=row.get("optimizer_label") or row["optimizer"], optimizer=row["optimizer"]))
    return entries
