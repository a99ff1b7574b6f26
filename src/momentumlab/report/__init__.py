"""The HTML report: a context from ``summary.json`` and media paths, rendered by Jinja2.

``report_context`` gathers what the page shows, ``render_report`` renders it,
``inline_assets`` turns the page into a single self-contained file; ``build_report`` is the
stage that does all three from the files earlier stages wrote.
"""

from __future__ import annotations

from momentumlab.report.bundle import inline_assets
from momentumlab.report.context import package_versions, report_context
from momentumlab.report.scrubber import json_for_script, labelled_runs, scrubber_data
from momentumlab.report.stage import TEMPLATE, build_report, render_report

__all__ = [
    "TEMPLATE",
    "build_report",
    "inline_assets",
    "json_for_script",
    "labelled_runs",
    "package_versions",
    "render_report",
    "report_context",
    "scrubber_data",
]
