"""Snakemake entry point: render reports/index.html (and, if asked, the single-file copy)."""

from pathlib import Path

from momentumlab.config import parse_config
from momentumlab.files import read_json, write_text
from momentumlab.report import inline_assets, labelled_runs, render_report, report_context, scrubber_data
from momentumlab.report.explorer import write_explorer
from momentumlab.sweep import load_result
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    config = parse_config(snakemake.params.config)
    media = snakemake.params.media
    scrubbers = {
        experiment.name: scrubber_data(
            labelled_runs(experiment, media[experiment.name]["trajectories"]),
            experiment.steps,
            read_json(media[experiment.name]["extent"]),
        )
        for experiment in config.experiments
    }
    summary = read_json(snakemake.input.summary)
    for name, files in media.items():  # the sweep explorer's data, one script per swept experiment
        if "explorer" in files:
            theory = [row for row in summary.get("theory", []) if row["experiment"] == name]
            size = write_explorer(files["explorer"], name, load_result(files["sweep_result"]), theory)
            print(f"{files['explorer']}: {size} bytes")
    out_dir = Path(snakemake.output.html).parent
    slides = snakemake.input.slides if "slides" in snakemake.input.keys() else None
    context = report_context(summary, config.data, media, out_dir, scrubbers, slides)
    page = render_report(snakemake.params.templates, context)
    write_text(snakemake.output.html, page)
    if "single" in snakemake.output.keys():
        write_text(snakemake.output.single, inline_assets(page, out_dir))
