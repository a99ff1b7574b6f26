"""Learning-rate schedules: η_t = lr · factor(t), with Keras 3's formulas operation for operation.

``t`` is the number of steps already taken (Keras' ``optimizer.iterations``), so the first step
uses factor(0). Every kind multiplies the method's ``lr``:

- ``constant``:     1
- ``piecewise``:    values[i] for boundaries[i−1] < t ≤ boundaries[i] (values has one more entry)
- ``exponential``:  decay_rate ** (t / decay_steps)
- ``cosine``:       optional linear warm-up from 0 over ``warmup_steps``, then
                    (1 − α)·½(1 + cos(π·min(s, decay_steps)/decay_steps)) + α, s = t − warmup_steps

Keras computes η_t as ``initial_learning_rate * <factor>`` in the schedule's dtype; with
``initial_learning_rate = lr`` (a float64) that is exactly ``lr * factor(t)`` here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

KINDS = ("constant", "piecewise", "exponential", "cosine")


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule as a multiplier of ``lr``."""

    kind: str = "constant"
    boundaries: tuple[int, ...] = ()
    values: tuple[float, ...] = ()
    decay_steps: int = 1
    decay_rate: float = 1.0
    alpha: float = 0.0
    warmup_steps: int = 0

    @classmethod
    def from_mapping(cls, entry: Mapping[str, Any] | None) -> "Schedule":
        """From a validated config mapping (``None`` means constant)."""
        if not entry:
            return cls()
        kind = entry.get("kind", "constant")
        if kind not in KINDS:
            raise ValueError(f"unknown schedule {kind!r}; known: {list(KINDS)}")
        return cls(
            kind=kind,
            boundaries=tuple(int(b) for b in entry.get("boundaries", ())),
            values=tuple(float(v) for v in entry.get("values", ())),
            decay_steps=int(entry.get("decay_steps", 1)),
            decay_rate=float(entry.get("decay_rate", 1.0)),
            alpha=float(entry.get("alpha", 0.0)),
            warmup_steps=int(entry.get("warmup_steps", 0)),
        )

    @property
    def is_constant(self) -> bool:
        """True when every step uses ``lr`` itself."""
        return self.kind == "constant"

    def factor(self, t: int) -> np.float64:
        """The multiplier of ``lr`` at step ``t`` (0-based), in Keras' float64 arithmetic."""
        if self.kind == "constant":
            return np.float64(1.0)
        if self.kind == "piecewise":
            return np.float64(self.values[sum(1 for b in self.boundaries if t > b)])
        if self.kind == "exponential":
            return np.float64(self.decay_rate) ** (np.float64(t) / np.float64(self.decay_steps))
        decay_steps = np.float64(self.decay_steps)
        step = np.float64(t)
        if self.warmup_steps > 0:
            warmup = np.float64(self.warmup_steps)
            step = min(step, decay_steps + warmup)
            if step < warmup:
                return step / warmup
            step = step - warmup
        else:
            step = min(step, decay_steps)
        cosine = 0.5 * (1.0 + np.cos(np.float64(math.pi) * (step / decay_steps)))
        return (1 - np.float64(self.alpha)) * cosine + np.float64(self.alpha)

    def factors(self, steps: int) -> np.ndarray:
        """factor(t) for t = 0 .. steps−1."""
        return np.array([self.factor(t) for t in range(steps)], dtype=np.float64)

    def changes(self, steps: int) -> list[tuple[int, str]]:
        """The steps within 0..``steps`` where the rate changes abruptly, each with a short label:
        a piecewise schedule's boundaries ("η × 0.3", the new multiplier) and a cosine schedule's
        end of warm-up and end of decay; none for constant and exponential rates."""
        if self.kind == "piecewise":
            marks = [(b, f"η × {v:g}") for b, v in zip(self.boundaries, self.values[1:])]
        elif self.kind == "cosine":
            marks = [(self.warmup_steps, "warm-up ends")] if self.warmup_steps else []
            marks.append((self.warmup_steps + self.decay_steps, f"η × {self.alpha:g} from here"))
        else:
            marks = []
        return [(int(step), text) for step, text in marks if 0 < step < steps]

    def describe(self) -> str:
        """A short human-readable form, e.g. ``cosine(decay 400, α 0.1, warm-up 50)``."""
        if self.kind == "constant":
            return "constant"
        if self.kind == "piecewise":
            return f"piecewise(boundaries {list(self.boundaries)}, ×{list(self.values)})"
        if self.kind == "exponential":
            return f"exponential(rate {self.decay_rate:g} per {self.decay_steps} steps)"
        warm = f", warm-up {self.warmup_steps}" if self.warmup_steps else ""
        return f"cosine(decay {self.decay_steps}, α {self.alpha:g}{warm})"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form used in ``summary.json``."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "piecewise":
            out.update(boundaries=list(self.boundaries), values=list(self.values))
        elif self.kind == "exponential":
            out.update(decay_steps=self.decay_steps, decay_rate=self.decay_rate)
        elif self.kind == "cosine":
            out.update(decay_steps=self.decay_steps, alpha=self.alpha, warmup_steps=self.warmup_steps)
        return out


CONSTANT = Schedule()


def keras_schedule(schedule: Schedule, lr: float) -> Any:
    """The ``keras.optimizers.schedules`` object of ``schedule`` for rate ``lr``, or ``np.float64(lr)``.

    Every number is an ``np.float64``: a schedule built from Python floats computes in
    float32 even when ``floatx`` is float64 (``ops.convert_to_tensor(0.01)`` is float32).
    """
    lr = np.float64(lr)
    if schedule.kind == "constant":
        return lr
    import keras

    schedules = keras.optimizers.schedules
    if schedule.kind == "piecewise":
        return schedules.PiecewiseConstantDecay(
            list(schedule.boundaries), [lr * np.float64(v) for v in schedule.values]
        )
    if schedule.kind == "exponential":
        return schedules.ExponentialDecay(lr, schedule.decay_steps, np.float64(schedule.decay_rate))
    if schedule.warmup_steps > 0:
        return schedules.CosineDecay(
            np.float64(0.0), schedule.decay_steps, alpha=np.float64(schedule.alpha),
            warmup_target=lr, warmup_steps=schedule.warmup_steps,
        )
    return schedules.CosineDecay(lr, schedule.decay_steps, alpha=np.float64(schedule.alpha))
