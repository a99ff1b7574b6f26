"""Snakemake entry point: the 16:9 slide deck with the races (GIF, else MP4), tables and notes."""

import datetime
from pathlib import Path

from momentumlab.files import read_json
from momentumlab.layout import nested
from momentumlab.slides import DeckInputs, build_deck
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    shown = nested(snakemake.input)["experiments"]
    labels, model_labels = snakemake.params.labels, snakemake.params.model_labels
    inputs = DeckInputs(
        title=snakemake.params.slides["title"],
        author=snakemake.params.slides["author"],
        config_title=snakemake.params.title,
        summary=read_json(snakemake.input.summary),
        compare_media={name: Path(shown[name]["race"]) for name in labels},
        posters={name: Path(shown[name]["poster"]) for name in [*labels, *model_labels]},
        experiment_labels={**labels, **model_labels},
        date=datetime.date.today(),
        model_races={name: Path(shown[name]["race"]) for name in model_labels},
    )
    build_deck(inputs, snakemake.output.slides)
