"""Views of the compare animation: every run of an experiment racing on one contour."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb

from momentumlab.render.axes import configure_loss_axes, draw_contour, draw_minima, draw_start
from momentumlab.render.landscape import Landscape
from momentumlab.render.paths import PathArtists, PathStyle, reached_divergence, visible_steps
from momentumlab.render.sprites import Sprite, display_points
from momentumlab.render.style import RUN_COLORS
from momentumlab.trajectory import Trajectory

BACKEND_SUFFIXES = (" · numpy", " · tensorflow")


def _darker(color: str, amount: float = 0.45) -> str:
    """``color`` mixed with black, so a dashed TensorFlow line shows on top of its numpy twin."""
    rgb = np.array(to_rgb(color)) * (1.0 - amount)
    return to_hex(rgb)


def run_styles(labels: list[str]) -> dict[str, PathStyle]:
    """One colour per optimizer; TensorFlow runs dashed with hollow heads, so overlaps stay visible."""
    groups: dict[str, str] = {}
    styles = {}
    for label in labels:
        group = label
        for suffix in BACKEND_SUFFIXES:
            if label.endswith(suffix):
                group = label[: -len(suffix)]
        color = groups.setdefault(group, RUN_COLORS[len(groups) % len(RUN_COLORS)])
        if label.endswith(" · tensorflow"):
            styles[label] = PathStyle(color=_darker(color), linestyle=(0, (2.5, 1.8)), linewidth=1.5,
                                      head_size=13.0, hollow=True, label=label)
        else:
            styles[label] = PathStyle(color=color, linewidth=2.8, head_size=8.0, label=label)
    return styles


def _group(label: str) -> str:
    for suffix in BACKEND_SUFFIXES:
        if label.endswith(suffix):
            return label[: -len(suffix)]
    return label


def race_order(runs: Mapping[str, Trajectory]) -> list[str]:
    """Labels in drawing order, bottom to top: diverged runs, then from the lowest final loss to
    the highest, so a slow run that shares its first steps with a fast one stays visible on top.
    Each optimizer's backends stay together (TensorFlow's dashed line over its numpy twin)."""
    groups: dict[str, list[str]] = {}
    for label in runs:
        groups.setdefault(_group(label), []).append(label)

    def key(group: str) -> tuple:
        first = runs[groups[group][0]]
        loss = float(first.loss[-1]) if np.isfinite(first.loss[-1]) else np.inf
        return (not first.diverged, loss)

    return [label for group in sorted(groups, key=key) for label in groups[group]]


def layered_styles(styles: Mapping[str, PathStyle], order: list[str]) -> dict[str, PathStyle]:
    """``styles`` with each optimizer's solid line thinner and haloed the higher it is drawn."""
    groups = list(dict.fromkeys(_group(label) for label in order))
    layered = dict(styles)
    for label in order:
        style = styles[label]
        rank = groups.index(_group(label))
        if style.hollow:
            continue
        if rank == 0:
            layered[label] = replace(style, linewidth=style.linewidth * 1.5)
            continue
        layered[label] = replace(style, linewidth=style.linewidth * (1.0 - 0.6 * rank / (len(groups) - 1)), halo=0.4)
    return layered


class RaceContourView:
    """All runs on one contour map, with a shared start and optimum markers."""

    projection = None
    shared = True

    def __init__(self, landscape: Landscape, runs: Mapping[str, Trajectory], styles: Mapping[str, PathStyle]) -> None:
        self.landscape = landscape
        self.runs = runs
        self.paths = [PathArtists(runs[label], styles[label]) for label in runs]

    def draw_static(self, ax: Axes) -> None:
        """Contours, every distinct start, the optimum."""
        draw_contour(ax, self.landscape)
        starts = np.unique(np.array([run.params[0] for run in self.runs.values()]), axis=0)
        for start in starts:
            draw_start(ax, start)
        draw_minima(ax, self.landscape.problem)

    def attach(self, ax: Axes) -> None:
        """One path's sprites per run."""
        for path in self.paths:
            path.attach(ax)

    def update(self, step: int) -> list[Sprite]:
        """Every path up to ``step`` (finished runs stay at their end)."""
        return [artist for path in self.paths for artist in path.update(step)]


class RaceLossView:
    """Loss against step for every run."""

    projection = None
    shared = True

    def __init__(self, runs: Mapping[str, Trajectory], styles: Mapping[str, PathStyle]) -> None:
        self.runs = runs
        self.styles = styles

    def draw_static(self, ax: Axes) -> None:
        """Shared axes sized to the longest run."""
        last = max(run.steps for run in self.runs.values())
        configure_loss_axes(ax, [run.loss for run in self.runs.values()], last)

    def attach(self, ax: Axes) -> None:
        """Each run's curve in display coordinates."""
        self.curves = []
        for label, run in self.runs.items():
            style = self.styles[label]
            points = display_points(ax, np.column_stack([np.arange(len(run.loss)), run.loss]))
            head = style.head(size_offset=-1.0, hollow_edge=1.8, solid_edge=1.0)
            self.curves.append((run, points, Sprite(style.line(), ax.bbox), Sprite(head, ax.bbox)))

    def update(self, step: int) -> list[Sprite]:
        """Each loss curve up to ``step``."""
        sprites: list[Sprite] = []
        for run, points, line, head in self.curves:
            k = visible_steps(run, step)
            line.set_vertices(points[: k + 1])
            head.set_vertices(points[k : k + 1])
            head.set_marker("X" if reached_divergence(run, step) else "o")
            sprites += [line, head]
        return sprites
