"""Everything one experiment shows, rendered in one process: animations, plots, heatmap.

Rendering per experiment rather than per file pays the matplotlib import and the
landscape evaluation once, which is most of a small render's cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from momentumlab.config import Animation, Experiment
from momentumlab.files import write_json
from momentumlab.layout import ExperimentMedia
from momentumlab.media_info import media_facts
from momentumlab.palette import RunKey
from momentumlab.problems import Problem
from momentumlab.trajectory import Trajectory
from momentumlab.wording import counted

CONTOUR_SIZE = {"width": 960, "height": 600}


def _files(paths: Mapping[str, str], formats: tuple[str, ...]) -> dict[str, str]:
    return {fmt: paths[fmt] for fmt in formats}


def run_key(experiment: Experiment, optimizer: str, backend: str) -> RunKey:
    """The identity of one run of ``experiment``, carrying its optimizer's label for legends."""
    return RunKey(optimizer, backend, experiment.optimizer(optimizer).label)


def render_experiment_media(
    experiment: Experiment,
    problem: Problem,
    runs: Mapping[tuple[str, str], Trajectory],
    settings: Animation,
    media: ExperimentMedia,
    sweep: Any | None = None,
) -> None:
    """Write every run animation, the compare race, the loss overlay, the scrubber's contour
    (with its extent as JSON), the animations' media facts and, when ``sweep`` is given, the
    sweep heatmap, to the paths in ``media``."""
    from momentumlab.landscape import plot_window
    from momentumlab.render import contour_png, loss_overlay_png, render_compare, render_run

    for optimizer, backend in experiment.runs:
        paths = media.runs[optimizer][backend]
        title = f"{experiment.label}: {experiment.optimizer(optimizer).label} ({backend})"
        render_run(problem, runs[optimizer, backend], title, settings, _files(paths, settings.formats), paths["png"])
    labelled = {run_key(experiment, optimizer, backend): runs[optimizer, backend] for optimizer, backend in experiment.runs}
    compare = media.compare
    render_compare(problem, labelled, experiment.label, settings, _files(compare, settings.formats), compare["png"])
    loss_overlay_png(labelled, f"{experiment.label}: loss per step", media.loss)
    animations = [*compare.values(), *(path for backends in media.runs.values() for files in backends.values()
                                       for path in files.values())]
    write_json(media.facts, media_facts(animations))
    window = plot_window(problem, [experiment.start])
    write_json(media.extent, contour_png(problem, media.contour, window=window, **CONTOUR_SIZE))
    if sweep is not None:
        render_sweep_media(experiment, problem, sweep, media.sweep)


def render_sweep_media(experiment: Experiment, problem: Problem, sweep: Any, path: str | Path) -> None:
    """The two-panel heatmap of one experiment's sweep, with configured and theory points."""
    from momentumlab.render.heatmap import render_sweep_heatmap
    from momentumlab.sweep import marked_optimizers
    from momentumlab.theory import theory_points

    render_sweep_heatmap(
        sweep,
        path,
        title=f"{experiment.label}: {sweep.method} sweep, {counted(sweep.steps, 'step')} per run",
        configured=[(spec.label, spec.lr, spec.momentum) for spec in marked_optimizers(experiment)],
        theory=theory_points(problem),
    )
