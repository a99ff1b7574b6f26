"""Snakemake entry point: re-run a few sweep points with TensorFlow and record the agreement."""

from momentumlab.config import Experiment
from momentumlab.summary import write_json
from momentumlab.sweep import load_result, spot_check
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    rows = spot_check(problem, load_result(snakemake.input.sweep), experiment.start, snakemake.threads)
    write_json(snakemake.output[0], rows)
