"""The animated figures built from panels: one run's 2×2 figure and an experiment's race.

A figure's shared panels (surface, contour, data) depend only on the problem, the plot
window and the start, which every run of an experiment has in common. They are drawn once
into a ``Backdrop`` whose pixels are kept; each run then draws only its own panels (loss,
distance) and title over a copy of those pixels. A scene built from a kept backdrop is
therefore pixel-identical to one built from a fresh figure.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.gridspec import SubplotSpec
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from momentumlab.floors import BELOW_FLOOR, PLAIN_LOSS, LossFloor, loss_floor
from momentumlab.landscape import Landscape, race_window
from momentumlab.palette import (DIVERGED_COLOR, PATH_COLOR, RunStyle, diverged_runs, final_states, layered_styles, race_order,
                                 run_styles)
from momentumlab.problems import LinearRegression, Problem
from momentumlab.render.artists import GlyphText
from momentumlab.render.engine import render_scene
from momentumlab.render.panels import (ClassBarsPanel, ContourPanel, DistancePanel, FitPanel, LossPanel, Panel,
                                       PlanePanel, RegionsPanel, SeriesPanel, SurfacePanel, head_look, line_look,
                                       reached_divergence, single_run_looks, visible_steps)
from momentumlab.render.panels import split_for_strip, stability_strip
from momentumlab.render.style import font_scale, margin_scale, new_figure, rc_context
from momentumlab.render.timeline import Arrows, Change, StepRibbon, arrow_legend, merged_changes, ribbon_cell
from momentumlab.runs import RunKey
from momentumlab.sampling import animation_steps
from momentumlab.trajectory import Trajectory

if TYPE_CHECKING:
    from momentumlab.config import Animation
    from momentumlab.model.frames import ModelRunView, PlaneView

SURFACE_RESOLUTION = 60
CONTOUR_RESOLUTION = 160
BACKDROPS_KEPT = 4
LANDSCAPES_KEPT = 16
LEGEND_MAX_HEIGHT = 0.35  # of the figure: the race and loss panels keep the rest

# Problems hash by value (a regression's data, by identity), so equal problems share a landscape.
kept_landscape = lru_cache(maxsize=LANDSCAPES_KEPT)(Landscape.build)


class Header:
    """The figure's title (static) and a status line with the current step (moving).

    The title is fitted left of the widest status the run will show, never below
    ``TITLE_MIN_PX`` × the canvas' font scale (14 px on a 960-pixel-wide canvas) and never cut
    with an ellipsis. By rule (:func:`title_candidates`): the whole title on one line, shrunk down to
    that size; else wrapped after the experiment's name; else with the parenthesised parts of the
    run's label dropped, on one line then wrapped; else wrapped at words onto as many lines as it needs.
    """

    def __init__(self, title: str, runs: Sequence[Trajectory], show_loss: bool, view: LossFloor = PLAIN_LOSS) -> None:
        self.title = title
        self.runs = runs
        self.show_loss = show_loss
        self.view = view  # the loss is shown as f − f* ("< 1e-12" below its floor) where f* is known
        self.total = max(run.steps for run in runs)

    def _loss_text(self, loss: float) -> str:
        floor = self.view.floor
        value = float(self.view.shown(loss))
        return f"{self.view.label} {BELOW_FLOOR if floor is not None and value <= floor else f'{value:.3g}'}"

    def _status(self, shown: int, loss: float | None) -> str:
        text = f"step {shown:>{len(f'{self.total:,}')},} / {self.total:,}"
        return text if loss is None else f"{text}  {self._loss_text(loss)}"

    def draw_static(self, figure: Figure) -> Text:
        """Title on the left, fitted to the room the status leaves; returns the title artist."""
        scale = font_scale(figure)
        self.status = GlyphText(figure, 0.988, 0.975, size=14 * scale, ha="right")
        widest = len(self._status(self.total, None))
        if self.show_loss:
            widest += 2 + max(len(self._loss_text(value)) for value in self.runs[0].loss)
        room = (0.988 - 0.012) * figure.bbox.width - self.status.width_for(widest + 2)
        title = figure.text(0.012, 0.985, self.title, ha="left", va="top", fontsize=16 * scale, fontweight="bold",
                            linespacing=1.05)
        fit_title(title, self.title, room, 16 * scale, title_minimum_points(figure))
        return title

    def update(self, step: int) -> list[Artist]:
        """``step k / T`` (and the loss for a single run)."""
        shown = max(visible_steps(run, step) for run in self.runs)
        loss = self.runs[0].loss[visible_steps(self.runs[0], step)] if self.show_loss else None
        self.status.set_text(self._status(shown, loss))
        diverged = any(reached_divergence(run, step) for run in self.runs) and self.show_loss
        self.status.set_facecolor(DIVERGED_COLOR if diverged else "black")
        return [self.status]


TITLE_MIN_PX = 14.0  # the smallest title, in pixels on a 960-pixel-wide canvas (scaled with the fonts)


def title_minimum_points(figure: Figure) -> float:
    """The title's minimum size in points: ``TITLE_MIN_PX`` scaled like every font of ``figure``."""
    return TITLE_MIN_PX * font_scale(figure) * 72.0 / figure.dpi


