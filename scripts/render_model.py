"""Snakemake entry point: draw the loss-plane figure of one model experiment."""

import numpy as np

from momentumlab.model_experiment import parse_model_experiment
from momentumlab.render.loss_plane_figure import render_loss_plane
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment)
    with np.load(snakemake.input.runs, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    labels = {optimizer.name: optimizer.label for optimizer in spec.optimizers}
    model = f"MLP {list(spec.hidden)} {spec.activation}" if spec.model == "mlp" else "logistic regression"
    batch = f"batches of {spec.batch_size}" if spec.batch_size else "full batch"
    render_loss_plane(arrays, spec.runs, labels, snakemake.output[0], f"{spec.label}: {spec.dataset}, {model}, {batch}")
