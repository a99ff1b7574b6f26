"""The animated figures built from panels: one run's 2×2 figure and an experiment's race.

A figure's shared panels (surface, contour, data) depend only on the problem, the plot
window and the start, which every run of an experiment has in common. They are drawn once
into a ``Backdrop`` whose pixels are kept; each run then draws only its own panels (loss,
distance) and title over a copy of those pixels. A scene built from a kept backdrop is
therefore pixel-identical to one built from a fresh figure.
"""

from __future__ import annotations

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
from momentumlab.palette import (DIVERGED_COLOR, PATH_COLOR, RunStyle, final_states, layered_styles, race_order,
                                 run_styles)
from momentumlab.problems import LinearRegression, Problem
from momentumlab.render.artists import GlyphText
from momentumlab.render.engine import render_scene
from momentumlab.render.panels import (ClassBarsPanel, ContourPanel, DistancePanel, FitPanel, LossPanel, Panel,
                                       PlanePanel, RegionsPanel, SeriesPanel, SurfacePanel, head_look, line_look,
                                       reached_divergence, single_run_looks, visible_steps)
from momentumlab.render.panels import split_for_strip, stability_strip
from momentumlab.render.style import font_scale, margin_scale, new_figure, rc_context
from momentumlab.runs import RunKey
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

    The title's font shrinks until it fits left of the widest status the run will show
    (down to 60 %; beyond that it is cut with an ellipsis), so the two never overlap.
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
        """Title on the left, sized to the room the status leaves; returns the title artist."""
        scale = font_scale(figure)
        self.status = GlyphText(figure, 0.988, 0.975, size=14 * scale, ha="right")
        widest = len(self._status(self.total, None))
        if self.show_loss:
            widest += 2 + max(len(self._loss_text(value)) for value in self.runs[0].loss)
        width = figure.bbox.width
        room = (0.988 - 0.012) * width - self.status.width_for(widest + 2)
        size = 16 * scale
        title = figure.text(0.012, 0.985, self.title, ha="left", va="top", fontsize=size, fontweight="bold")
        renderer = figure.canvas.get_renderer()
        for _ in range(4):
            extent = title.get_window_extent(renderer).width
            if extent <= room or size <= 9.6 * scale:
                break
            size = max(size * room / extent * 0.98, 9.6 * scale)
            title.set_fontsize(size)
        text = self.title
        while title.get_window_extent(renderer).width > room and len(text) > 1:
            text = text[:-1]
            title.set_text(text.rstrip() + "…")
        return title

    def update(self, step: int) -> list[Artist]:
        """``step k / T`` (and the loss for a single run)."""
        shown = max(visible_steps(run, step) for run in self.runs)
        loss = self.runs[0].loss[visible_steps(self.runs[0], step)] if self.show_loss else None
        self.status.set_text(self._status(shown, loss))
        diverged = any(reached_divergence(run, step) for run in self.runs) and self.show_loss
        self.status.set_facecolor(DIVERGED_COLOR if diverged else "black")
        return [self.status]


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
              bound_note: str | None = None) -> PanelScene:
    """The seed's 2×2 figure: surface, contour, fit or distance, loss; under the loss the stability
    strip when the run has stability ratios (or ``bound_note``, why it has none) and the canvas room for it."""
    window = race_window(problem, [trajectory])  # the path fits, unless it diverged
    surface = kept_landscape(problem, window, SURFACE_RESOLUTION)
    contour = kept_landscape(problem, window, CONTOUR_RESOLUTION)
    regression = isinstance(problem, LinearRegression)
    third: Panel = FitPanel(problem, trajectory) if regression else DistancePanel(problem, trajectory)
    panels: list[Panel] = [
        SurfacePanel(surface, trajectory),
        ContourPanel(contour, [trajectory], [RunStyle(color=PATH_COLOR, head_size=8.0)], divergence_note=True),
        third,
        LossPanel([trajectory], [single_run_looks()], view=loss_floor(problem)),
    ]
    strip = stability_strip(trajectory, panels[1], bound_note, height)  # type: ignore[arg-type]
    panels += [strip] if strip is not None else []

    def build() -> Backdrop:
        figure = new_figure(width, height)
        k = margin_scale(figure)
        grid = figure.add_gridspec(2, 2, left=0.075 * k, right=1 - 0.035 * k, top=1 - 0.125 * k, bottom=0.095 * k,
                                   wspace=0.2 * k, hspace=0.42 * k)
        cells = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
        return Backdrop.draw(figure, panels, split_for_strip(cells) if strip is not None else cells)

    start = tuple(float(v) for v in trajectory.params[0])
    backdrop = kept_backdrop(("run", problem, window, start, width, height, strip is not None), build)
    header = Header(title, [trajectory], show_loss=True, view=loss_floor(problem))
    return panel_scene(backdrop, panels, header, last_step=len(trajectory.params) - 1)