def title_candidates(title: str) -> list[str]:
    """The title's forms in order of preference: whole; wrapped after the experiment's name
    (the text before the first ": "); the run's part without its parenthesised asides, on one
    line then wrapped. The experiment's name is never shortened."""
    head, separator, tail = title.partition(": ")
    forms = [title]
    if separator:
        forms.append(f"{head}:\n{tail}")
        short = re.sub(r"\s*\([^()]*\)", "", tail).strip()
        if short and short != tail:
            forms += [f"{head}: {short}", f"{head}:\n{short}"]
    return forms


def fit_title(text: Text, title: str, room: float, size: float, minimum: float) -> None:
    """Set ``text`` to the first of :func:`title_candidates` that fits ``room`` pixels at a size
    between ``size`` and ``minimum`` points (the largest that fits); else wrap the shortest form at
    words so every line fits at ``minimum``."""
    renderer = text.figure.canvas.get_renderer()
    for form in title_candidates(title):
        text.set_text(form)
        fitted = size
        for _ in range(4):  # text width is nearly proportional to the size; hinting needs a retry or two
            text.set_fontsize(fitted)
            width = text.get_window_extent(renderer).width
            if width <= room:
                return
            fitted = min(fitted * 0.99, fitted * room / width * 0.99)
            if fitted < minimum:
                break
    text.set_fontsize(minimum)
    words, lines = title_candidates(title)[-1].replace("\n", " ").split(" "), [""]
    for word in words:
        trial = f"{lines[-1]} {word}".strip()
        text.set_text(trial)
        if lines[-1] and text.get_window_extent(renderer).width > room:
            lines.append(word)
        else:
            lines[-1] = trial
    text.set_text("\n".join(lines))


@dataclass
class Backdrop:
    """A figure with its shared panels drawn, and the pixels of that drawing."""

    figure: Figure
    axes: list[Axes | None]
    cells: list[SubplotSpec]
    pixels: Any = None

    @classmethod
    def draw(cls, figure: Figure, panels: Sequence[Panel], cells: Sequence[SubplotSpec]) -> "Backdrop":
        """Place and draw every shared panel; per-run panels only get their cell."""
        axes: list[Axes | None] = []
        for panel, cell in zip(panels, cells):
            if not panel.shared:
                axes.append(None)
                continue
            ax = figure.add_subplot(cell, projection=panel.projection)
            if panel.projection == "3d":
                # A 3-D axes draws well inside its box; let it use the margins around its cell.
                box = ax.get_position()
                ax.set_position((box.x0 - 0.06, box.y0 - 0.07, box.width + 0.08, box.height + 0.1))
            panel.draw_static(ax)
            axes.append(ax)
        figure.canvas.draw()
        return cls(figure, axes, list(cells), figure.canvas.copy_from_bbox(figure.bbox))


_backdrops: OrderedDict[Hashable, Backdrop] = OrderedDict()


