"""Everything one experiment shows, rendered in one process: animations, plots, heatmap.

Rendering per experiment rather than per file pays the matplotlib import and the
landscape evaluation once, which is most of a small render's cost.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Collection, Mapping

import numpy as np

from momentumlab.config import Animation, Experiment
from momentumlab.files import write_json
from momentumlab.layout import ExperimentMedia, ModelMedia
from momentumlab.media_info import media_facts
from momentumlab.palette import optimizer_colors
from momentumlab.records import max_abs_difference, reference_backend
from momentumlab.runs import RunKey
from momentumlab.problems import Problem
from momentumlab.stability import no_bound_note
from momentumlab.trajectory import Trajectory
from momentumlab.wording import counted

CONTOUR_SIZE = {"width": 960, "height": 600}
ARROW_METHODS = ("momentum", "nesterov")  # the momentum methods whose run animations carry velocity arrows
AGREES_BELOW = 1e-9  # a twin whose largest difference is below this "agrees"; above it, it "differs"


def race_runs(runs: Mapping[RunKey, Any], reference: str, show_twins: bool) -> dict[RunKey, Any]:
    """The runs a race draws: every run with ``show_twins``, else those on the ``reference`` backend."""
    return dict(runs) if show_twins else {key: run for key, run in runs.items() if key.backend == reference}


def twin_difference(runs: Mapping[RunKey, Trajectory]) -> float | None:
    """The largest max |Δθ| between an optimizer's numpy run and its TensorFlow twin (None without twins)."""
    found = [max_abs_difference(run, runs[twin]) for key, run in runs.items() if key.backend == "numpy"
             for twin in [RunKey(key.optimizer, "tensorflow")] if twin in runs]
    found = [value for value in found if value is not None]
    return max(found) if found else None


def agreement_badge(worst: float | None, symbol: str) -> str | None:
    """The race's badge for the measured largest difference ``worst`` of ``symbol`` (θ or w) between
    numpy and TensorFlow: "TensorFlow agrees to 4e-15" below ``AGREES_BELOW``, else "TensorFlow
    differs by up to 0.03"; None without twins."""
    if worst is None:
        return None
    if worst == 0.0:
        return f"TensorFlow agrees exactly (max |Δ{symbol}| = 0)"
    if worst < AGREES_BELOW:
        return f"TensorFlow agrees to {worst:.0e} (max |Δ{symbol}|)"
    return f"TensorFlow differs by up to {worst:.2g} (max |Δ{symbol}|)"


def _files(paths: Mapping[str, str], formats: tuple[str, ...]) -> dict[str, str]:
    """The animation files among ``paths`` (none for a still-only experiment: its poster is drawn alone)."""
    return {fmt: paths[fmt] for fmt in formats if fmt in paths}


def render_experiment_media(
    experiment: Experiment,
    problem: Problem,
    runs: Mapping[RunKey, Trajectory],
    settings: Animation,
    media: ExperimentMedia,
    sweep: Any | None = None,
) -> None:
    """Write every run animation, the compare race, the loss overlay, the scrubber's contour
    (with its extent as JSON), the animations' media facts and, when ``sweep`` is given, the
    sweep heatmap, to the paths in ``media``."""
    from momentumlab.floors import loss_floor
    from momentumlab.landscape import race_window
    from momentumlab.render import contour_png, loss_overlay_png, render_compare, render_run
    from momentumlab.render.timeline import momentum_arrows

    colors = optimizer_colors(experiment.runs)
    changes = {run: experiment.optimizer(run.optimizer).schedule.changes(experiment.steps) for run in experiment.runs}
    for run in experiment.runs:
        paths = media.runs.get(run)
        if paths is None:  # a run off the reference backend has no animation of its own
            continue
        spec = experiment.optimizer(run.optimizer)
        arrows = None
        if spec.method in ARROW_METHODS and settings.arrows:
            arrows = momentum_arrows(problem, runs[run], spec.lr, spec.schedule, race_window(problem, [runs[run]]))
        title = f"{experiment.label}: {run.label} ({run.backend})"
        render_run(problem, runs[run], title, settings, _files(paths, settings.formats), paths["png"],
                   color=colors[run.optimizer], changes=changes[run], arrows=arrows,
                   bound_note=no_bound_note(spec.method))
    labelled = {run: runs[run] for run in experiment.runs}  # keyed by the runs that carry their labels
    raced = race_runs(labelled, reference_backend(experiment.backends), settings.show_twins)
    badge = None if settings.show_twins else agreement_badge(twin_difference(labelled), "θ")
    compare = media.compare
    render_compare(problem, raced, experiment.label, settings, _files(compare, settings.formats), compare["png"],
                   changes=changes, badge=badge, colors=colors)
    loss_overlay_png(raced, f"{experiment.label}: loss per step", media.loss, view=loss_floor(problem), colors=colors)
    animations = [*compare.values(), *(path for files in media.runs.values() for path in files.values())]
    write_json(media.facts, media_facts(animations))
    window = race_window(problem, raced.values())  # the race's extent: the scrubber draws the same paths
    write_json(media.extent, contour_png(problem, media.contour, window=window, **CONTOUR_SIZE))
    if sweep is not None:
        render_sweep_media(experiment, problem, sweep, media.sweep)
    if media.modes is not None:
        render_modes_media(experiment, problem, labelled, media.modes)


