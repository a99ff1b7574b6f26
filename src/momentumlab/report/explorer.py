"""Data for the report's sweep explorer: the grid and every kept path, as a ``<script src>`` file.

A page opened from disk cannot fetch local files in Chromium, so each swept experiment's
data is a small script assigning into ``window.MOMENTUM_EXPLORER[<experiment>]``.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from momentumlab.cell_yaml import LR, MOMENTUM
from momentumlab.files import write_text
from momentumlab.floors import RELATIVE_FLOOR, colour_range
from momentumlab.model.sweep import CURVES, ModelSweepResult
from momentumlab.optim import MOMENTUM_KEY
from momentumlab.palette import METHOD_COLORS, PATH_COLOR
from momentumlab.sweep import SweepResult, path_stride
from momentumlab.theory import POLYAK_OPTIMUM

# Significant digits of path coordinates and grid values: enough for a contour a few
# hundred pixels wide, and about 1 MB for a 1000-cell grid of 48-point paths.
_PATH_DIGITS = 5
_VALUE_DIGITS = 6
_LOSS_DIGITS = 4  # the info line prints 4 significant digits
GLOBAL = "MOMENTUM_EXPLORER"


def _round(value: float, digits: int) -> float | int | None:
    """A compact, JSON-safe number (None for NaN and infinities)."""
    value = float(value)
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _steps(values: np.ndarray) -> list[int | None]:
    """A step grid, flattened row-major, with -1 ("never") as null."""
    return [int(v) if v >= 0 else None for v in values.ravel()]


def _path(points: np.ndarray, sampled: np.ndarray, diverged_at: int) -> list[float | int | None]:
    """One path as flat [x0, y0, x1, y1, ...], cut after its last valid point if it diverged."""
    if diverged_at >= 0:
        valid = int(np.searchsorted(sampled, diverged_at))  # samples before the bad step
        points = points[: valid + 1]  # the next sample already holds the last valid point
    return [_round(v, _PATH_DIGITS) for v in points.reshape(-1)]


def theory_point(result: SweepResult, theory: list[dict[str, Any]] | None,
                 marks: Sequence[tuple[str, float, float]] | None = None) -> dict[str, Any] | None:
    """Polyak's (η*, μ*) on a heavy-ball sweep, with the theory job's heavy-ball run when ``theory`` (the summary's
    theory rows) has one; the pair is ``marks``' Polyak point (``theory.theory_points``, as the heatmap marks it) when
    given, else the theory row's; None off a heavy-ball sweep or without either."""
    if result.method != "momentum":
        return None
    row = next((r for r in theory or () if r.get("method") == "momentum"), None)
    polyak = next(((lr, mu) for label, lr, mu in marks if label == POLYAK_OPTIMUM), None) if marks is not None else (
        None if row is None else (row["lr"], row["momentum"]))
    if polyak is None:
        return None
    run = row or {"note": "no theory run on this problem"}
    return {
        "label": POLYAK_OPTIMUM,
        "lr": float(polyak[0]),
        "momentum": float(polyak[1]),
        "steps": int(run.get("steps") or 0),
        "path_steps": [int(t) for t in run.get("path_steps") or []],
        "path": [_round(v, _PATH_DIGITS) for v in run.get("path") or []],
        "note": run.get("note") or "",
    }


def theory_marks(marks: Sequence[tuple[str, float, float]] | None) -> list[dict[str, Any]]:
    """The theory points the static heatmap marks (``theory.theory_points``): label, η, μ and shape (Polyak's
    optimum a crosshair, gradient descent's best step a triangle)."""
    return [{"label": label, "lr": float(lr), "momentum": float(mu),
             "shape": "crosshair" if label == POLYAK_OPTIMUM else "triangle"} for label, lr, mu in marks or ()]