def kept_backdrop(key: Hashable, build: Callable[[], Backdrop]) -> Backdrop:
    """The backdrop kept under ``key`` (everything its drawing depends on), else a new one;
    the ``BACKDROPS_KEPT`` most recently used are kept."""
    if key not in _backdrops:
        _backdrops[key] = build()
        while len(_backdrops) > BACKDROPS_KEPT:
            _backdrops.popitem(last=False)
    _backdrops.move_to_end(key)
    return _backdrops[key]


def clear_cache() -> None:
    """Forget every kept backdrop and landscape."""
    _backdrops.clear()
    kept_landscape.cache_clear()


@dataclass
class PanelScene:
    """A backdrop plus one render's panels, header and own static ``layers`` (the engine's ``Scene``)."""

    backdrop: Backdrop
    panels: list[Panel]
    header: Header
    last_step: int
    layers: list[Artist] = field(default_factory=list)

    @property
    def figure(self) -> Figure:
        """The (possibly kept) figure this scene draws on."""
        return self.backdrop.figure

    def update(self, step: int) -> list[Artist]:
        """Every moving artist, positioned for ``step``."""
        return [artist for updater in (*self.panels, self.header) for artist in updater.update(step)]

    def background(self) -> None:
        """Paint the backdrop and this render's static layers onto the canvas."""
        self.figure.canvas.restore_region(self.backdrop.pixels)
        for artist in self.layers:
            self.figure.draw_artist(artist)

    def close(self) -> None:
        """Take this render's layers off the (possibly kept) figure."""
        for artist in self.layers:
            artist.remove()
        self.layers = []


def panel_scene(backdrop: Backdrop, panels: Sequence[Panel], header: Header, last_step: int) -> PanelScene:
    """Add the per-run panels and the title to ``backdrop`` and attach every panel's artists."""
    figure = backdrop.figure
    scene = PanelScene(backdrop, list(panels), header, last_step)
    try:
        for panel, ax, cell in zip(panels, backdrop.axes, backdrop.cells):
            if ax is None:
                ax = figure.add_subplot(cell, projection=panel.projection)
                scene.layers.append(ax)
                panel.draw_static(ax)
            panel.attach(ax)
        scene.layers.append(header.draw_static(figure))
    except BaseException:
        scene.close()
        raise
    return scene


def run_scene(problem: Problem, trajectory: Trajectory, title: str, width: int, height: int,
              bound_note: str | None = None, color: str = PATH_COLOR, frames: int = 120, spacing: str = "log",
              changes: Sequence[Change] = (), arrows: Arrows | None = None) -> PanelScene:
    """The seed's 2×2 figure in the run's ``color``: surface, contour (equal aspect, a dot at each
    frame's step, ◆ at each schedule change, the velocity and −η∇f ``arrows``), fit or distance,
    loss; under the loss the stability strip when the run has stability ratios (or ``bound_note``,
    why it has none) and the canvas room for it; the step ribbon of the ``frames`` (``spacing``)
    below. A linear step axis when the frames are evenly spaced or a schedule changes the rate."""
    window = race_window(problem, [trajectory])  # the path fits, unless it diverged
    surface = kept_landscape(problem, window, SURFACE_RESOLUTION)
    contour = kept_landscape(problem, window, CONTOUR_RESOLUTION)
    regression = isinstance(problem, LinearRegression)
    last = len(trajectory.params) - 1
    steps = animation_steps(last, frames, spacing)
    linear = spacing == "linear" or bool(changes)
    third: Panel = FitPanel(problem, trajectory) if regression else DistancePanel(problem, trajectory, color, linear, changes)
    panels: list[Panel] = [
        SurfacePanel(surface, trajectory, color),
        ContourPanel(contour, [trajectory], [RunStyle(color=color, head_size=8.0)], divergence_note=True, dots=steps,
                     marks=[[step for step, _ in changes]], arrows=[arrows]),
        third,
        LossPanel([trajectory], [single_run_looks(color)], view=loss_floor(problem), linear_steps=linear, changes=changes),
        StepRibbon(steps, changes, spacing, color),
    ]
    strip = stability_strip(trajectory, panels[1], bound_note, height, color, linear, changes)  # type: ignore[arg-type]
    panels += [strip] if strip is not None else []

    def build() -> Backdrop:
        figure = new_figure(width, height)
        k = margin_scale(figure)
        left, right = 0.075 * k, 1 - 0.035 * k
        ribbon, above = ribbon_cell(figure, left, right, k)
        grid = figure.add_gridspec(2, 2, left=left, right=right, top=1 - 0.125 * k,
                                   bottom=min(above + 0.075 * k, 1 - 0.125 * k - 0.12), wspace=0.2 * k, hspace=0.42 * k)
        cells = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
        cells = split_for_strip(cells, hspace=1.35) if strip is not None else cells  # room for the loss axis label
        return Backdrop.draw(figure, panels, [*cells[:4], ribbon, *cells[4:]])  # the panels' order: ribbon, then strip

    start = tuple(float(v) for v in trajectory.params[0])
    backdrop = kept_backdrop(("run", problem, window, start, width, height, strip is not None), build)
    header = Header(title, [trajectory], show_loss=True, view=loss_floor(problem))
    scene = panel_scene(backdrop, panels, header, last_step=last)
    if arrows is not None:  # the arrows' key, in the contour panel's lower left corner
        ax = backdrop.axes[1]
        scene.layers.append(fit_width(ax, ax.text(0.01, 0.02, arrow_legend(), transform=ax.transAxes, ha="left",
                                                  va="bottom", fontsize="small", color="#222222", zorder=9,
                                                  bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                                        "edgecolor": "none", "alpha": 0.8})))
    return scene


