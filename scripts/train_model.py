"""Snakemake entry point: train every run of one model experiment and evaluate its loss plane."""

from momentumlab.model.data import load_classification
from momentumlab.files import write_json
from momentumlab.config import parse_model_experiment
from momentumlab.model.run import run_model_experiment, run_seconds, save_result, summary_records
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    data = load_classification(snakemake.input.dataset)
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment, data=data)
    result = run_model_experiment(spec, data=data, threads=snakemake.threads)
    save_result(snakemake.output.runs, result)
    write_json(snakemake.output.summary, summary_records(result))
    write_json(snakemake.output.timings, run_seconds(result))  # kept out of results/: not reproducible
