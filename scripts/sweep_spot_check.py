"""Snakemake entry point: re-run a few points of every sweep with TensorFlow, record the agreement."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.layout import nested
from momentumlab.sweep import load_result, spot_check, sweep_grid
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    inputs, outputs = nested(snakemake.input), nested(snakemake.output)
    for name, entry in snakemake.params.experiments.items():
        experiment = Experiment.from_mapping(name, entry)
        problem = problem_for(experiment, inputs[name]["dataset"])
        checks = spot_check(problem, load_result(inputs[name]["sweep"]), experiment.start, snakemake.threads, sweep_grid(experiment))
        write_json(outputs[name]["spot_check"], checks)
