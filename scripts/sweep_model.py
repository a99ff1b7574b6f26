"""Snakemake entry point: one model experiment's learning-rate × momentum sweep and its TensorFlow spot checks."""

import time

from momentumlab.classification import load_classification
from momentumlab.experiment_media import render_model_sweep_media
from momentumlab.files import write_json
from momentumlab.config import parse_model_experiment
from momentumlab.model_sweep import run_sweep, save_sweep, spot_check, summary_row
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment)
    data = load_classification(snakemake.input.dataset)
    began = time.perf_counter()
    result = run_sweep(spec, data)
    seconds = time.perf_counter() - began
    save_sweep(snakemake.output.sweep, result)
    write_json(snakemake.output.summary, summary_row(spec, result, spot_check(spec, data, result, snakemake.threads), None))
    write_json(snakemake.output.timing, {"compute_seconds": seconds})  # kept out of results/: not reproducible
    render_model_sweep_media(spec, result, snakemake.output.heatmap)