def render_modes_media(experiment: Experiment, problem: Problem, runs: Mapping[RunKey, Trajectory],
                       path: str | Path) -> None:
    """The modes still of a constant-Hessian experiment (``theory.mode_runs``), rounding cut at the distance floor."""
    from momentumlab.floors import distance_floor
    from momentumlab.render.modes import render_modes
    from momentumlab.eigenmodes import mode_runs

    render_modes(mode_runs(experiment, problem, runs), path,
                 f"{experiment.label}: error along each eigenvector of the Hessian", distance_floor(problem.optimum))


def render_sweep_media(experiment: Experiment, problem: Problem, sweep: Any, path: str | Path) -> None:
    """The two-panel heatmap of one experiment's sweep, with configured and theory points."""
    from momentumlab.floors import distance_floor, floored_distances
    from momentumlab.render.heatmap import render_sweep_heatmap
    from momentumlab.sweep import marked_optimizers, sweep_regions_of
    from momentumlab.theory import theory_points

    colors = optimizer_colors(experiment.runs)  # each configured point in its optimizer's colour
    regions = sweep_regions_of(problem, sweep, experiment.start)
    floor = None
    if problem.optimum is not None:  # the colour scale stops at the distance floor: below it is rounding
        sweep = replace(sweep, final_distance=floored_distances(sweep.final_distance, problem.optimum))
        floor = distance_floor(problem.optimum)
    render_sweep_heatmap(
        sweep,
        path,
        title=f"{experiment.label}: {sweep.method} sweep, {counted(sweep.steps, 'step')} per run",
        configured=[(spec.label, spec.lr, spec.momentum, colors[spec.name]) for spec in marked_optimizers(experiment)],
        theory=theory_points(problem, sweep.method),
        regions=regions,
        floor=floor,
    )


def render_model_media(spec: Any, arrays: Mapping[str, Any], data: Mapping[str, Any], settings: Animation,
                       media: ModelMedia) -> None:
    """Write a model experiment's race on its shared loss plane, each optimizer's run animation
    (reference backend), the still loss-plane figure and the media facts to ``media``.

    ``spec`` is the ``ModelExperiment``, ``arrays`` its ``model.run.save_result`` archive and
    ``data`` its data set's arrays.
    """
    from momentumlab.model.frames import input_window
    from momentumlab.model.network import predict
    from momentumlab.records import max_abs_difference, reference_backend
    from momentumlab.render import render_loss_plane, render_model_run

    best_name = str(arrays.get("verdict/best", ""))  # the best run by model_verdicts' rule, "" for none
    best = next((key for key in spec.runs if key.optimizer == best_name and key.backend == reference_backend(spec.backends)), None)
    arch, title = _model_architecture(spec, data), _model_title(spec)
    if media.compare:  # ``animations: false`` renders the still figures only
        _, plane, views, _ = render_model_race_media(spec, arrays, data, settings,
                                                     _files(media.compare, settings.formats), media.compare["png"],
                                                     best=best, detailed=set(media.runs))
        colors = optimizer_colors(spec.runs)
        two_features = data["x_train"].shape[1] == 2
        window = input_window(np.concatenate([data["x_train"], data["x_test"]])) if two_features else None
        for view in views:
            paths = media.runs.get(view.key)
            if paths is None:  # a run off the reference backend has no animation of its own
                continue
            render_model_run(plane, view, f"{spec.label}: {view.key.label} ({view.key.backend})", settings,
                             _files(paths, settings.formats), paths["png"],
                             window=window, data=data, color=colors[view.key.optimizer])
    if media.sharpness is not None:
        render_model_sharpness(spec, arrays, media.sharpness)
    shown = arrays[f"{(best or spec.runs[0]).file_name}/weights"][-1]  # its final model on seed 0
    render_loss_plane(arrays, spec.runs, {o.name: o.label for o in spec.optimizers}, media.figure, title,
                      classify=lambda x: predict(arch, shown, x), data=data, best=best)
    animations = [*media.compare.values(), *(path for files in media.runs.values() for path in files.values())]
    write_json(media.facts, media_facts(animations))


