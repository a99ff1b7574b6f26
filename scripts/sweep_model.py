"""Snakemake entry point: gather a model experiment's sweep chunks into results/<e>/model_sweep.npz (numpy only)."""

from momentumlab.config import parse_model_experiment
from momentumlab.files import read_npz, write_json
from momentumlab.model.data import load_classification
from momentumlab.model.sweep import gather_cells, save_sweep
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    data = load_classification(snakemake.input.dataset)
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment, data=data)
    chunks = [read_npz(path) for path in snakemake.input.chunks]
    save_sweep(snakemake.output.sweep, gather_cells(spec, chunks))
    seconds = sum(float(chunk["seconds"]) for chunk in chunks)  # the chunks' compute, whichever job ran them
    write_json(snakemake.output.timing, {"compute_seconds": seconds})  # kept out of results/: not reproducible
