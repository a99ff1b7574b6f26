"""The modes still: each run's error along the Hessian's eigenvectors, measured and by the exact iteration.

One panel per run (``theory.mode_runs``): |c_i(t)| of the slowest and the stiffest mode on a log
scale (solid), the exact iteration's powers of each mode's 2 × 2 map (dashed black on top) and
ρ_i^t·|c_i(0)| (dotted), the eigenvalue alone, which misses the transient at critical damping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from momentumlab.files import atomic_path
from momentumlab.modes import ModeRun
from momentumlab.palette import MODE_COLORS
from momentumlab.render.style import new_figure, scaled_rc
from momentumlab.render.titles import fit_titles, space_panels

Array = np.ndarray


def _panel_title(mode: ModeRun) -> str:
    """The run's label over its (η, μ), leaving out what the label already says ("heavy ball, η = 0.004")."""
    values = [f"η = {mode.lr:.3g}"] if "η" not in mode.label else []
    if mode.method != "sgd" and "μ" not in mode.label:
        values.append(f"μ = {mode.momentum:.3g}")
    return "\n".join([mode.label, ", ".join(values)]) if values else mode.label


def _above(values: Array, floor: float) -> Array:
    """|values|, NaN (not drawn) at and below ``floor``: rounding, not the iteration."""
    magnitude = np.abs(values)
    return np.where(magnitude > floor, magnitude, np.nan)


def modes_figure(modes: Sequence[ModeRun], title: str, floor: float, width: int = 1280, height: int = 520) -> Figure:
    """The modes figure (see :func:`render_modes`); call inside ``scaled_rc(width, height)``."""
    figure = new_figure(width, height)
    axes = np.atleast_1d(figure.subplots(1, max(1, len(modes)), sharey=False))
    for ax, mode in zip(axes, modes):
        steps = np.arange(len(mode.measured))
        top = float(np.max(np.abs(mode.measured)))
        for i, color in enumerate(MODE_COLORS):
            start = abs(float(mode.measured[0, i]))
            ax.plot(steps, _above(mode.measured[:, i], floor), color=color, linewidth=2.2)
            ax.plot(steps, _above(mode.predicted[:, i], floor), color="black", linewidth=1.0, dashes=(3.0, 3.0))
            if start > 0:
                ax.plot(steps, _above(start * mode.radii[i] ** steps.astype(float), floor), color=color,
                        linewidth=1.4, linestyle=":", alpha=0.9)
        shown = np.flatnonzero((np.abs(mode.measured) > floor).any(axis=1))
        last = int(shown[-1]) if shown.size else int(steps[-1])
        ax.set_yscale("log")
        ax.set_ylim(floor, max(top, floor) * 3.0)
        ax.set_xlim(0, max(10, min(int(steps[-1]), int(last * 1.05) + 1)))  # to where the error reaches rounding
        ax.set_xlabel("step")
    axes[0].set_ylabel("|error along the eigenvector| (log)")
    lows, highs = modes[0].curvatures if modes else (np.nan, np.nan)
    handles = [
        Line2D([], [], color=MODE_COLORS[0], linewidth=2.2, label=f"slowest mode, λ = {lows:.4g} (measured)"),
        Line2D([], [], color=MODE_COLORS[1], linewidth=2.2, label=f"stiffest mode, λ = {highs:.4g} (measured)"),
        Line2D([], [], color="black", linewidth=1.0, dashes=(3.0, 3.0),
               label="exact iteration: powers of the mode's 2 × 2 map"),
        Line2D([], [], color="grey", linewidth=1.4, linestyle=":", label="ρᵗ·|c(0)|: the spectral radius alone"),
    ]
    figure.legend(handles=handles, loc="lower center", ncols=2, frameon=False, bbox_to_anchor=(0.5, 0.0))
    heading = figure.suptitle(title, fontweight="bold")
    figure.subplots_adjust(left=0.07, right=0.985, top=0.80, bottom=0.27, wspace=0.28)
    space_panels(figure, list(axes[: len(modes)]))  # tick labels clear of the next panel's
    fit_titles(figure, list(axes[: len(modes)]), [_panel_title(mode) for mode in modes], heading)  # wrapped, never overlapping
    return figure


def render_modes(modes: Sequence[ModeRun], path: str | Path, title: str, floor: float,
                 width: int = 1280, height: int = 520) -> None:
    """Write the modes PNG: one log-scale panel per run, a shared legend below; errors at or below
    ``floor`` (``floors.distance_floor`` of the optimum) are rounding and are not drawn. Panel titles
    wrap to their panel (``render.titles.fit_titles``)."""
    with matplotlib.rc_context(scaled_rc(width, height)):
        figure = modes_figure(modes, title, floor, width, height)
        with atomic_path(path) as temp:
            figure.savefig(temp, dpi=figure.dpi, metadata={"Software": None})
