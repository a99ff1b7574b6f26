"""Snakemake entry point: one model experiment's learning-rate × momentum sweep (numpy only)."""

import time

from momentumlab.model.data import load_classification
from momentumlab.files import write_json
from momentumlab.config import parse_model_experiment
from momentumlab.model.sweep import run_sweep, save_sweep
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    data = load_classification(snakemake.input.dataset)
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment, data=data)
    began = time.perf_counter()
    result = run_sweep(spec, data)
    seconds = time.perf_counter() - began
    save_sweep(snakemake.output.sweep, result)
    write_json(snakemake.output.timing, {"compute_seconds": seconds})  # kept out of results/: not reproducible
