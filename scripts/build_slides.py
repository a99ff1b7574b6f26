"""Snakemake entry point: the 16:9 slide deck with the races (GIF, else MP4), tables and notes."""

import datetime
from pathlib import Path

from momentumlab.slides import DeckInputs, build_deck
from momentumlab.files import read_json
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    labels = snakemake.params.labels
    media = {name: Path(path) for name, path in zip(labels, snakemake.input.media)}
    posters = {name: Path(path) for name, path in zip(labels, snakemake.input.posters)}
    model_labels = snakemake.params.model_labels
    model_figures = {name: Path(path) for name, path in zip(model_labels, snakemake.input.model_figures)}
    inputs = DeckInputs(
        title=snakemake.params.slides["title"],
        author=snakemake.params.slides["author"],
        config_title=snakemake.params.title,
        summary=read_json(snakemake.input.summary),
        compare_media=media,
        posters=posters,
        experiment_labels={**labels, **model_labels},
        date=datetime.date.today(),
        model_figures=model_figures,
    )
    build_deck(inputs, snakemake.output[0])