def fitting_legend(figure: Figure, handles: list[Line2D], labels: list[str]) -> Legend:
    """The race legend along the bottom, in as many columns (up to 4) as fit the figure.

    It must fit the width and stay below ``LEGEND_MAX_HEIGHT`` of the height; when no
    column count fits (many runs on a tiny canvas), the text shrinks until one does.
    """
    renderer = figure.canvas.get_renderer()
    base = FontProperties(size=rcParams["legend.fontsize"]).get_size_in_points()
    for scale in (1.0, 0.85, 0.7, 0.55, 0.45):
        for columns in range(min(len(labels), 4), 0, -1):
            legend = figure.legend(handles, labels, loc="lower center", ncols=columns, frameon=False,
                                   bbox_to_anchor=(0.5, 0.0), handlelength=2.6, columnspacing=1.6,
                                   fontsize=base * scale)
            box = legend.get_window_extent(renderer)
            if box.width <= 0.98 * figure.bbox.width and box.height <= LEGEND_MAX_HEIGHT * figure.bbox.height:
                return legend
            legend.remove()
    return figure.legend(handles, labels, loc="lower center", ncols=min(len(labels), 4), frameon=False,
                         bbox_to_anchor=(0.5, 0.0), handlelength=1.6, columnspacing=0.8, fontsize=base * 0.45)


def race_handles(styles: Iterable[RunStyle]) -> list[Line2D]:
    """Legend proxies of a race's runs: each line with its head (hollow for TensorFlow)."""
    return [
        Line2D([], [], color=s.color, linestyle=s.linestyle, linewidth=s.linewidth, marker="o",
               markersize=s.head_size * 0.8, markerfacecolor="none" if s.hollow else s.color,
               markeredgecolor=s.color if s.hollow else "white", markeredgewidth=1.6 if s.hollow else 1.0)
        for s in styles
    ]


def compare_scene(problem: Problem, runs: Mapping[RunKey, Trajectory], title: str, width: int, height: int) -> PanelScene:
    """Every run racing on one contour, next to their loss curves, with a legend below."""
    if not runs:
        raise ValueError("render_compare needs at least one run")
    figure = new_figure(width, height)
    contour = kept_landscape(problem, race_window(problem, runs.values()), CONTOUR_RESOLUTION)
    order = race_order(final_states(runs))
    styles = layered_styles(run_styles(runs), order)  # legend in the config's order
    drawn = [runs[key] for key in order]
    drawn_styles = [styles[key] for key in order]
    loss_looks = [(line_look(s), head_look(s, size_offset=-1.0, hollow_edge=1.8, solid_edge=1.0)) for s in drawn_styles]
    panels: list[Panel] = [ContourPanel(contour, drawn, drawn_styles), LossPanel(drawn, loss_looks, shared=True, view=loss_floor(problem))]
    legend = fitting_legend(figure, race_handles(styles.values()), [key.display for key in styles])
    k = margin_scale(figure)
    bottom = legend.get_window_extent().height / figure.bbox.height + 0.11 * k
    # A tall legend (many long labels on a tiny canvas) may overlap the panels rather than leave them no height.
    bottom = min(bottom, 1 - 0.105 * k - 0.15)
    # small canvases need a little more than the scaled margin for tick labels such as "−0.8"
    grid = figure.add_gridspec(1, 2, left=0.075 * k + 0.02 * (k - 1), right=1 - 0.035 * k, top=1 - 0.105 * k,
                               bottom=bottom, wspace=0.22 * k, width_ratios=[1.15, 1.0])
    backdrop = Backdrop.draw(figure, panels, [grid[0, 0], grid[0, 1]])
    header = Header(title, list(runs.values()), show_loss=False)
    last = max(len(run.params) for run in runs.values()) - 1
    return panel_scene(backdrop, panels, header, last_step=last)


