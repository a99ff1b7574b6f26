"""Snakemake entry point: every TensorFlow run of the 2-D experiments and every sweep's TensorFlow
spot checks (2-D and model), in one job so that TensorFlow is imported once."""

from momentumlab.model import sweep as model_sweep
from momentumlab.model.data import load_classification
from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.layout import nested
from momentumlab.config import parse_model_experiment
from momentumlab.runner import optimize_to_files
from momentumlab.sweep import load_result, spot_check, sweep_grid
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

inputs, outputs = nested(snakemake.input), nested(snakemake.output)
with logging_to(snakemake.log.runs):
    for name, entry in snakemake.params.experiments.items():
        experiment = Experiment.from_mapping(name, entry)
        files = outputs[name]
        optimize_to_files(experiment, problem_for(experiment, inputs[name]["dataset"]), "tensorflow", snakemake.threads,
                          files["trajectories"], files["timings"], inputs[name].get("tuned"))
with logging_to(snakemake.log.spot_checks):
    for name, entry in snakemake.params.swept.items():
        experiment = Experiment.from_mapping(name, entry)
        problem = problem_for(experiment, inputs[name]["dataset"])
        checks = spot_check(problem, load_result(inputs[name]["sweep"]), experiment.start, snakemake.threads, sweep_grid(experiment))
        write_json(outputs[name]["spot_check"], checks)
    for name, entry in snakemake.params.model_swept.items():  # the model sweep's row, with its checks
        data = load_classification(inputs[name]["dataset"])
        spec = parse_model_experiment(name, entry, data=data)
        result = model_sweep.load_sweep(inputs[name]["model_sweep"])
        checks = model_sweep.spot_check(spec, data, result, snakemake.threads)
        write_json(outputs[name]["model_sweep_summary"], model_sweep.summary_row(spec, result, checks, None))
