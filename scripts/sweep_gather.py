"""Snakemake entry point: combine an experiment's sweep chunks into results/<exp>/sweep.npz."""

from momentumlab.config import Experiment
from momentumlab.files import read_npz
from momentumlab.sweep import gather_chunks, save_result, sweep_grid
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    chunks = [read_npz(path) for path in snakemake.input.chunks]
    save_result(snakemake.output.sweep, gather_chunks(problem, sweep_grid(experiment), chunks))
