"""Snakemake entry point: render reports/index.html (and, if asked, the single-file copy)."""

from momentumlab.config import parse_config
from momentumlab.layout import ReportInputs, ReportOutputs, nested
from momentumlab.report import build_report
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    build_report(parse_config(snakemake.params.config), ReportInputs.from_tree(nested(snakemake.input)),
                 ReportOutputs.from_tree(nested(snakemake.output)))