def configured_points(sweep_record: dict[str, Any] | None, colors: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The experiment's configured runs that are points of the sweep's plane (``summary.json``'s
    ``configured``), as the heatmap marks them: optimizer name, η and the momentum axis' value, and with
    ``colors`` (``palette.optimizer_colors`` of the experiment) the optimizer's colour, as its other media wear it."""
    points = [{"optimizer": row["optimizer"], "lr": float(row["lr"]), "momentum": float(row.get("momentum") or 0.0)}
              for row in (sweep_record or {}).get("configured", []) if row.get("lr") is not None]
    for point in points:
        if colors and point["optimizer"] in colors:
            point["color"] = colors[point["optimizer"]]
    return points


def colour_scale(values: np.ndarray, floor: float | None) -> dict[str, Any]:
    """The heatmap's log colour scale (``floors.colour_range``): log10 of its ends, whether values were clipped
    to its lowest colour, the label of that colour ("≤ 1e-12") and the floor (None without one)."""
    scale = colour_range(values, floor)
    return {"lo": math.log10(scale.low), "hi": math.log10(scale.high), "clipped": scale.clipped,
            "bottom": scale.bottom_label, "floor": floor}


def explorer_data(result: SweepResult, theory: list[dict[str, Any]] | None = None,
                  sweep_record: dict[str, Any] | None = None, experiment_steps: int | None = None,
                  floor: float | None = None, yaml: str = "", f_star: float | None = None,
                  marks: Sequence[tuple[str, float, float]] | None = None) -> dict[str, Any]:
    """The explorer's view of one sweep: axes, flattened [momentum][lr] grids, best cell, paths.

    ``value`` is the final distance to the optimum (the final loss without one), ``loss`` the
    final loss above ``f_star`` (f − f*, as every table prints it; the raw loss without ``f_star``), ``loss_floor``
    the rounding floor below which the page prints it as "< 1e-12" (1e-12 · max(1, |f*|)); grids use null for diverged runs and for "never"; ``paths`` maps flattened
    indices of kept cells (every ``stride``-th) to their sampled path. ``theory`` (the
    experiment's ``summary.json`` theory rows) adds Polyak's point and its run on a heavy-ball
    sweep of a quadratic; ``sweep_record`` (its ``summary.json`` sweep row) the configured runs
    the heatmap marks and the ``regions`` curves ``{label, kind, where, points: [[lr, mu], ...]}``
    (finite points only); ``experiment_steps`` the experiment's own length, which the page sets
    against the sweep's; ``floor`` the distance floor of the optimum (``floors.distance_floor``; 1e-12 when
    not given), the colour scale's lowest colour (``colour``: :func:`colour_scale`). ``yaml`` is the cell's
    config with its lr and momentum as placeholders (``cell_yaml.cell_template``): "Use this run" fills
    them in (``yaml_placeholders`` names them), so every other setting comes from Python. ``marks`` are the
    theory points the static heatmap marks (``theory.theory_points`` of the problem and method): ``theory_points``
    (:func:`theory_marks`), and Polyak's pair of ``theory``.
    """
    metric = "final_distance" if result.has_optimum else "final_loss"
    values = getattr(result, metric)
    ok = ~result.diverged & np.isfinite(values)
    best = result.best()
    if result.has_optimum and floor is None:
        floor = RELATIVE_FLOOR
    excess = result.final_loss - (f_star or 0.0)
    paths: dict[str, list[Any]] = {}
    if result.paths is not None:
        diverged_at = result.diverged_at.ravel()
        for flat, points in zip(result.path_index, result.paths):
            paths[str(int(flat))] = _path(points, result.path_steps, int(diverged_at[flat]))
    return {
        "method": result.method,
        "color": METHOD_COLORS.get(result.method, PATH_COLOR),  # the swept method's hue, as its runs wear it
        "key": MOMENTUM_KEY[result.method],
        "steps": int(result.steps),
        "tolerance": float(result.tolerance),
        "has_optimum": bool(result.has_optimum),
        "metric": metric,
        "lr": [float(v) for v in result.lr],
        "momentum": [float(v) for v in result.momentum],
        "value": [_round(v, _VALUE_DIGITS) if good else None for v, good in zip(values.ravel(), ok.ravel())],
        "loss": [_round(v, _LOSS_DIGITS) if good else None for v, good in zip(excess.ravel(), ok.ravel())],
        "loss_floor": None if f_star is None else RELATIVE_FLOOR * max(1.0, abs(f_star)),
        "colour": colour_scale(np.where(ok, values, np.nan), floor if result.has_optimum else None),
        "experiment_steps": int(experiment_steps if experiment_steps is not None else result.steps),
        "configured": configured_points(sweep_record),
        "settled_at": _steps(np.where(result.diverged, -1, result.settled_at)),
        "diverged_at": _steps(result.diverged_at),
        "best": None if best is None else [best[0], best[1]],
        "stride": _stride_of(result),
        "path_steps": [] if result.path_steps is None else [int(s) for s in result.path_steps],
        "paths": paths,
        "theory": theory_point(result, theory, marks),
        "theory_points": theory_marks(marks),
        "regions": region_curves((sweep_record or {}).get("regions")),
        "yaml": yaml,
        "yaml_placeholders": {"lr": LR, "momentum": MOMENTUM},
    }


def region_curves(regions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The explorer's region curves: label, kind, where and the finite points of each (curves without one dropped)."""
    curves = []
    for region in regions or ():
        points = [[float(lr), float(mu)] for lr, mu in region["points"] if math.isfinite(lr) and math.isfinite(mu)]
        if points:
            curves.append({"label": str(region["label"]), "kind": str(region["kind"]), "where": str(region["where"]),
                           "points": points})
    return curves


def _stride_of(result: SweepResult) -> int:
    """The kept-path stride the sweep used (from its kept indices; the cap's stride without paths)."""
    index = result.path_index
    if index is None:
        return path_stride(result.diverged.size)
    return int(index[1] - index[0]) if len(index) > 1 else 1


def explorer_script(name: str, data: Any) -> str:
    """The ``<script src>`` file that registers ``data`` as experiment ``name``'s explorer data."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=True)
    text = text.replace("<", "\\u003c")  # harmless if ever inlined into a page
    key = json.dumps(name)
    return (f"window.{GLOBAL} = window.{GLOBAL} || {{}};\n"
            f"window.{GLOBAL}[{key}] = {text};\n")


def write_explorer(path: str | Path, name: str, result: SweepResult, theory: list[dict[str, Any]] | None = None,
                   sweep_record: dict[str, Any] | None = None, experiment_steps: int | None = None,
                   floor: float | None = None, yaml: str = "", f_star: float | None = None,
                   marks: Sequence[tuple[str, float, float]] | None = None) -> int:
    """Write experiment ``name``'s explorer data file (``floor``, ``f_star``, ``marks``: as :func:`explorer_data`;
    ``yaml``: its cells' config template); its size in bytes."""
    text = explorer_script(name, explorer_data(result, theory, sweep_record, experiment_steps, floor, yaml, f_star, marks))
    write_text(path, text)
    return len(text.encode("utf-8"))


_LEVELS = 65534  # uint16 steps of a quantized curve; 65535 marks a missing value


def quantized(values: np.ndarray, log: bool) -> dict[str, Any]:
    """A (cells, R) array as base64 little-endian uint16 levels between ``lo`` and ``hi`` (log10 of the values
    when ``log``), 65535 where a value is missing: 2 bytes a number, a level 1/65534 of the range apart."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        scaled = np.log10(values) if log else values
    ok = np.isfinite(scaled)
    lo, hi = (float(scaled[ok].min()), float(scaled[ok].max())) if ok.any() else (0.0, 1.0)
    levels = np.full(values.shape, _LEVELS + 1, dtype="<u2")
    levels[ok] = np.rint((scaled[ok] - lo) / ((hi - lo) or 1.0) * _LEVELS)
    return {"lo": lo, "hi": hi, "log": log, "cells": int(values.shape[0]),
            "data": base64.b64encode(levels.tobytes()).decode("ascii")}


def model_explorer_data(result: ModelSweepResult, sweep_record: dict[str, Any] | None = None,
                        experiment_steps: int | None = None, yaml: str = "",
                        colors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The explorer's view of a model sweep (``model.sweep.ModelSweepResult``): the grid as
    :func:`explorer_data` has it (``value``: the final training loss; ``settled_at``: the step from
    which the training loss stays within tolerance of the lowest any cell reached) plus each cell's
    curves at the recorded steps (``quantized``: losses on a log scale), which a click draws; ``yaml`` the
    cell's config template (``cell_yaml.model_cell_template``)."""
    ok = ~result.diverged & np.isfinite(result.final_train_loss)
    grid = lambda values, digits: [_round(v, digits) if good else None for v, good in zip(values.ravel(), ok.ravel())]  # noqa: E731
    curves: dict[str, Any] = {"steps": []}
    if result.curves is not None:
        cells = result.curves.reshape(-1, *result.curves.shape[2:])  # (cells, R, 4)
        curves["steps"] = [int(s) for s in result.record_steps]
        for index, name in enumerate(CURVES):
            curves[name] = quantized(cells[:, :, index], log=name.endswith("loss"))
    return {
        "kind": "model",
        "method": result.method,
        "key": MOMENTUM_KEY[result.method],
        "steps": int(result.steps),
        "experiment_steps": int(experiment_steps if experiment_steps is not None else result.steps),
        "tolerance": float(result.tolerance),
        "has_optimum": False,
        "metric": "final_train_loss",
        "lr": [float(v) for v in result.lr],
        "momentum": [float(v) for v in result.momentum],
        "value": grid(result.final_train_loss, _VALUE_DIGITS),
        "colour": colour_scale(np.where(ok, result.final_train_loss, np.nan), None),
        "loss": grid(result.final_test_loss, _LOSS_DIGITS),
        "accuracy": grid(result.final_test_accuracy, _LOSS_DIGITS),
        "settled_at": _steps(np.where(result.diverged, -1, result.steps_to_reach)),
        "diverged_at": _steps(result.diverged_at),
        "best": None if result.best is None else [result.best[0], result.best[1]],
        "stride": 1,
        "path_steps": [],
        "paths": {},
        "theory": None,
        "theory_points": [],
        "configured": configured_points(sweep_record, colors),  # no scrubber to take colours from: they ship here
        "curves": curves,
        "yaml": yaml,
        "yaml_placeholders": {"lr": LR, "momentum": MOMENTUM},
    }


def write_model_explorer(path: str | Path, name: str, result: ModelSweepResult, sweep_record: dict[str, Any] | None = None,
                         experiment_steps: int | None = None, yaml: str = "", colors: Mapping[str, str] | None = None) -> int:
    """Write model experiment ``name``'s explorer data file (``yaml``: its cells' config template; ``colors``: its
    optimizers' colours); its size in bytes."""
    text = explorer_script(name, model_explorer_data(result, sweep_record, experiment_steps, yaml, colors))
    write_text(path, text)
    return len(text.encode("utf-8"))
