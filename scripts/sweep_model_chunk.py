"""Snakemake entry point: one chunk of a model experiment's learning-rate × momentum sweep (numpy only)."""

from momentumlab.config import parse_model_experiment
from momentumlab.model.data import load_classification
from momentumlab.model.sweep import run_cells, save_chunk
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    data = load_classification(snakemake.input.dataset)
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment, data=data)
    index, chunks = int(snakemake.wildcards.index), int(snakemake.wildcards.chunks)
    chunk = run_cells(spec, data, index, chunks)
    save_chunk(snakemake.output.chunk, chunk)
    print(f"chunk {index} of {chunks}: {chunk['index'].size} cells × {spec.sweep.steps} steps in {float(chunk['seconds']):.3f} s")
