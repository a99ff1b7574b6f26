"""Snakemake entry point: every animation and picture of one model experiment."""

from momentumlab.config import Animation
from momentumlab.experiment_media import render_model_media
from momentumlab.files import read_npz
from momentumlab.layout import ModelMedia, nested
from momentumlab.config import parse_model_experiment
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    spec = parse_model_experiment(snakemake.params.name, snakemake.params.experiment)
    data = {key: value for key, value in read_npz(snakemake.input.dataset).items()
            if key in ("x_train", "y_train", "x_test", "y_test")}
    render_model_media(spec, read_npz(snakemake.input.runs), data, Animation.from_mapping(snakemake.params.animation),
                       ModelMedia.from_tree(nested(snakemake.output)))
