"""Snakemake entry point: a one-chunk sweep, run and gathered in one job."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.sweep import gather_chunks, save_result, sweep_grid, timed_chunk
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem, grid = problem_for(experiment, snakemake.input.dataset), sweep_grid(experiment)
    arrays, timing = timed_chunk(problem, grid, 0, 1)
    save_result(snakemake.output.sweep, gather_chunks(problem, grid, [arrays]))
    write_json(snakemake.output.timing, timing)