def fitting_legend(figure: Figure, handles: list[Line2D], labels: list[str], bottom: float = 0.0) -> Legend:
    """The race legend along the bottom (above ``bottom``, a figure fraction), in as many columns (up to 4) as fit the figure.

    It must fit the width and stay below ``LEGEND_MAX_HEIGHT`` of the height; when no
    column count fits (many runs on a tiny canvas), the text shrinks until one does.
    """
    renderer = figure.canvas.get_renderer()
    base = FontProperties(size=rcParams["legend.fontsize"]).get_size_in_points()
    for scale in (1.0, 0.85, 0.7, 0.55, 0.45):
        for columns in range(min(len(labels), 4), 0, -1):
            legend = figure.legend(handles, labels, loc="lower center", ncols=columns, frameon=False,
                                   bbox_to_anchor=(0.5, bottom), handlelength=2.6, columnspacing=1.6,
                                   fontsize=base * scale)
            box = legend.get_window_extent(renderer)
            if box.width <= 0.98 * figure.bbox.width and box.height <= LEGEND_MAX_HEIGHT * figure.bbox.height:
                return legend
            legend.remove()
    return figure.legend(handles, labels, loc="lower center", ncols=min(len(labels), 4), frameon=False,
                         bbox_to_anchor=(0.5, bottom), handlelength=1.6, columnspacing=0.8, fontsize=base * 0.45)


def race_handles(styles: Iterable[RunStyle]) -> list[Line2D]:
    """Legend proxies of a race's runs: each line with its head (hollow for TensorFlow)."""
    return [
        Line2D([], [], color=s.color, linestyle=s.linestyle, linewidth=s.linewidth, marker="o",
               markersize=s.head_size * 0.8, markerfacecolor="none" if s.hollow else s.color,
               markeredgecolor=s.color if s.hollow else "white", markeredgewidth=1.6 if s.hollow else 1.0)
        for s in styles
    ]


