"""Axis scales chosen from the data, without matplotlib: the report's scrubber and the loss plots share them."""

from __future__ import annotations

from typing import Sequence

import numpy as np

Array = np.ndarray


def loss_scale(losses: Sequence[Array]) -> tuple[str, dict]:
    """``("log", {})`` when every loss is positive, else a symlog scale around zero."""
    finite = np.concatenate([np.asarray(loss, float)[np.isfinite(loss)] for loss in losses] or [np.zeros(0)])
    if finite.size == 0 or np.all(finite > 0):
        return "log", {}
    magnitude = np.abs(finite[finite != 0])
    start_scale = float(np.abs(losses[0][0])) if len(losses[0]) and losses[0][0] != 0 else 1.0
    linthresh = 10.0 ** np.floor(np.log10(start_scale if magnitude.size else 1.0))
    return "symlog", {"linthresh": linthresh, "linscale": 0.6}
