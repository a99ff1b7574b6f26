"""The report stage: ``reports/index.html`` (and its single-file copy) from the files earlier stages wrote."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from momentumlab.floors import LossFloor, distance_floor
from momentumlab.config import Config, Experiment
from momentumlab.files import read_json, write_text
from momentumlab.layout import ReportInputs, ReportOutputs
from momentumlab.palette import optimizer_colors
from momentumlab.report.bundle import inline_assets
from momentumlab.report.context import report_context
from momentumlab.report.environment import make_environment
from momentumlab.model.sweep import load_sweep
from momentumlab.report.explorer import write_explorer, write_model_explorer
from momentumlab.report.live import live_data, run_entry, summary_runs
from momentumlab.runner import problem_for
from momentumlab.report.scrubber import labelled_runs, schedule_changes, scrubber_data
from momentumlab.cell_yaml import cell_template, model_cell_template
from momentumlab.sweep import load_result, sweep_grid
from momentumlab.theory import theory_points

TEMPLATE = "index.html.j2"


def render_report(template_dir: str | Path, context: dict[str, Any], template: str = TEMPLATE) -> str:
    """The report page rendered from ``template`` in ``template_dir``."""
    return make_environment(template_dir).get_template(template).render(**context)


def _fields(files: Any) -> dict[str, Any]:
    """A layout dataclass's files by field name, one level deep (its RunKey-keyed mappings kept as they are)."""
    return {field.name: getattr(files, field.name) for field in dataclasses.fields(files)}


def experiment_live(experiment: Experiment, dataset: str, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The live mode's data of one 2-D experiment: its numpy runs as run, and its sweep's method settings."""
    steps = experiment.steps
    sweep = None
    if experiment.sweep.enabled:
        grid = sweep_grid(experiment)
        sweep = run_entry(grid.method, 0.0, 0.0, grid.options, grid.schedule, steps, b1_table=False)
    runs = summary_runs([row for row in rows if row["experiment"] == experiment.name], steps)
    return live_data(problem_for(experiment, dataset), experiment.start, steps, runs, sweep)


def optimum_floor(problem: Any) -> float | None:
    """The distance floor of ``problem``'s optimum (None without one)."""
    return None if problem.optimum is None else distance_floor(problem.optimum)


def build_report(config: Config, inputs: ReportInputs, outputs: ReportOutputs) -> None:
    """Write every swept experiment's explorer data, the report page and (if asked) its single-file copy."""
    summary = read_json(inputs.summary)
    media, scrubbers = {}, {}
    for experiment in config.experiments:
        shown, explorer = inputs.experiments[experiment.name], outputs.explorers.get(experiment.name)
        runs = labelled_runs(experiment, shown.trajectories, config.animation.show_twins)
        f_star = next((row.get("f_star") for row in summary["runs"] if row["experiment"] == experiment.name), None)
        scrubbers[experiment.name] = scrubber_data(runs, experiment.steps, read_json(shown.media.extent),
                                                   view=LossFloor(f_star), changes=schedule_changes(experiment))
        if shown.dataset is not None:
            scrubbers[experiment.name]["live"] = experiment_live(experiment, shown.dataset, summary["runs"])
        media[experiment.name] = {**_fields(shown.media), "explorer": explorer}
        if shown.sweep is not None:  # the sweep explorer's data, one script per swept experiment
            theory = [row for row in summary.get("theory", []) if row["experiment"] == experiment.name]
            record = next((row for row in summary.get("sweeps", []) if row["experiment"] == experiment.name), None)
            floor = None if shown.dataset is None else optimum_floor(problem_for(experiment, shown.dataset))
            result = load_result(shown.sweep)
            marks = theory_points(problem_for(experiment, shown.dataset), result.method)  # as sweep.png marks them
            size = write_explorer(explorer, experiment.name, result, theory, record, experiment.steps,
                                  floor, cell_template(experiment, sweep_grid(experiment)),  # "Use this run": every setting
                                  f_star, marks)
            print(f"{explorer}: {size} bytes")
    model_media = {}
    models = {model.name: model for model in config.model_experiments}
    for name, shown in inputs.models.items():
        explorer = outputs.explorers.get(name)
        model_media[name] = {**_fields(shown.media), "sweep": shown.sweep, "explorer": explorer}
        if shown.sweep_result is not None and explorer is not None:  # the model sweep's explorer: a click draws its curves
            record = next((row for row in summary.get("sweeps", []) if row["experiment"] == name), None)
            template = model_cell_template(models[name], config.data["experiments"][name])
            size = write_model_explorer(explorer, name, load_sweep(shown.sweep_result), record, models[name].steps, template,
                                        optimizer_colors(models[name].runs))
            print(f"{explorer}: {size} bytes")
    out_dir = Path(outputs.html).parent
    context = report_context(summary, config.data, media, out_dir, scrubbers, inputs.slides, model_media)
    page = render_report(Path(inputs.templates[0]).parent, context)
    write_text(outputs.html, page)
    if outputs.single is not None:
        write_text(outputs.single, inline_assets(page, out_dir))
