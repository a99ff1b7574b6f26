"""Snakemake entry point: run one chunk of an experiment's learning-rate × momentum sweep."""

from momentumlab.config import Experiment
from momentumlab.files import write_json
from momentumlab.sweep import save_chunk, sweep_grid, timed_chunk
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    index, chunks = int(snakemake.wildcards.index), int(snakemake.wildcards.chunks)
    arrays, timing = timed_chunk(problem_for(experiment, snakemake.input.dataset), sweep_grid(experiment), index, chunks)
    save_chunk(snakemake.output.chunk, arrays)
    write_json(snakemake.output.timing, timing)
    print(f"chunk {index} of {chunks}: {timing['runs']} runs × {timing['steps']} steps in {timing['seconds']:.3f} s")
