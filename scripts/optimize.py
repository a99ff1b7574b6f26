"""Snakemake entry point: run every optimizer of one experiment on one backend."""

from momentumlab.config import Experiment
from momentumlab.runner import optimize_to_files, problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    optimize_to_files(experiment, problem_for(experiment, snakemake.input.dataset), snakemake.params.backend,
                      snakemake.threads, snakemake.output.trajectories, snakemake.output.timings,
                      snakemake.input.get("tuned"))
