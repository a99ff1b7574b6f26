"""Snakemake entry point: write the data set of one experiment."""

from momentumlab.config import Experiment
from momentumlab.datasets import make_dataset, save_dataset
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    save_dataset(snakemake.output[0], make_dataset(experiment.problem, experiment.params, experiment.seed))
