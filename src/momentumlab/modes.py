"""A run's error along each eigenvector of a constant Hessian, measured and predicted by the exact iteration.

On f(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) every method of the SGD family with a constant rate moves each
coordinate c_i = u_iᵀ(θ − θ*) along an eigenvector u_i of H on its own, by the 2 × 2 map of
``stability.mode_matrix`` at h = η·λ_i. Started at rest (v = 0), c_i(t) = c_i(0) · [M^t]₀₀, which
``stability.mode_errors`` computes by powers of M — near critical damping M is not diagonalisable
and c_i grows like t·ρ^(t−1) before it decays, which ρ^t alone misses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from momentumlab.problems import Problem
from momentumlab.stability import BOUNDED_METHODS, mode_errors, spectral_radius

Array = np.ndarray


def eigenbasis(problem: Problem) -> tuple[Array, Array]:
    """(λ (2,) ascending, U (2, 2) with eigenvectors as columns) of the problem's Hessian at its optimum."""
    values, vectors = np.linalg.eigh(problem.hessian_at(np.asarray(problem.optimum, dtype=float)))
    return values, vectors


def measured_modes(problem: Problem, params: Array) -> Array:
    """c_i(t) = u_iᵀ(θ_t − θ*) for every recorded θ_t (T, 2) -> (T, 2), slowest mode first."""
    _, vectors = eigenbasis(problem)
    return (np.asarray(params, dtype=float) - np.asarray(problem.optimum, dtype=float)) @ vectors


def predicted_modes(problem: Problem, method: str, lr: float, momentum: float, start: Array, steps: int) -> Array:
    """c_i(t) for t = 0 … ``steps`` by powers of each mode's exact map, started at rest at ``start``."""
    values, _ = eigenbasis(problem)
    initial = measured_modes(problem, np.asarray(start, dtype=float)[None, :])[0]
    return np.column_stack([initial[i] * mode_errors(method, lr * values[i], momentum, steps) for i in range(2)])


@dataclass(frozen=True)
class ModeRun:
    """One run's modes: measured (T, 2) and predicted (T, 2) coordinates, each mode's curvature and radius."""

    label: str
    method: str
    lr: float
    momentum: float
    curvatures: Array  # (2,) λ, ascending
    radii: Array  # (2,) spectral radius of each mode's map
    measured: Array
    predicted: Array

    @property
    def deviation(self) -> float:
        """max over t and modes of |measured − predicted| / max |c_i(0)|: how far the run is from the exact iteration."""
        scale = float(np.max(np.abs(self.measured[0]))) or 1.0
        return float(np.max(np.abs(self.measured - self.predicted))) / scale


def mode_run(problem: Problem, label: str, method: str, lr: float, momentum: float, params: Array) -> ModeRun:
    """The modes of one recorded constant-rate run (``params`` (T, 2) from its start, at rest)."""
    if method not in BOUNDED_METHODS:
        raise ValueError(f"no one-mode map for method {method!r}; known: {BOUNDED_METHODS}")
    params = np.asarray(params, dtype=float)
    values, _ = eigenbasis(problem)
    measured = measured_modes(problem, params)
    predicted = predicted_modes(problem, method, lr, momentum, params[0], len(params) - 1)
    radii = np.array([spectral_radius(method, lr * value, momentum) for value in values])
    return ModeRun(label, method, float(lr), float(momentum), values, radii, measured, predicted)
