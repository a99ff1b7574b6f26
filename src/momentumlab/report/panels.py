"""The panels of a multi-panel still figure, found in its pixels: where the report may cut it so that a
phone shows the panels one under another (CSS crops of the one PNG: no extra files, no extra render)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

BLANK = 250  # a pixel at least this light (of 255) is background
MIN_PANEL = 0.15  # a cut leaving a panel narrower than this fraction of the figure is not a panel boundary
SIMILAR_GUTTER = 0.75  # gutters at least this fraction of the widest one separate panels; narrower ones do not


def _blank_runs(blank: np.ndarray) -> list[tuple[int, int]]:
    """(start, width) of every run of True in ``blank``, not touching either end."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], blank.astype(np.int8), [0]))))
    runs = [(int(start), int(stop - start)) for start, stop in zip(edges[::2], edges[1::2])]
    return [(start, width) for start, width in runs if start > 0 and start + width < len(blank)]


def title_rows(gray: np.ndarray) -> int:
    """How many rows at the top a figure's title takes: up to the first blank row after the first inked one."""
    inked = (gray < BLANK).any(axis=1)
    first = int(np.argmax(inked)) if inked.any() else 0
    blank_after = np.flatnonzero(~inked[first:])
    return first + int(blank_after[0]) if blank_after.size else 0


def panel_spans(path: str | Path | None) -> list[tuple[float, float]]:
    """The figure's panels as (left, right) fractions of its width, left to right, split at the widest blank
    columns below its title (a colour bar's narrower gap keeps it with its panel). One span, (0, 1), when
    the file is missing or no split leaves every panel at least ``MIN_PANEL`` wide."""
    if path is None or not Path(path).exists():
        return [(0.0, 1.0)]
    with Image.open(path) as image:
        gray = np.asarray(image.convert("L"))
    body = gray[title_rows(gray):]
    runs = _blank_runs((body >= BLANK).all(axis=0))
    if not runs:
        return [(0.0, 1.0)]
    widest = max(width for _, width in runs)
    cuts = sorted(start + width / 2 for start, width in runs if width >= SIMILAR_GUTTER * widest)
    bounds = [0.0, *(cut / gray.shape[1] for cut in cuts), 1.0]
    spans = list(zip(bounds[:-1], bounds[1:]))
    return spans if all(right - left >= MIN_PANEL for left, right in spans) else [(0.0, 1.0)]


def figure_panels(path: str | Path | None) -> dict[str, Any]:
    """What the report needs to crop the figure at ``path`` into its panels: its pixel size, the rows of its
    title (left out of the crops: a title across every panel would be cut in pieces) and ``panel_spans``."""
    if path is None or not Path(path).exists():
        return {"width": 0, "height": 0, "title": 0, "spans": [(0.0, 1.0)]}
    with Image.open(path) as image:
        width, height = image.size
        title = title_rows(np.asarray(image.convert("L")))
    return {"width": width, "height": height, "title": title, "spans": panel_spans(path)}
