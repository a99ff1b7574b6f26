"""Snakemake entry point: re-run a few points of every sweep with TensorFlow, record the agreement."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.sweep import load_result, spot_check, sweep_grid
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    jobs = zip(snakemake.params.experiments.items(), snakemake.input.datasets, snakemake.input.sweeps, snakemake.output)
    for (name, entry), dataset, sweep, output in jobs:
        experiment = Experiment.from_mapping(name, entry)
        problem = problem_for(experiment, dataset)
        write_json(output, spot_check(problem, load_result(sweep), experiment.start, snakemake.threads, sweep_grid(experiment)))
