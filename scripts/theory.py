"""Snakemake entry point: predicted vs measured convergence rates on a quadratic experiment."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.records import theory_rows
from momentumlab.theory import check_rates, step_budget
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    rates = check_rates(problem, experiment.start, step_budget(experiment.steps))
    write_json(snakemake.output.theory, theory_rows(experiment.name, rates))
