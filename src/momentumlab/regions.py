"""Where a heavy-ball or Nesterov sweep's cells diverge, spiral or zigzag: curves in the (η, μ) plane.

A mode of curvature λ moves as ``stability.regime`` says at h = η·λ, so each edge of
``stability.regime_edges`` is the curve η = edge(μ)/λ on a sweep's map:

- **unstable** at η = bound(μ)/λmax: to the right the stiffest mode grows (the cell diverges);
- **zigzag** at η = zigzag(μ)/λmax: to the right the stiffest mode flips sign step to step;
- **spiral** at η = spiral(μ)/λmin: to the right even the slowest mode spirals (complex roots).

Between the spiral and the zigzag curves every mode spirals; the two meet at Polyak's point
(η*, μ*), where both extreme modes are critically damped.

Problems with a constant Hessian (the quadratic, linear regression) get the three curves,
exact (``where = "exact"``). Other problems with a minimum get the unstable curve twice, from
the Hessian's largest eigenvalue at the start (``"start"``) and at the minimum nearest the end
of the run (``"minimum"``): their curvature changes along a run, so neither is exact, and the
other edges would crowd the map. Problems without a minimum (the saddle) and methods without
a one-mode map get none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from momentumlab.problems import LinearRegression, Problem, Quadratic
from momentumlab.stability import largest_curvature, regime_edges

Array = np.ndarray
REGION_METHODS = ("momentum", "nesterov")
SAMPLES = 120  # momenta per curve: smooth at any figure size, small in summary.json


@dataclass(frozen=True)
class Curve:
    """One edge in the (η, μ) plane: ``points`` (N, 2) of (η, μ), finite and inside the sweep's extent."""

    label: str
    kind: str  # "unstable" | "zigzag" | "spiral": the regime to the curve's right begins here
    where: str  # "exact" | "start" | "minimum": whose Hessian gave its curvature
    curvature: float  # the λ of η = edge(μ)/λ
    points: Array

    def as_dict(self) -> dict[str, object]:
        """The explorer's JSON form: label, kind, where and points [[lr, mu], ...]."""
        return {"label": self.label, "kind": self.kind, "where": self.where,
                "points": [[float(lr), float(mu)] for lr, mu in self.points]}


def constant_curvatures(problem: Problem) -> tuple[float, float] | None:
    """(λmin, λmax) of a problem whose Hessian is the same everywhere (quadratic, linear regression)."""
    if isinstance(problem, Quadratic):
        return problem.eigenvalues  # exact: H = R diag(1, κ) Rᵀ
    if not isinstance(problem, LinearRegression):
        return None
    low, high = np.linalg.eigvalsh(problem.hessian_at(np.zeros(2)))
    return float(low), float(high)


def edge_curve(method: str, edge: str, curvature: float, lr_range: tuple[float, float],
               momentum_range: tuple[float, float], samples: int = SAMPLES) -> Array:
    """Points (η, μ) of η = regime_edges(method, μ)[edge] / ``curvature`` inside the ranges (may be empty)."""
    momenta = np.linspace(momentum_range[0], momentum_range[1], samples)
    lr = np.array([regime_edges(method, mu)[edge] for mu in momenta]) / curvature if curvature > 0 else np.full(samples, np.nan)
    keep = np.isfinite(lr) & (lr >= lr_range[0]) & (lr <= lr_range[1])
    return np.column_stack([lr[keep], momenta[keep]])


def _edge_words(method: str) -> dict[str, str]:
    """Each edge as the inequality in η·λ that holds to its right."""
    if method == "momentum":
        return {"unstable": "> 2(1 + μ)", "zigzag": "> (1 + √μ)²", "spiral": "> (1 − √μ)²"}
    return {"unstable": "> 2(1 + μ)/(1 + 2μ)", "zigzag": "> 1", "spiral": "> ((1 − μ)/(1 + μ))²"}


def sweep_regions(problem: Problem, method: str, lr_range: tuple[float, float], momentum_range: tuple[float, float],
                  start: Array, end: Array | None = None) -> list[Curve]:
    """The curves to draw on a ``method`` sweep's (η, μ) map of ``problem`` (see the module's docstring).

    ``end`` is where the run ended (e.g. the sweep's best cell); its nearest minimum gives the
    "at the minimum" curve of a problem whose curvature varies (``start`` when None).
    """
    if method not in REGION_METHODS or problem.optimum is None:
        return []
    words = _edge_words(method)
    curves: list[Curve] = []

    def add(kind: str, where: str, curvature: float, label: str) -> None:
        points = edge_curve(method, kind, curvature, lr_range, momentum_range)
        if len(points):
            curves.append(Curve(label, kind, where, curvature, points))

    exact = constant_curvatures(problem)
    if exact is not None:
        low, high = exact
        add("unstable", "exact", high, f"unstable: ηλmax {words['unstable']}, λmax = {high:.4g}")
        add("zigzag", "exact", high, f"stiffest mode zigzags: ηλmax {words['zigzag']}")
        if low > 0:
            add("spiral", "exact", low, f"slowest mode spirals too: ηλmin {words['spiral']}, λmin = {low:.4g}")
        return curves
    begin = np.asarray(start, dtype=float)
    nearest = problem.nearest_optimum(begin if end is None or not np.all(np.isfinite(end)) else np.asarray(end, float))
    for where, point, place in (("start", begin, "at the start"), ("minimum", nearest, "at the minimum nearest the end")):
        curvature = float(largest_curvature(problem.hessian_at(point)))
        add("unstable", where, curvature, f"unstable {place}: ηλmax {words['unstable']}, λmax = {curvature:.4g}")
    return curves