def compare_scene(problem: Problem, runs: Mapping[RunKey, Trajectory], title: str, width: int, height: int,
                  frames: int = 120, spacing: str = "log", changes: Mapping[RunKey, Sequence[Change]] | None = None,
                  badge: str | None = None, colors: Mapping[str, str] | None = None) -> PanelScene:
    """Every run racing on one contour (equal aspect, a dot at each frame's step, ◆ at each run's
    schedule ``changes``), next to their loss curves, with a legend and the step ribbon below and
    the backends' agreement ``badge`` (if any) on the contour. ``colors``: optimizer name → colour
    (default: ``palette.optimizer_colors`` of the runs)."""
    if not runs:
        raise ValueError("render_compare needs at least one run")
    changes = changes or {}
    figure = new_figure(width, height)
    contour = kept_landscape(problem, race_window(problem, runs.values()), CONTOUR_RESOLUTION)
    finals = final_states(runs)
    order = race_order(finals)
    styles = layered_styles(run_styles(runs, colors), order, diverged_runs(finals))  # legend in the config's order
    drawn = [runs[key] for key in order]
    drawn_styles = [styles[key] for key in order]
    last = max(len(run.params) for run in runs.values()) - 1
    steps = animation_steps(last, frames, spacing)
    merged = merged_changes([changes.get(key, ()) for key in runs])
    linear = spacing == "linear" or bool(merged)
    loss_looks = [(line_look(s), head_look(s, size_offset=-1.0, hollow_edge=1.8, solid_edge=1.0)) for s in drawn_styles]
    panels: list[Panel] = [
        ContourPanel(contour, drawn, drawn_styles, dots=steps, marks=[[c for c, _ in changes.get(key, ())] for key in order]),
        LossPanel(drawn, loss_looks, shared=True, view=loss_floor(problem), linear_steps=linear, changes=merged),
        StepRibbon(steps, merged, spacing),
    ]
    k = margin_scale(figure)
    left, right = 0.075 * k + 0.02 * (k - 1), 1 - 0.035 * k
    ribbon, above = ribbon_cell(figure, left, right, k)
    legend = fitting_legend(figure, race_handles(styles.values()), [key.display for key in styles], above - 0.02 * k)
    bottom = above + legend.get_window_extent().height / figure.bbox.height + 0.1 * k
    # A tall legend (many long labels on a tiny canvas) may overlap the panels rather than leave them no height.
    bottom = min(bottom, 1 - 0.105 * k - 0.15)
    # small canvases need a little more than the scaled margin for tick labels such as "−0.8"
    grid = figure.add_gridspec(1, 2, left=left, right=right, top=1 - 0.105 * k,
                               bottom=bottom, wspace=0.22 * k, width_ratios=[1.15, 1.0])
    backdrop = Backdrop.draw(figure, panels, [grid[0, 0], grid[0, 1], ribbon])
    header = Header(title, list(runs.values()), show_loss=False)
    scene = panel_scene(backdrop, panels, header, last_step=last)
    if badge:
        scene.layers.append(agreement_mark(backdrop.axes[0], badge))
    return scene


def agreement_mark(ax: Axes, badge: str) -> Text:
    """The backends' agreement as a badge in the top right corner of ``ax`` (a scene layer)."""
    return fit_width(ax, ax.text(0.98, 0.98, badge, transform=ax.transAxes, ha="right", va="top", fontsize="small",
                                 fontweight="bold", color="#1B5E20", zorder=9,
                                 bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#1B5E20",
                                       "alpha": 0.92}))


def fit_width(ax: Axes, text: Text, share: float = 0.96) -> Text:
    """``text`` (a note inside ``ax``) with its font shrunk until its box fits ``share`` of the axes' width."""
    renderer = ax.figure.canvas.get_renderer()
    room = share * ax.get_position().width * ax.figure.bbox.width
    width = text.get_window_extent(renderer).width
    if width > room:
        text.set_fontsize(text.get_fontsize() * room / width)
    return text


