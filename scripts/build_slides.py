"""Snakemake entry point: the 16:9 slide deck with the races (GIF, else MP4), tables and notes."""

from momentumlab.config import parse_config
from momentumlab.layout import SlideInputs, nested
from momentumlab.deck.slides import write_deck
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    write_deck(parse_config(snakemake.params.config), SlideInputs.from_tree(nested(snakemake.input)),
               snakemake.output.slides)