def render_model_race_media(spec: Any, arrays: Mapping[str, Any], data: Mapping[str, Any], settings: Animation,
                            outputs: Mapping[str, str | Path], poster: str | Path,
                            progress: bool = False, best: RunKey | None = None,
                            detailed: Collection[RunKey] | None = None) -> tuple[Any, Any, list[Any], str]:
    """Render the race of every run on the shared loss plane (★ on ``best``, the best run by
    ``model_verdicts``' rule, when there is one); (architecture, plane, run views, title). The views
    carry decision regions or per-class accuracy for the ``detailed`` runs only (default: every run)."""
    from momentumlab.model.frames import model_run_views, plane_view
    from momentumlab.render import render_model_race

    arch, title = _model_architecture(spec, data), _model_title(spec)
    views = model_run_views(arrays, spec.runs, spec.steps, arch, data, detailed)
    plane = plane_view(arrays)
    raced = race_runs({view.key: view for view in views}, reference_backend(spec.backends), settings.show_twins)
    badge = None if settings.show_twins else agreement_badge(weight_difference(arrays, spec.runs), "w")
    render_model_race(plane, list(raced.values()), title, settings, outputs, poster, progress=progress, best=best,
                      badge=badge)
    return arch, plane, views, title


def weight_difference(arrays: Mapping[str, Any], runs: Any) -> float | None:
    """The largest max |Δw| on seed 0 between an optimizer's numpy run and its TensorFlow twin, over
    the recorded steps where both are finite (None without twins)."""
    found = []
    for key in runs:
        twin = RunKey(key.optimizer, "tensorflow")
        if key.backend != "numpy" or twin not in runs:
            continue
        mine, theirs = np.asarray(arrays[f"{key.file_name}/weights"]), np.asarray(arrays[f"{twin.file_name}/weights"])
        rows = min(len(mine), len(theirs))
        difference = np.abs(mine[:rows] - theirs[:rows])
        difference = difference[np.isfinite(difference)]
        if difference.size:
            found.append(float(difference.max()))
    return max(found) if found else None


def _model_architecture(spec: Any, data: Mapping[str, Any]) -> Any:
    """The model's architecture, from its data set's arrays."""
    from momentumlab.model.network import make_architecture

    classes = int(max(data["y_train"].max(), data["y_test"].max())) + 1
    return make_architecture(spec.model, data["x_train"].shape[1], classes, spec.hidden, spec.activation, spec.l2)


def _model_title(spec: Any) -> str:
    """"<label>: <data set>, <model>, <batching>", the title of a model experiment's figures."""
    model = f"MLP {list(spec.hidden)} {spec.activation}" if spec.model == "mlp" else "logistic regression"
    batch = f"batches of {spec.batch_size}" if spec.batch_size else "full batch"
    return f"{spec.label}: {spec.dataset}, {model}, {batch}"


def render_model_sharpness(spec: Any, arrays: Mapping[str, Any], path: str | Path) -> None:
    """The sharpness figure of every numpy run of ``spec`` from its ``save_result`` archive ``arrays``."""
    from momentumlab.model.run import sharpness_record
    from momentumlab.render.sharpness import render_sharpness

    rows, colors = [], optimizer_colors(spec.runs)
    for optimizer in spec.optimizers:
        key = RunKey(optimizer.name, "numpy").file_name
        if f"{key}/sharpness" in arrays:
            rows.append({"label": optimizer.label, "color": colors[optimizer.name], "sharpness": sharpness_record(
                spec, optimizer.name, arrays[f"{key}/steps_recorded"], arrays[f"{key}/sharpness"])})
    render_sharpness(rows, path, f"{spec.label}: sharpness over steps, each run against its threshold")


def render_model_sweep_media(spec: Any, result: Any, path: str | Path) -> None:
    """The two-panel heatmap of a model sweep (final training loss, test accuracy), with the
    configured optimizers of the swept method and the best cell marked."""
    from momentumlab.render import render_sweep_heatmap
    from momentumlab.render.heatmap import model_best_point, model_panels

    colors = optimizer_colors(spec.runs)  # each configured point in its optimizer's colour
    configured = [(o.label, o.lr, o.momentum, colors[o.name]) for o in spec.optimizers if o.method == result.method]
    render_sweep_heatmap(result, path, f"{spec.label}: {result.method}, learning rate × momentum (seed 0 only)", configured,
                         panels=model_panels(result), best=model_best_point(result))
