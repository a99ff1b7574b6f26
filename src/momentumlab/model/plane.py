"""One loss plane per experiment: the two main directions of all its runs' weight trajectories.

Given the recorded weights θ of every run (stacked into P points) and a centre c (the best
run's final weights), the deviations D = [θ − c] (P, n) have the SVD D = U S Vᵀ; the plane is
c + α v₁ + β v₂ with v₁, v₂ the first two right singular vectors. Among planes through c it is
the one closest to all the points in the least-squares sense. Explained variance of direction
k: s_k² / Σ s² (the share of the points' squared distance to c that the direction carries).

Coordinates of a point: (α, β) = ((θ − c)·v₁, (θ − c)·v₂); its off-plane distance is
‖θ − c − α v₁ − β v₂‖. The plane's loss at a projected point is not the run's loss: use
``true_loss`` for the curve along a run, ``grid_loss`` for the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from momentumlab.model.network import Architecture, BatchedModel, chunk_size, evaluate

Array = np.ndarray


@dataclass(frozen=True)
class LossPlane:
    """Centre (n,), orthonormal directions (2, n), explained variance of each direction (2,)."""

    centre: Array
    directions: Array
    explained_variance: Array

    def coordinates(self, weights: Array) -> Array:
        """(α, β) of each row of ``weights`` (..., n) -> (..., 2)."""
        return (np.asarray(weights) - self.centre) @ self.directions.T

    def off_plane_distance(self, weights: Array) -> Array:
        """Distance of each row of ``weights`` (..., n) from the plane -> (...)."""
        deviation = np.asarray(weights) - self.centre
        residual = deviation - self.coordinates(weights) @ self.directions
        return np.linalg.norm(residual, axis=-1)

    def points(self, alphas: Array, betas: Array) -> Array:
        """Weights at the grid (len(betas), len(alphas)) as rows: (len(betas)·len(alphas), n)."""
        a, b = np.meshgrid(alphas, betas)
        return self.centre + a.reshape(-1, 1) * self.directions[0] + b.reshape(-1, 1) * self.directions[1]


def fit_plane(trajectories: Sequence[Array], centre: Array) -> LossPlane:
    """The plane through ``centre`` spanned by the top two principal directions of all points.

    ``trajectories``: one (T_i, n) array of recorded weights per run. With fewer than two
    independent deviations the missing direction is any unit vector orthogonal to the first
    (explained variance 0), so the plane always exists.
    """
    centre = np.asarray(centre, dtype=np.float64)
    points = np.concatenate([np.asarray(t, dtype=np.float64).reshape(-1, centre.size) for t in trajectories])
    deviations = points - centre
    _, singular, vt = np.linalg.svd(deviations, full_matrices=False)
    total = float(np.sum(singular**2))
    directions = np.zeros((2, centre.size))
    explained = np.zeros(2)
    rank = int(np.sum(singular > singular[0] * 1e-12)) if total > 0 else 0
    for k in range(min(2, rank)):
        directions[k] = vt[k]
        explained[k] = singular[k] ** 2 / total
    for k in range(min(2, rank), 2):  # degenerate: complete an orthonormal pair
        candidate = np.eye(centre.size)[int(np.argmin(np.abs(directions[:k]).sum(axis=0))) if k else 0]
        candidate = candidate - directions[:k].T @ (directions[:k] @ candidate)
        directions[k] = candidate / np.linalg.norm(candidate)
    # A sign convention, so the same trajectories give the same picture: the largest entry is positive.
    signs = np.sign(directions[np.arange(2), np.argmax(np.abs(directions), axis=1)])
    return LossPlane(centre=centre, directions=directions * signs[:, None], explained_variance=explained)


def grid_axes(
    plane: LossPlane, trajectories: Sequence[Array], size: int = 51, margin: float = 0.2
) -> tuple[Array, Array]:
    """(alphas, betas): ``size`` points each, covering every projected point plus ``margin`` of the span."""
    coords = np.concatenate([plane.coordinates(np.asarray(t).reshape(-1, plane.centre.size)) for t in trajectories])
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = np.maximum(high - low, 1e-3 * max(1.0, float(np.abs(coords).max())))
    low, high = low - margin * span, high + margin * span
    return np.linspace(low[0], high[0], size), np.linspace(low[1], high[1], size)


def grid_loss(
    arch: Architecture, plane: LossPlane, alphas: Array, betas: Array, x: Array, y: Array,
    memory_bytes: int = 4 << 20,
) -> Array:
    """The loss at c + α v₁ + β v₂ on the grid -> (len(betas), len(alphas)).

    Grid points are a batch of models (``model.network.evaluate``), built and evaluated chunk by
    chunk so activations and weights together stay within ``memory_bytes``.
    """
    a, b = (g.reshape(-1) for g in np.meshgrid(alphas, betas))
    chunk = min(a.size, chunk_size(arch, x.shape[0], memory_bytes))
    model = BatchedModel(arch, chunk, x.shape[0])
    weights = np.empty((chunk, arch.n_weights))
    loss = np.empty(a.size)
    with np.errstate(all="ignore"):
        for start in range(0, a.size, chunk):
            rows = slice(start, start + chunk)
            block = weights[: len(a[rows])]
            np.multiply(a[rows, None], plane.directions[0], out=block)
            block += b[rows, None] * plane.directions[1]
            block += plane.centre
            loss[rows], _ = model.loss(block, x, y)
    return loss.reshape(len(betas), len(alphas))


def true_loss(arch: Architecture, trajectory: Array, x: Array, y: Array) -> Array:
    """The loss at the run's own weights (T, n) -> (T,): not the plane's value at their projection."""
    return evaluate(arch, trajectory, x, y)[0]
