"""What a model run's animation shows at each frame, computed up front in batched numpy.

The animation steps through the recorded steps; at a frame it shows the record at or before
the frame's step. For data with two input features, the classes the run's model predicts
over a grid of the input plane (the decision regions) at every record; with more features,
the accuracy on each class of the test set (per-class bars). The render panels draw series
step by step, so ``ModelRunView.series`` holds each record until the next. No matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

import numpy as np

from momentumlab.model.network import Architecture, BatchedModel, chunk_size
from momentumlab.runs import RunKey
from momentumlab.trajectory import Trajectory

Array = np.ndarray
REGION_RESOLUTION = 120  # grid points per side of the decision-region image


def input_window(x: Array, pad: float = 0.08) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) around two-feature inputs ``x``, padded by ``pad`` of the span."""
    (x0, y0), (x1, y1) = x.min(axis=0), x.max(axis=0)
    pad_x, pad_y = pad * (x1 - x0 or 1.0), pad * (y1 - y0 or 1.0)
    return float(x0 - pad_x), float(x1 + pad_x), float(y0 - pad_y), float(y1 + pad_y)


def region_points(window: tuple[float, float, float, float], resolution: int = REGION_RESOLUTION) -> Array:
    """The (resolution², 2) grid of inputs over ``window``, row by row from the bottom."""
    x0, x1, y0, y1 = window
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.column_stack([gx.ravel(), gy.ravel()])


def predicted_classes(arch: Architecture, weights: Array, x: Array, memory_bytes: int = 16 << 20) -> Array:
    """The class each of T models (``weights`` (T, n)) predicts for each input -> (T, N) int8.

    Models and inputs go through ``BatchedModel`` in blocks whose activations stay within
    ``memory_bytes``.
    """
    weights = np.ascontiguousarray(np.atleast_2d(weights))
    rows = max(1, min(len(x), memory_bytes // (8 * 2 * sum(arch.sizes[1:]))))
    per_block = max(1, min(len(weights), chunk_size(arch, rows, memory_bytes)))
    model = BatchedModel(arch, per_block, rows)
    out = np.empty((len(weights), len(x)), dtype=np.int8)
    with np.errstate(all="ignore"):
        for start in range(0, len(weights), per_block):
            block = weights[start : start + per_block]
            layers = arch.split(block)
            for first in range(0, len(x), rows):
                inputs = np.ascontiguousarray(x[first : first + rows])
                _, logits = model.forward(layers, inputs)
                out[start : start + len(block), first : first + len(inputs)] = np.argmax(logits, axis=2)
    return out


def class_accuracy(arch: Architecture, weights: Array, x: Array, y: Array) -> Array:
    """Accuracy on the examples of each class for each of T models -> (T, K); NaN for an absent class."""
    predicted = predicted_classes(arch, weights, x)
    classes = arch.sizes[-1]
    accuracy = np.full((len(predicted), classes), np.nan)
    for k in range(classes):
        members = y == k
        if members.any():
            accuracy[:, k] = (predicted[:, members] == k).mean(axis=1)
    return accuracy


@dataclass(frozen=True)
class ModelRunView:
    """What one model run's animation shows, by record (R records at ``steps_recorded``)."""

    key: RunKey
    steps: int  # optimizer steps of the run
    steps_recorded: Array  # (R,)
    coordinates: Array  # (R, 2) the recorded weights projected on the plane
    off_plane: Array  # (R,) their distance from the plane
    train_loss: Array  # (R,) at the run's own weights
    test_loss: Array
    train_accuracy: Array
    test_accuracy: Array
    diverged_at: int | None
    regions: Array | None = None  # (R, res, res) predicted classes over ``window`` (two input features)
    seed_train_loss: Array | None = None  # (S, R) the training loss of every paired seed (seed 0 first)
    class_accuracy: Array | None = None  # (R, K) test accuracy per class (more features)

    def per_step(self, values: Array, held: bool = False) -> Array:
        """``values`` by record at every step 0..last (a diverged run ends at its last valid step):
        drawn straight from record to record, or ``held`` at the last record (what a readout may
        state as the value at that step)."""
        last = self.steps if self.diverged_at is None else max(self.diverged_at - 1, 0)
        steps = np.arange(last + 1)
        values = np.asarray(values, dtype=float)
        if held:
            return values[np.maximum(np.searchsorted(self.steps_recorded, steps, side="right") - 1, 0)]
        if values.ndim == 1:
            return np.interp(steps, self.steps_recorded, values)
        return np.column_stack([np.interp(steps, self.steps_recorded, column) for column in values.T])

    def series(self, values: Array, held: bool = False) -> Trajectory:
        """``values`` as a step-by-step series the render panels draw (its value in ``loss``)."""
        return Trajectory(params=self.per_step(self.coordinates), loss=self.per_step(values, held),
                          steps=self.steps, diverged_at=self.diverged_at)

    @property
    def path(self) -> Trajectory:
        """The projected path with the TRUE training loss of the weights (not the plane's value there)."""
        return self.series(self.train_loss)


@dataclass(frozen=True)
class PlaneView:
    """The experiment's loss plane: the training loss on the grid (len(betas), len(alphas))."""

    alphas: Array
    betas: Array
    loss: Array
    explained_variance: Array


def plane_view(arrays: Mapping[str, Array]) -> PlaneView:
    """The plane from a ``model.run.save_result`` archive."""
    return PlaneView(arrays["plane/alphas"], arrays["plane/betas"], arrays["plane/loss"],
                     arrays["plane/explained_variance"])


def model_run_views(arrays: Mapping[str, Array], runs: Sequence[RunKey], steps: int, arch: Architecture,
                    data: Mapping[str, Array] | None = None,
                    detailed: Collection[RunKey] | None = None) -> list[ModelRunView]:
    """Every run's view from a ``model.run.save_result`` archive; with ``data`` (the data set's
    arrays) also the decision regions (two input features) or per-class test accuracy of the
    ``detailed`` runs (default: every run), the costly part, which only a run's own animation shows."""
    views = []
    window = None if data is None or data["x_train"].shape[1] != 2 else input_window(
        np.concatenate([data["x_train"], data["x_test"]]))
    for key in runs:
        prefix = key.file_name
        weights = arrays[f"{prefix}/weights"]
        diverged_at = int(arrays[f"{prefix}/diverged_at"])
        regions = accuracy = None
        shown = detailed is None or key in detailed
        if shown and window is not None:
            regions = predicted_classes(arch, weights, region_points(window)).reshape(
                len(weights), REGION_RESOLUTION, REGION_RESOLUTION)
        elif shown and data is not None:
            accuracy = class_accuracy(arch, weights, data["x_test"], data["y_test"])
        views.append(ModelRunView(
            key=key, steps=steps, steps_recorded=arrays[f"{prefix}/steps_recorded"],
            coordinates=arrays[f"{prefix}/plane_coordinates"], off_plane=arrays[f"{prefix}/off_plane_distance"],
            train_loss=arrays[f"{prefix}/train_loss"], test_loss=arrays[f"{prefix}/test_loss"],
            train_accuracy=arrays[f"{prefix}/train_accuracy"], test_accuracy=arrays[f"{prefix}/test_accuracy"],
            diverged_at=None if diverged_at < 0 else diverged_at, regions=regions, class_accuracy=accuracy,
            seed_train_loss=arrays.get(f"{prefix}/seeds/train_loss")))
    return views
