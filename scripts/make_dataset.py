"""Snakemake entry point: write the data set of one experiment."""

from momentumlab.config import Experiment
from momentumlab.datasets import make_dataset
from momentumlab.files import write_npz
from momentumlab.model.network import MODELS
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    entry = snakemake.params.experiment
    if entry["problem"] in MODELS:
        from momentumlab.model.data import save_classification
        from momentumlab.config import parse_model_experiment

        spec = parse_model_experiment(snakemake.wildcards.experiment, entry)
        save_classification(snakemake.output.dataset, spec.data())
    else:
        experiment = Experiment.from_mapping(snakemake.wildcards.experiment, entry)
        write_npz(snakemake.output.dataset, make_dataset(experiment.problem, experiment.params, experiment.seed))
