"""The Jinja2 environment of the report: autoescaping on, number formatting filters."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from momentumlab.report.scrubber import json_for_script
from momentumlab.wording import counted

MISSING = "—"


def number(value: Any, digits: int = 4) -> str:
    """A number for a table cell: ``digits`` significant digits, scientific when tiny or huge."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    return f"{value:.{digits - 1}e}"


def count_of(value: int, noun: str, plural: str | None = None) -> str:
    """``"1 step"``, ``"1 000 steps"``: a count in the table format with the right plural."""
    return counted(value, noun, plural, number=number)


def vector(values: Sequence[Any] | None, digits: int = 4) -> str:
    """A parameter vector as "(a, b)"."""
    if values is None:
        return MISSING
    return "(" + ", ".join(number(v, digits) for v in values) + ")"


def sort_value(value: Any) -> str:
    """The raw value a sortable table compares (empty sorts last)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)


def make_environment(template_dir: str | Path) -> Environment:
    """A Jinja2 environment over ``template_dir`` that escapes every value it prints."""
    environment = Environment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(num=number, counted=count_of, vector=vector, sortval=sort_value,
                               json_script=json_for_script)
    return environment
