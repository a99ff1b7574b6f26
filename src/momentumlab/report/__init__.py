"""The HTML report: a context from ``summary.json`` and media paths, rendered by Jinja2.

``report_context`` gathers what the page shows, ``render_report`` renders it,
``inline_assets`` turns the page into a single self-contained file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from momentumlab.report.bundle import inline_assets
from momentumlab.report.context import package_versions, report_context
from momentumlab.report.environment import make_environment
from momentumlab.report.scrubber import json_for_script, labelled_runs, scrubber_data

TEMPLATE = "index.html.j2"


def render_report(template_dir: str | Path, context: Mapping[str, Any], template: str = TEMPLATE) -> str:
    """The report page rendered from ``template`` in ``template_dir``."""
    return make_environment(template_dir).get_template(template).render(**context)


__all__ = [
    "inline_assets",
    "json_for_script",
    "labelled_runs",
    "package_versions",
    "render_report",
    "report_context",
    "scrubber_data",
]
