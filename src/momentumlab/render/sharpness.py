"""The sharpness figure of a model experiment: each run's top Hessian eigenvalue over steps against its threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import matplotlib

from momentumlab.files import atomic_path
from momentumlab.palette import RUN_COLORS
from momentumlab.render.style import DPI, new_figure, scaled_rc


def render_sharpness(rows: Sequence[Mapping[str, Any]], path: str | Path, title: str,
                     width: int = 1100, height: int = 520) -> None:
    """Write the sharpness of every run in ``rows`` (each: ``label`` and the ``sharpness`` record of
    ``model.run.sharpness_record``; ``color``, its optimizer's colour, else one by position) over steps
    (a dot at each record), with
    each full-batch run's threshold as a dashed line of its colour and the ±band as a light
    stripe; a run without a threshold (minibatch) is drawn alone, its legend entry saying so."""
    with matplotlib.rc_context(scaled_rc(width, height)):
        figure = new_figure(width, height)
        figure.set_layout_engine("constrained")
        ax = figure.subplots()
        for index, row in enumerate(rows):
            record, colour = row["sharpness"], row.get("color") or RUN_COLORS[index % len(RUN_COLORS)]
            limit = record["threshold"]
            if limit is None:
                ax.plot(record["steps"], record["values"], "-", color=colour, linewidth=2.0,
                        label=f"{row['label']} (minibatch: no threshold)")
                continue
            ax.plot(record["steps"], record["values"], "-", marker="o", markersize=3, color=colour, linewidth=2.0,
                    label=row["label"])
            ax.axhline(limit, color=colour, linestyle="--", linewidth=1.4,
                       label=f"{row['label']} threshold {record['formula']} = {limit:.3g}")
            band = record["band"]
            ax.axhspan(limit * (1 - band), limit * (1 + band), color=colour, alpha=0.08, linewidth=0)
        ax.set_xlabel("step")
        ax.set_ylabel("sharpness λmax(∇²L)")
        ax.set_ylim(bottom=0.0)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize="small", ncols=2)
        with atomic_path(path) as tmp:
            figure.savefig(tmp, dpi=DPI, format="png")
