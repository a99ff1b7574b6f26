"""Snakemake entry point: resolve one experiment's `tuned` values and write them for the later jobs."""

import sys

from momentumlab.config import Experiment
from momentumlab.runner import problem_for
from momentumlab.tuning import edge_warnings, write_tuned
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    resolved = write_tuned(snakemake.output.tuned, experiment, problem_for(experiment, snakemake.input.dataset))
for line in edge_warnings(resolved):  # on the console, not only in the log
    print(line, file=sys.stderr)