def render_run(problem: Problem, trajectory: Trajectory, title: str, settings: "Animation",
               outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
               color: str = PATH_COLOR, changes: Sequence[Change] = (), arrows: Arrows | None = None,
               bound_note: str | None = None) -> None:
    """Animate one run in the seed's 2×2 panels (``run_scene``) into ``outputs`` (format → path) and
    ``poster`` (``bound_note``: what its stability strip says when the run has no stability ratios)."""
    with rc_context(settings.width, settings.height):
        scene = run_scene(problem, trajectory, title, settings.width, settings.height, bound_note, color,
                          settings.frames, settings.spacing, changes, arrows if settings.arrows else None)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def render_compare(problem: Problem, runs: Mapping[RunKey, Trajectory], title: str, settings: "Animation",
                   outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
                   changes: Mapping[RunKey, Sequence[Change]] | None = None, badge: str | None = None,
                   colors: Mapping[str, str] | None = None) -> None:
    """Animate every run of an experiment racing on one contour (``compare_scene``; an optimizer's
    numpy and TensorFlow runs share a colour and differ in line style)."""
    with rc_context(settings.width, settings.height):
        scene = compare_scene(problem, runs, title, settings.width, settings.height, settings.frames, settings.spacing,
                              changes, badge, colors)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def _model_styles(views: Sequence["ModelRunView"]) -> dict[RunKey, RunStyle]:
    """Run styles in drawing order: the race's order by final training loss, slow runs on top."""
    finals = {view.key: (view.diverged_at is not None, float(view.path.loss[-1])) for view in views}
    return layered_styles(run_styles(finals), race_order(finals), diverged_runs(finals))


def model_race_scene(plane: "PlaneView", views: Sequence["ModelRunView"], title: str, width: int,
                     height: int, best: RunKey | None = None, frames: int = 120, spacing: str = "log",
                     badge: str | None = None) -> PanelScene:
    """Every model run (seed 0) on the experiment's shared loss plane, ★ on the end of ``best`` (the
    best run by the rule, if any), next to the true training loss of each run (with the min–max
    band over its paired seeds) and its distance from the plane, with a legend and the step ribbon
    below and the backends' agreement ``badge`` (if any) on the plane."""
    if not views:
        raise ValueError("model_race_scene needs at least one run")
    figure = new_figure(width, height)
    styles = _model_styles(views)
    order = race_order({view.key: (view.diverged_at is not None, float(view.path.loss[-1])) for view in views})
    by_key = {view.key: view for view in views}
    drawn = [by_key[key] for key in order]
    drawn_styles = [styles[key] for key in order]
    looks = [(line_look(s), head_look(s, size_offset=-1.0, hollow_edge=1.8, solid_edge=1.0)) for s in drawn_styles]
    best_end = next((view.coordinates[-1] for view in views if view.key == best), None)
    bands = [None if view.seed_train_loss is None or len(view.seed_train_loss) < 2 else
             (view.per_step(view.seed_train_loss.min(axis=0)), view.per_step(view.seed_train_loss.max(axis=0)))
             for view in drawn]
    seeds = max((len(view.seed_train_loss) for view in views if view.seed_train_loss is not None), default=1)
    label = "training loss (true)" if seeds < 2 else f"train loss, {seeds}-seed band"
    last = max(len(view.path.params) for view in views) - 1
    steps = animation_steps(last, frames, spacing)
    panels: list[Panel] = [
        PlanePanel(plane, [view.path for view in drawn], drawn_styles, best_end=best_end, dots=steps),
        SeriesPanel([view.path for view in drawn], looks, label, shared=True, bands=bands),
        SeriesPanel([view.series(view.off_plane) for view in drawn], looks, "distance from the plane", shared=True,
                    limits=(0.0, 1.08 * max(float(np.nanmax(view.off_plane)) for view in views) or 1.0)),
        StepRibbon(steps, (), spacing),
    ]
    k = margin_scale(figure)
    left, right = 0.075 * k, 1 - 0.035 * k
    ribbon, above = ribbon_cell(figure, left, right, k)
    legend = fitting_legend(figure, race_handles(styles.values()), [key.display for key in styles], above - 0.02 * k)
    bottom = min(above + legend.get_window_extent().height / figure.bbox.height + 0.1 * k, 1 - 0.105 * k - 0.3)
    grid = figure.add_gridspec(2, 2, left=left, right=right, top=1 - 0.105 * k, bottom=bottom,
                               wspace=0.25 * k, hspace=0.35 * k, width_ratios=[1.15, 1.0])
    backdrop = Backdrop.draw(figure, panels, [grid[:, 0], grid[0, 1], grid[1, 1], ribbon])
    header = Header(title, [view.path for view in views], show_loss=False)
    scene = panel_scene(backdrop, panels, header, last_step=last)
    if badge:
        scene.layers.append(agreement_mark(backdrop.axes[0], badge))
    return scene


