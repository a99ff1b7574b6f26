"""Snakemake entry point: every animation and picture of one model experiment, and its sweep's heatmap."""

from momentumlab.model.data import load_classification
from momentumlab.config import Animation
from momentumlab.render.media import render_model_media, render_model_sweep_media
from momentumlab.files import read_npz
from momentumlab.layout import ModelMedia, nested
from momentumlab.config import parse_model_experiment
from momentumlab.model.sweep import load_sweep
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    dataset = load_classification(snakemake.input.dataset)
    spec = parse_model_experiment(snakemake.params.name, snakemake.params.experiment, data=dataset)
    data = {"x_train": dataset.x_train, "y_train": dataset.y_train, "x_test": dataset.x_test, "y_test": dataset.y_test}
    outputs = nested(snakemake.output)
    heatmap = outputs.pop("heatmap", None)
    render_model_media(spec, read_npz(snakemake.input.runs), data, Animation.from_mapping(snakemake.params.animation),
                       ModelMedia.from_tree(outputs))
    if heatmap is not None:
        render_model_sweep_media(spec, load_sweep(snakemake.input.sweep), heatmap)
