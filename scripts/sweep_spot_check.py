"""Snakemake entry point: re-run a few points of every sweep (2-D and model) with TensorFlow, record the agreement."""

from momentumlab import model_sweep
from momentumlab.classification import load_classification
from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.layout import nested
from momentumlab.model_experiment import parse_model_experiment
from momentumlab.sweep import load_result, spot_check, sweep_grid
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    inputs, outputs = nested(snakemake.input), nested(snakemake.output)
    for name, entry in snakemake.params.experiments.items():
        experiment = Experiment.from_mapping(name, entry)
        problem = problem_for(experiment, inputs[name]["dataset"])
        checks = spot_check(problem, load_result(inputs[name]["sweep"]), experiment.start, snakemake.threads, sweep_grid(experiment))
        write_json(outputs[name]["spot_check"], checks)
    for name, entry in snakemake.params.model_experiments.items():  # the model sweep's row, with its checks
        data = load_classification(inputs[name]["dataset"])
        spec = parse_model_experiment(name, entry, data=data)
        result = model_sweep.load_sweep(inputs[name]["model_sweep"])
        checks = model_sweep.spot_check(spec, data, result, snakemake.threads)
        write_json(outputs[name]["model_sweep_summary"], model_sweep.summary_row(spec, result, checks, None))
