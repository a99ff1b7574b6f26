"""Snakemake entry point: every 2-D experiment's runs on TensorFlow, in one job so TensorFlow is imported once."""

from momentumlab.config import Experiment
from momentumlab.layout import nested
from momentumlab.runner import optimize_to_files
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    inputs, outputs = nested(snakemake.input), nested(snakemake.output)
    for name, entry in snakemake.params.experiments.items():
        experiment = Experiment.from_mapping(name, entry)
        files = outputs[name]
        optimize_to_files(experiment, problem_for(experiment, inputs[name]["dataset"]), "tensorflow", snakemake.threads,
                          files["trajectories"], files["timings"])
