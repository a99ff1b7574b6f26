"""Data for the report's step scrubber: every run downsampled to shared steps, as JSON."""

from __future__ import annotations

import json
import math
from typing import Any, Mapping, Sequence

import numpy as np
from markupsafe import Markup

from momentumlab.floors import PLAIN_LOSS, LossFloor
from momentumlab.config import Experiment
from momentumlab.records import reference_backend
from momentumlab.palette import diverged_runs, final_states, layered_styles, race_order, run_styles
from momentumlab.runs import RunKey
from momentumlab.sampling import frames_for_steps
from momentumlab.scales import loss_scale
from momentumlab.trajectory import Trajectory, load_trajectories

MAX_POINTS = 1000
_SIGNIFICANT = 7


def _round(value: float) -> float | None:
    """A compact, JSON-safe float (None for NaN and infinities)."""
    value = float(value)
    return float(f"{value:.{_SIGNIFICANT}g}") if math.isfinite(value) else None


def labelled_runs(experiment: Experiment, trajectory_files: Mapping[str, str],
                  show_twins: bool = True) -> dict[RunKey, Trajectory]:
    """Every run of ``experiment`` by its key, backend by backend, as the compare animation draws
    them: without ``show_twins``, the reference backend's runs only."""
    runs = {}
    backends = experiment.backends if show_twins else [reference_backend(experiment.backends)]
    for backend in backends:
        trajectories = load_trajectories(trajectory_files[backend])
        for spec in experiment.optimizers:
            runs[RunKey(spec.name, backend, spec.label, spec.method)] = trajectories[spec.name]
    return runs


def schedule_changes(experiment: Experiment) -> list[tuple[int, str]]:
    """Every step where one of ``experiment``'s schedules changes the rate, with its label, once each."""
    return sorted({change for spec in experiment.optimizers for change in spec.schedule.changes(experiment.steps)})


def run_samples(trajectory: Trajectory, steps: np.ndarray, view: LossFloor = PLAIN_LOSS) -> dict[str, Any]:
    """The run at the shared ``steps`` it reached, plus its last valid step if it diverged (its loss as ``view`` shows it)."""
    last = len(trajectory.params) - 1
    index = steps[steps <= last]
    if trajectory.diverged and (index.size == 0 or index[-1] != last):
        index = np.append(index, last)
    params, loss = trajectory.params[index], trajectory.loss[index]
    return {
        "x": [_round(v) for v in params[:, 0]],
        "y": [_round(v) for v in params[:, 1]],
        "loss": [_round(v) for v in view.shown(loss)],
        "last_step": int(last),
        "diverged_at": trajectory.diverged_at,
    }


def scrubber_data(
    runs: Mapping[RunKey, Trajectory], steps: int, extent: Mapping[str, Any], max_points: int = MAX_POINTS,
    view: LossFloor = PLAIN_LOSS, colors: Mapping[str, str] | None = None,
    changes: Sequence[tuple[int, str]] = (),
) -> dict[str, Any]:
    """Shared steps (at most ``max_points``, dense early), the contour extent, the loss plot's
    y scale ("log", or "symlog" when a loss reaches 0 or below) and each run's path; losses as ``view``
    shows them (f − f* above its floor where f* is known).

    The colours (``colors``: optimizer name → colour, by default ``palette.optimizer_colors`` of
    the runs, as in the race), dash styles, line widths and drawing order (slow runs on top) match it.
    ``changes`` (step, label) are the schedules' changes: each becomes a tick on the slider at the
    first shared step at or after it (``index``).
    """
    shared = frames_for_steps(int(steps), max_points)
    finals = final_states(runs)
    order = race_order(finals)
    styles = layered_styles(run_styles(runs, colors), order, diverged_runs(finals))
    return {
        "extent": dict(extent),
        "loss_scale": loss_scale([view.shown(trajectory.loss) for trajectory in runs.values()])[0] if runs else "log",
        "loss_label": view.label,
        "loss_floor": None if view.floor is None else _round(view.floor),  # rounded as the losses are: a loss at it compares equal
        "steps": [int(s) for s in shared],
        "changes": [{"step": int(step), "label": label, "index": int(np.searchsorted(shared, step))}
                    for step, label in changes if step <= shared[-1]],
        "runs": [
            {
                "label": key.display,
                "optimizer": key.optimizer,
                "backend": key.backend,
                "color": styles[key].color,
                "dashed": styles[key].hollow,
                "width": styles[key].linewidth,
                "halo": styles[key].halo,
                "alpha": styles[key].alpha,
                **run_samples(runs[key], shared, view),
            }
            for key in order
        ],
    }


def json_for_script(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: <, > and & escaped."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)
