"""Snakemake entry point: gather every run's numbers into reports/summary.json."""

from momentumlab.config import parse_config
from momentumlab.layout import SummaryInputs, nested
from momentumlab.summary import write_summary
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    write_summary(parse_config(snakemake.params.config), SummaryInputs.from_tree(nested(snakemake.input)),
                  snakemake.output.summary)
