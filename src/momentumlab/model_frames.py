"""What a model run's animation shows at each frame, computed up front in batched numpy.

The animation steps through the recorded steps; at a frame it shows the record at or before
the frame's step. For data with two input features, the classes the run's model predicts
over a grid of the input plane (the decision regions) at every record; with more features,
the accuracy on each class of the test set (per-class bars). No matplotlib here.
"""

from __future__ import annotations

import numpy as np

from momentumlab.models import Architecture, BatchedModel, chunk_size

Array = np.ndarray
REGION_RESOLUTION = 120  # grid points per side of the decision-region image


def record_at(steps_recorded: Array, step: int) -> int:
    """The index of the last record at or before ``step`` (the first record before the start)."""
    return max(int(np.searchsorted(steps_recorded, step, side="right")) - 1, 0)


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
