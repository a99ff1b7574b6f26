"""Snakemake entry point: run one chunk of an experiment's learning-rate × momentum sweep."""

import time

from momentumlab.config import Experiment
from momentumlab.summary import write_json
from momentumlab.sweep import run_chunk, save_chunk, sweep_grid
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    grid = sweep_grid(experiment)
    index, chunks = int(snakemake.wildcards.index), int(snakemake.wildcards.chunks)
    began = time.perf_counter()
    arrays = run_chunk(problem, grid, index, chunks)
    seconds = time.perf_counter() - began
    save_chunk(snakemake.output.chunk, arrays)
    write_json(snakemake.output.timing, {"seconds": seconds, "runs": int(arrays["index"].size), "steps": grid.steps})
    print(f"chunk {index} of {chunks}: {arrays['index'].size} runs × {grid.steps} steps in {seconds:.3f} s")
