"""The edge of stability on a model: each run's sharpness threshold and how long the sharpness stays near it.

On a quadratic mode of curvature λ a method is stable iff η·λ is below its one-mode bound
(``stability.stability_bound``: 2 for SGD, 2 + 2μ heavy ball, (2 + 2μ)/(1 + 2μ) Nesterov), so
full-batch training whose sharpness S (the top eigenvalue of the training-loss Hessian)
passes bound/η is locally unstable; Cohen et al. (ICLR 2021) found that S rises to that
threshold and then hovers near it. The threshold is about the full-batch loss: a minibatch
step follows another loss each step, so minibatch runs get no threshold (``threshold`` is None).

``edge_fraction`` is the measure the report prints: after S first reaches ``REACH``·threshold,
the fraction of the later records with |S − threshold| ≤ ``BAND``·threshold.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from momentumlab.model.network import Architecture
from momentumlab.model.sharpness import model_sharpness
from momentumlab.stability import stability_bound

Array = np.ndarray
REACH = 0.9  # the sharpness has "reached the edge" at REACH × threshold
BAND = 0.1  # "near the edge": within BAND × threshold of it
# Lanczos stops when every run's Ritz residual is below TOLERANCE·|λ|. The top Ritz value's
# error is then of order residual²/gap, far below the plotted line and the BAND: on the
# default edge-of-stability run it is ≤ 3e-6 relative against tolerance 1e-9 (benchmarks/sharpness.py).
TOLERANCE = 1e-3
# At most this many Lanczos steps (the basis is allocated for them: B × MAX_STEPS × n_weights floats);
# the default model needs 10 at TOLERANCE, 21 at 1e-9. Stopped there, the value is the best Ritz value, a lower bound.
MAX_STEPS = 100
NO_THRESHOLD = ("minibatch steps follow a different loss each step, so the full-batch threshold bound/η "
                "does not apply (they plateau elsewhere)")
FORMULAS = {"sgd": "2/η", "momentum": "(2 + 2μ)/η", "nesterov": "(2 + 2μ)/((1 + 2μ)η)"}
RULE = (f"After the sharpness first reaches {REACH:g} × threshold, the share of the later records within "
        f"{round(100 * BAND)} % of the threshold.")


def threshold(method: str, lr: float, momentum: float, full_batch: bool) -> float | None:
    """The sharpness at which one full-batch step turns unstable: ``stability_bound`` / η (None: minibatch or no bound)."""
    bound = stability_bound(method, momentum)
    return None if bound is None or not full_batch or lr <= 0 else bound / lr


def edge_fraction(sharpness: Sequence[float], limit: float | None) -> tuple[int | None, float | None]:
    """(index of the first record with S ≥ REACH·limit, fraction of the records after it within BAND·limit).

    (None, None) without a threshold or when S never reaches it; the fraction is None when
    nothing is recorded after the first reach.
    """
    values = np.asarray(sharpness, dtype=np.float64)
    if limit is None:
        return None, None
    reached = np.flatnonzero(values >= REACH * limit)
    if not len(reached):
        return None, None
    later = values[reached[0] + 1:]
    fraction = float(np.mean(np.abs(later - limit) <= BAND * limit)) if len(later) else None
    return int(reached[0]), fraction


def sharpness_series(arch: Architecture, weights: Sequence[Array], x: Array, y: Array,
                     tolerance: float = TOLERANCE) -> list[Array]:
    """The sharpness at every row of each (R_i, n_weights) array in ``weights``, all in one batched Lanczos."""
    lengths = [len(w) for w in weights]
    values = model_sharpness(arch, np.concatenate(weights), x, y, tolerance=tolerance, max_iterations=MAX_STEPS)
    return np.split(values, np.cumsum(lengths)[:-1])
