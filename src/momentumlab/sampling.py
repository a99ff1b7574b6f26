"""Which optimizer steps are shown: animation frames, scrubber samples, kept sweep paths (no matplotlib)."""

from __future__ import annotations

import numpy as np


def frames_for_steps(steps: int, frames: int, linear_share: float = 0.5) -> np.ndarray:
    """Pick ``min(frames, steps + 1)`` unique, increasing steps from 0..steps.

    Frames are spread by a mixed density: a share w = ``linear_share`` uniform in the
    step s, the rest uniform in log(1 + s). Frame k of N shows s_k = F⁻¹(k / (N − 1)) with
    F(s) = w·s/T + (1 − w)·log(1 + s)/log(1 + T),
    so the fast start gets frames of its own and the slow end stays visible. Steps 0
    and T are always included.
    """
    if steps < 0 or frames < 1:
        raise ValueError(f"need steps >= 0 and frames >= 1, got steps={steps}, frames={frames}")
    count = min(frames, steps + 1)
    if count == steps + 1:
        return np.arange(steps + 1)
    if count == 1:
        return np.array([steps])
    grid = np.unique(np.concatenate([np.linspace(0.0, steps, 2048), np.geomspace(1.0, steps, 2048)]))
    share = linear_share * grid / steps + (1.0 - linear_share) * np.log1p(grid) / np.log1p(steps)
    chosen = np.rint(np.interp(np.linspace(0.0, 1.0, count), share, grid)).astype(np.int64)
    chosen[0], chosen[-1] = 0, steps
    # Rounding merges neighbours where frames are denser than steps; push them apart
    # while keeping frame i inside [i, T − (N − 1 − i)], so both ends survive.
    index = np.arange(count)
    chosen = np.maximum.accumulate(chosen - index) + index
    return np.minimum(chosen, steps - (count - 1 - index))


SPACINGS = {"log": 0.5, "linear": 1.0}  # animation.spacing → frames_for_steps' linear share


def animation_steps(last_step: int, frames: int, spacing: str = "log") -> np.ndarray:
    """The optimizer steps an animation's frames show: ``frames_for_steps`` with half the frames
    log-spaced (``spacing`` "log") or all evenly spaced ("linear")."""
    if spacing not in SPACINGS:
        raise ValueError(f"animation.spacing must be one of {list(SPACINGS)}, got {spacing!r}")
    return frames_for_steps(last_step, frames, SPACINGS[spacing])


def record_at(steps_recorded: np.ndarray, step: int) -> int:
    """The index of the last record at or before ``step`` (the first record before the start)."""
    return max(int(np.searchsorted(steps_recorded, step, side="right")) - 1, 0)