def render_run(problem: Problem, trajectory: Trajectory, title: str, settings: "Animation",
               outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
               bound_note: str | None = None) -> None:
    """Animate one run in the seed's 2×2 panels into ``outputs`` (format → path) and ``poster``
    (``bound_note``: what its stability strip says when the run has no stability ratios)."""
    with rc_context(settings.width, settings.height):
        scene = run_scene(problem, trajectory, title, settings.width, settings.height, bound_note)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def render_compare(problem: Problem, runs: Mapping[RunKey, Trajectory], title: str, settings: "Animation",
                   outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False) -> None:
    """Animate every run of an experiment racing on one contour (an optimizer's
    numpy and TensorFlow runs share a colour and differ in line style)."""
    with rc_context(settings.width, settings.height):
        scene = compare_scene(problem, runs, title, settings.width, settings.height)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def _model_styles(views: Sequence["ModelRunView"]) -> dict[RunKey, RunStyle]:
    """Run styles in drawing order: the race's order by final training loss, slow runs on top."""
    finals = {view.key: (view.diverged_at is not None, float(view.path.loss[-1])) for view in views}
    return layered_styles(run_styles(finals), race_order(finals))


def model_race_scene(plane: "PlaneView", views: Sequence["ModelRunView"], title: str, width: int,
                     height: int, best: RunKey | None = None) -> PanelScene:
    """Every model run (seed 0) on the experiment's shared loss plane, ★ on the end of ``best`` (the
    best run by the rule, if any), next to the true training loss of each run (with the min–max
    band over its paired seeds) and its distance from the plane, with a legend below."""
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
    panels: list[Panel] = [
        PlanePanel(plane, [view.path for view in drawn], drawn_styles, best_end=best_end),
        SeriesPanel([view.path for view in drawn], looks, label, shared=True, bands=bands),
        SeriesPanel([view.series(view.off_plane) for view in drawn], looks, "distance from the plane", shared=True,
                    limits=(0.0, 1.08 * max(float(np.nanmax(view.off_plane)) for view in views) or 1.0)),
    ]
    legend = fitting_legend(figure, race_handles(styles.values()), [key.display for key in styles])
    k = margin_scale(figure)
    bottom = min(legend.get_window_extent().height / figure.bbox.height + 0.11 * k, 1 - 0.105 * k - 0.3)
    grid = figure.add_gridspec(2, 2, left=0.075 * k, right=1 - 0.035 * k, top=1 - 0.105 * k, bottom=bottom,
                               wspace=0.25 * k, hspace=0.35 * k, width_ratios=[1.15, 1.0])
    backdrop = Backdrop.draw(figure, panels, [grid[:, 0], grid[0, 1], grid[1, 1]])
    header = Header(title, [view.path for view in views], show_loss=False)
    return panel_scene(backdrop, panels, header, last_step=max(len(view.path.params) for view in views) - 1)


def model_run_scene(plane: "PlaneView", view: "ModelRunView", title: str, width: int, height: int,
                    window: tuple[float, float, float, float] | None = None,
                    data: Mapping[str, Any] | None = None) -> PanelScene:
    """One model run in 2×2 panels: its path on the loss plane (with its distance from the plane),
    the decision regions (two input features, ``window`` and ``data`` given) or per-class test
    accuracy, train and test loss, train and test accuracy."""
    figure = new_figure(width, height)
    solid, head = single_run_looks()
    dashed = replace(solid, dashes=(3.0, 2.0))
    third: Panel = RegionsPanel(view, window, data) if view.regions is not None else ClassBarsPanel(view)
    panels: list[Panel] = [
        PlanePanel(plane, [view.path], [RunStyle(color=PATH_COLOR, head_size=8.0)], off_plane=view.per_step(view.off_plane)),
        third,
        SeriesPanel([view.path, view.series(view.test_loss)], [(solid, head), (dashed, head)],
                    "loss (— train, - - test)", marks=_lowest_test(view)),
        SeriesPanel([view.series(view.train_accuracy), view.series(view.test_accuracy)], [(solid, head), (dashed, head)],
                    "accuracy (— train, - - test)", limits=(0.0, 1.02), percent=True),
    ]
    k = margin_scale(figure)
    grid = figure.add_gridspec(2, 2, left=0.085 * k, right=1 - 0.035 * k, top=1 - 0.125 * k, bottom=0.095 * k,
                               wspace=0.24 * k, hspace=0.42 * k)
    backdrop = Backdrop.draw(figure, panels, [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]])
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
                      best: RunKey | None = None) -> None:
    """Animate every run of a model experiment on its shared loss plane (``model_race_scene``)."""
    with rc_context(settings.width, settings.height):
        scene = model_race_scene(plane, views, title, settings.width, settings.height, best)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def render_model_run(plane: "PlaneView", view: "ModelRunView", title: str, settings: "Animation",
                     outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = False,
                     window: tuple[float, float, float, float] | None = None,
                     data: Mapping[str, Any] | None = None) -> None:
    """Animate one model run (``model_run_scene``)."""
    with rc_context(settings.width, settings.height):
        scene = model_run_scene(plane, view, title, settings.width, settings.height, window, data)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)