def model_run_scene(plane: "PlaneView", view: "ModelRunView", title: str, width: int, height: int,
                    window: tuple[float, float, float, float] | None = None,
                    data: Mapping[str, Any] | None = None, color: str = PATH_COLOR, frames: int = 120,
                    spacing: str = "log") -> PanelScene:
    """One model run in 2×2 panels, in its optimizer's ``color``: its path on the loss plane (with its
    distance from the plane, a dot at each frame's step), the decision regions (two input features,
    ``window`` and ``data`` given) or per-class test accuracy, train and test loss, train and test
    accuracy; the step ribbon below."""
    figure = new_figure(width, height)
    solid, head = single_run_looks(color)
    dashed = replace(solid, dashes=(3.0, 2.0))
    steps = animation_steps(len(view.path.params) - 1, frames, spacing)
    third: Panel = RegionsPanel(view, window, data) if view.regions is not None else ClassBarsPanel(view)
    panels: list[Panel] = [
        PlanePanel(plane, [view.path], [RunStyle(color=color, head_size=8.0)], off_plane=view.per_step(view.off_plane),
                   dots=steps),
        third,
        SeriesPanel([view.path, view.series(view.test_loss)], [(solid, head), (dashed, head)],
                    "loss (— train, - - test)", marks=_lowest_test(view)),
        SeriesPanel([view.series(view.train_accuracy), view.series(view.test_accuracy)], [(solid, head), (dashed, head)],
                    "accuracy (— train, - - test)", limits=(0.0, 1.02), percent=True),
        StepRibbon(steps, (), spacing, color),
    ]
    k = margin_scale(figure)
    left, right = 0.085 * k, 1 - 0.035 * k
    ribbon, above = ribbon_cell(figure, left, right, k)
    grid = figure.add_gridspec(2, 2, left=left, right=right, top=1 - 0.125 * k,
                               bottom=min(above + 0.075 * k, 1 - 0.125 * k - 0.12), wspace=0.24 * k, hspace=0.42 * k)
    backdrop = Backdrop.draw(figure, panels, [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1], ribbon])
    header = Header(title, [view.series(view.train_loss, held=True)], show_loss=True)
    return panel_scene(backdrop, panels, header, last_step=len(view.path.params) - 1)


def _lowest_test(view: "ModelRunView") -> list[tuple[float, float, str, str]]:
    """▼ at the recorded step of the run's lowest test loss, named (none when no test loss is finite)."""
    test = np.where(np.isfinite(view.test_loss), view.test_loss, np.inf)
    if not np.isfinite(test).any():
        return []
    k = int(np.argmin(test))
    return [(float(view.steps_recorded[k]), float(test[k]), "white", f"lowest test loss: step {int(view.steps_recorded[k])}")]


def render_model_race(plane: "PlaneView", views: Sequence["ModelRunView"], title: str, settings: "Animation",
                      outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
                      best: RunKey | None = None, badge: str | None = None) -> None:
    """Animate every run of a model experiment on its shared loss plane (``model_race_scene``)."""
    with rc_context(settings.width, settings.height):
        scene = model_race_scene(plane, views, title, settings.width, settings.height, best, settings.frames,
                                 settings.spacing, badge)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def render_model_run(plane: "PlaneView", view: "ModelRunView", title: str, settings: "Animation",
                     outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
                     window: tuple[float, float, float, float] | None = None,
                     data: Mapping[str, Any] | None = None, color: str = PATH_COLOR) -> None:
    """Animate one model run (``model_run_scene``) in its optimizer's ``color``."""
    with rc_context(settings.width, settings.height):
        scene = model_run_scene(plane, view, title, settings.width, settings.height, window, data, color,
                                settings.frames, settings.spacing)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)
