"""``sweep``: one method's learning-rate × momentum grid on the pipeline's sweep functions."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from momentumlab.api.arguments import SWEEP_ARGUMENTS, entry, parse_experiment, require
from momentumlab.api.display import data_uri, image_output, progress
from momentumlab.api.race import build_problem
from momentumlab.config import Experiment
from momentumlab.problems import Problem
from momentumlab.sweep import SweepGrid, SweepResult

CHUNKS = 8  # the grid runs in this many pieces so the progress bar moves
SWEPT = "swept"  # the config optimizer that carries the method's options through validation


@dataclass
class Sweep:
    """A gathered sweep of one experiment: ``result`` holds the grids [momentum][lr]."""

    experiment: Experiment
    problem: Problem
    grid: SweepGrid
    result: SweepResult

    def best(self) -> dict[str, float] | None:
        """The best cell's learning rate and momentum by the best-run rule (None if every run diverged)."""
        cell = self.result.best()
        if cell is None:
            return None
        return {"lr": float(self.result.lr[cell[1]]), "momentum": float(self.result.momentum[cell[0]])}

    def heatmap_png(self) -> bytes:
        """The report's two-panel heatmap as PNG bytes."""
        from momentumlab.render.media import render_sweep_media

        with tempfile.TemporaryDirectory(prefix="momentumlab-api-") as folder:
            path = Path(folder) / "sweep.png"
            # the placeholder optimizer that carried the method through validation is no point to mark
            render_sweep_media(replace(self.experiment, optimizers=()), self.problem, self.result, path)
            return path.read_bytes()

    def figure(self) -> Any:
        """The heatmap as an inline image."""
        return image_output(self.heatmap_png())

    def explorer(self) -> Any:
        """The report's interactive explorer (a click plays that cell's run), offline in the cell."""
        from momentumlab.api.explorer import explorer_output

        return explorer_output(self.experiment, self.problem, self.result)

    def _repr_html_(self) -> str:
        from momentumlab.api.explorer import explorer_html

        image = data_uri(self.heatmap_png(), "image/png")
        return (f'<img src="{image}" alt="Sweep heatmap of {self.experiment.label}" style="max-width:100%">'
                + explorer_html(self.experiment, self.problem, self.result))


def run_sweep(experiment: Experiment, grid: SweepGrid) -> Sweep:
    """Run ``grid`` in chunks and gather them, as the ``sweep_chunk`` and ``sweep_gather`` jobs do."""
    from momentumlab.sweep import gather_chunks, run_chunk

    problem = build_problem(experiment)
    chunks = min(CHUNKS, grid.size)
    parts = [run_chunk(problem, grid, index, chunks)
             for index in progress(range(chunks), chunks, f"{experiment.name}: {grid.size} runs")]
    return Sweep(experiment=experiment, problem=problem, grid=grid, result=gather_chunks(problem, grid, parts))


def sweep(problem: str, method: str = "momentum", lr: Sequence[float] = (1e-4, 1.0, 24),
          momentum: Sequence[float] = (0.0, 0.99, 20), steps: int | None = None, start: Sequence[float] | None = None,
          tolerance: float | None = None, options: Mapping[str, Any] | None = None, name: str | None = None,
          **problem_params: Any) -> Sweep:
    """Sweep ``method`` over ``lr`` = (low, high, points) log-spaced × ``momentum`` = (low, high, points) linear.

    ``momentum`` is the method's momentum axis (μ, or β₁ for the Adam family; ignored for a
    method without one); ``options`` its other hyperparameters.
    """
    from momentumlab.optim import MOMENTUM_KEY
    from momentumlab.sweep import sweep_grid

    require(len(lr) == 3, "lr", f"{list(lr)} must be (low, high, points)")
    require(len(momentum) == 3, "momentum", f"{list(momentum)} must be (low, high, points)")
    require(0 <= momentum[0] < momentum[1], "momentum[0]", f"{momentum[0]} must be at least 0 and below momentum[1]")
    name = name or problem
    key = MOMENTUM_KEY.get(method) if isinstance(method, str) else None  # the schema names a bad method
    optimizer = {"method": method, "lr": lr[0], **({key: momentum[1]} if key else {}), **dict(options or {})}
    block = {"enabled": True, "method": method, "lr_min": lr[0], "lr_max": lr[1], "lr_points": lr[2],
             "momentum_max": momentum[1], "momentum_points": momentum[2], "steps": steps}
    raw = entry(problem, {SWEPT: optimizer}, steps=steps, start=start,
                tolerance=tolerance, backends=["numpy"], params=problem_params or None,
                sweep={k: v for k, v in block.items() if v is not None})
    renames = {f"optimizers.{SWEPT}.lr": "lr[0]", f"optimizers.{SWEPT}.{key}": "momentum[1]",
               f"optimizers.{SWEPT}.method": "method", f"optimizers.{SWEPT}": "options", **SWEEP_ARGUMENTS}
    experiment = parse_experiment(name, raw, renames).experiment(name)
    grid = sweep_grid(experiment)
    if key and momentum[0] > 0:
        grid = replace(grid, momentum=np.linspace(momentum[0], momentum[1], int(momentum[2])))
    return run_sweep(experiment, grid)
