"""Snakemake entry point: run every optimizer of one experiment on one backend."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.runner import optimize_experiment
from momentumlab.trajectory import save_trajectories
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    trajectories, seconds = optimize_experiment(experiment, problem, snakemake.params.backend, snakemake.threads)
    save_trajectories(snakemake.output.trajectories, trajectories)
    write_json(snakemake.output.timings, seconds)
