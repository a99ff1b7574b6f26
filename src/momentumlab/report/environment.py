"""The Jinja2 environment of the report: autoescaping on, numbers printed by ``records.format_number``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from momentumlab.records import DIGITS, MISSING, format_count, format_number, settled_step
from momentumlab.report.scrubber import json_for_script
from momentumlab.verdicts import (difference_text, distance_text, loss_text, momentum_ratio_text, momentum_text,
                                  settled_text, theta_text)


def vector(values: Sequence[Any] | None, digits: int = DIGITS) -> str:
    """A parameter vector as "(a, b)"."""
    if values is None:
        return MISSING
    return "(" + ", ".join(format_number(v, digits) for v in values) + ")"


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
    environment.filters.update(num=format_number, counted=format_count, vector=vector, sortval=sort_value,
                               json_script=json_for_script, momentum_text=momentum_text, settled=settled_text,
                               ratio=momentum_ratio_text, settled_step=settled_step,
                               distance=distance_text, loss=loss_text, difference=difference_text, theta=theta_text)
    return environment
