"""Snakemake entry point: render reports/index.html (and, if asked, the single-file copy)."""

import dataclasses
from pathlib import Path

from momentumlab.config import parse_config
from momentumlab.files import read_json, write_text
from momentumlab.layout import nested
from momentumlab.report import inline_assets, labelled_runs, render_report, report_context, scrubber_data
from momentumlab.report.explorer import write_explorer
from momentumlab.sweep import load_result
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    config = parse_config(snakemake.params.config)
    shown, written = nested(snakemake.input)["experiments"], nested(snakemake.output).get("experiments", {})
    summary = read_json(snakemake.input.summary)
    media, scrubbers = {}, {}
    for experiment in config.experiments:
        files = shown[experiment.name]
        runs = labelled_runs(experiment, files["trajectories"])
        scrubbers[experiment.name] = scrubber_data(runs, experiment.steps, read_json(files["media"]["extent"]))
        media[experiment.name] = {**files["media"], "explorer": written.get(experiment.name, {}).get("explorer")}
        if "sweep" in files:  # the sweep explorer's data, one script per swept experiment
            theory = [row for row in summary.get("theory", []) if row["experiment"] == experiment.name]
            explorer = media[experiment.name]["explorer"]
            print(f"{explorer}: {write_explorer(explorer, experiment.name, load_result(files['sweep']), theory)} bytes")
    out_dir = Path(snakemake.output.html).parent
    slides = snakemake.input.slides if "slides" in snakemake.input.keys() else None
    model_media = {e.name: {**shown[e.name]["model_media"], "sweep": shown[e.name].get("model_sweep")}
                   for e in config.model_experiments}
    context = report_context(summary, config.data, media, out_dir, scrubbers, slides, model_media)
    page = render_report(Path(snakemake.input.templates[0]).parent, context)
    write_text(snakemake.output.html, page)
    if "single" in snakemake.output.keys():
        write_text(snakemake.output.single, inline_assets(page, out_dir))
