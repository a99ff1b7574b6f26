"""The report stage: ``reports/index.html`` (and its single-file copy) from the files earlier stages wrote."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from momentumlab.floors import LossFloor
from momentumlab.config import Config
from momentumlab.files import read_json, write_text
from momentumlab.layout import ReportInputs, ReportOutputs
from momentumlab.report.bundle import inline_assets
from momentumlab.report.context import report_context
from momentumlab.report.environment import make_environment
from momentumlab.report.explorer import write_explorer
from momentumlab.report.scrubber import labelled_runs, schedule_changes, scrubber_data
from momentumlab.sweep import load_result

TEMPLATE = "index.html.j2"


def render_report(template_dir: str | Path, context: dict[str, Any], template: str = TEMPLATE) -> str:
    """The report page rendered from ``template`` in ``template_dir``."""
    return make_environment(template_dir).get_template(template).render(**context)


def _fields(files: Any) -> dict[str, Any]:
    """A layout dataclass's files by field name, one level deep (its RunKey-keyed mappings kept as they are)."""
    return {field.name: getattr(files, field.name) for field in dataclasses.fields(files)}


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
        media[experiment.name] = {**_fields(shown.media), "explorer": explorer}
        if shown.sweep is not None:  # the sweep explorer's data, one script per swept experiment
            theory = [row for row in summary.get("theory", []) if row["experiment"] == experiment.name]
            print(f"{explorer}: {write_explorer(explorer, experiment.name, load_result(shown.sweep), theory)} bytes")
    model_media = {name: {**_fields(shown.media), "sweep": shown.sweep} for name, shown in inputs.models.items()}
    out_dir = Path(outputs.html).parent
    context = report_context(summary, config.data, media, out_dir, scrubbers, inputs.slides, model_media)
    page = render_report(Path(inputs.templates[0]).parent, context)
    write_text(outputs.html, page)
    if outputs.single is not None:
        write_text(outputs.single, inline_assets(page, out_dir))
