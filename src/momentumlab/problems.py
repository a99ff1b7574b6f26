"""Objective functions: value, analytic gradient, known optimum, plot window.

Every problem works on batches: ``theta`` has shape (..., 2) and ``value`` returns
shape (...). ``value`` is written with arithmetic operators plus ``xp.mean`` only, so
the one loss definition serves numpy (``xp=numpy``) and TensorFlow autodiff
(``xp=`` a namespace whose ``mean`` is ``tf.reduce_mean``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Mapping

import numpy as np

Array = np.ndarray
Window = tuple[tuple[float, float], tuple[float, float]]


class Problem(ABC):
    """A differentiable function of two parameters with known minima."""

    kind: ClassVar[str]
    labels: ClassVar[tuple[str, str]] = ("x", "y")
    default_start: ClassVar[tuple[float, float]] = (0.0, 0.0)
    has_data: ClassVar[bool] = False  # built from a seeded data set
    has_minimum: ClassVar[bool] = True  # has at least one global minimum

    @abstractmethod
    def value(self, theta: Any, xp: Any = np) -> Any:
        """Loss at ``theta`` (..., 2) -> (...)."""

    @abstractmethod
    def gradient(self, theta: Array) -> Array:
        """Analytic gradient at ``theta`` (..., 2) -> (..., 2)."""

    @abstractmethod
    def hessian_at(self, theta: Array) -> Array:
        """Analytic Hessian at ``theta`` (..., 2) -> (..., 2, 2)."""

    def surface(self, theta: Array) -> Array:
        """The loss for plotting a grid of ``theta`` (..., 2): ``value`` unless a cheaper exact form exists."""
        return self.value(np.asarray(theta, dtype=float))

    def gradient_into(self, theta: Array, out: Array) -> Array:
        """Write the gradient at ``theta`` (B, 2) into ``out`` (B, 2): the batched driver's path.

        Bit-for-bit equal to ``gradient``, so batched and single runs agree exactly.
        """
        out[...] = self.gradient(theta)
        return out

    @property
    def minima(self) -> tuple[Array, ...]:
        """Every global minimum; empty when the function has none."""
        return ()

    @property
    def optimum(self) -> Array | None:
        """The reference minimum (first of ``minima``), or None."""
        return self.minima[0] if self.minima else None

    @property
    def window(self) -> Window:
        """A plot window that shows the interesting part of the landscape."""
        return ((-5.0, 5.0), (-5.0, 5.0))

    @property
    def box(self) -> float:
        """Runs whose parameters leave [-box, box]^2 are diverged."""
        (x0, x1), (y0, y1) = self.window
        return 1e3 * max(abs(x0), abs(x1), abs(y0), abs(y1))

    @property
    def log_scale(self) -> bool:
        """Whether contour levels are best spaced logarithmically."""
        return True

    def nearest_optimum(self, theta: Array) -> Array | None:
        """The minimum closest to each row of ``theta`` (..., 2), or None."""
        if not self.minima:
            return None
        theta = np.asarray(theta, dtype=float)
        stacked = np.stack(self.minima)  # (M, 2)
        distances = np.linalg.norm(theta[..., None, :] - stacked, axis=-1)
        return stacked[np.argmin(distances, axis=-1)]

    def distance_to_optimum(self, theta: Array) -> Array | None:
        """Euclidean distance of each row of ``theta`` to its nearest minimum."""
        nearest = self.nearest_optimum(theta)
        if nearest is None:
            return None
        return np.linalg.norm(np.asarray(theta, dtype=float) - nearest, axis=-1)

    def describe(self) -> str:
        """A one-line formula for captions."""
        return self.kind


def _xy(theta: Any) -> tuple[Any, Any]:
    return theta[..., 0], theta[..., 1]


def _symmetric(xx: Any, xy: Any, yy: Any) -> Array:
    """Stack the entries of symmetric 2 × 2 matrices, broadcast together, into (..., 2, 2)."""
    xx, xy, yy = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (xx, xy, yy)))
    return np.stack([np.stack([xx, xy], axis=-1), np.stack([xy, yy], axis=-1)], axis=-2)


def _constant(matrix: Array, theta: Array) -> Array:
    """``matrix`` (2, 2) repeated for every row of ``theta`` (..., 2)."""
    return np.broadcast_to(matrix, np.shape(theta)[:-1] + (2, 2)).copy()


class PointwiseProblem(Problem):
    """A function of (x, y) computed element by element, its gradient from ``partials``."""

    @abstractmethod
    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        """(∂f/∂x, ∂f/∂y) at arrays ``x`` and ``y`` of one shape."""

    def gradient(self, theta: Array) -> Array:
        return np.stack(self.partials(*_xy(np.asarray(theta))), axis=-1)

    def gradient_into(self, theta: Array, out: Array) -> Array:
        # Column views: contiguous when the batch is Fortran-ordered, as run_batch keeps it.
        out[:, 0], out[:, 1] = self.partials(theta[:, 0], theta[:, 1])
        return out


@dataclass(frozen=True)
class Rosenbrock(PointwiseProblem):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2, minimum at (a, a^2)."""

    a: float = 1.0
    b: float = 100.0
    kind: ClassVar[str] = "rosenbrock"
    default_start: ClassVar[tuple[float, float]] = (-1.5, 2.5)

    def value(self, theta: Any, xp: Any = np) -> Any:
        x, y = _xy(theta)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        inner = y - x * x
        return -2.0 * (self.a - x) - 4.0 * self.b * x * inner, 2.0 * self.b * inner

    def gradient_into(self, theta: Array, out: Array) -> Array:
        # ``partials`` operation for operation, without temporaries: sweeps spend their time here.
        x, y = theta[:, 0], theta[:, 1]
        dx, dy = out[:, 0], out[:, 1]
        inner = np.subtract(y, np.multiply(x, x, out=dy), out=dy)
        term = np.multiply(np.subtract(self.a, x), -2.0, out=np.empty_like(x))
        np.multiply(np.multiply(x, 4.0 * self.b, out=dx), inner, out=dx)
        np.subtract(term, dx, out=dx)
        np.multiply(inner, 2.0 * self.b, out=dy)
        return out

    def hessian_at(self, theta: Array) -> Array:
        x, y = _xy(np.asarray(theta, dtype=float))
        return _symmetric(2.0 - 4.0 * self.b * y + 12.0 * self.b * x * x, -4.0 * self.b * x, 2.0 * self.b)

    @property
    def minima(self) -> tuple[Array, ...]:
        return (np.array([self.a, self.a**2]),)

    @property
    def window(self) -> Window:
        return ((self.a - 3.0, self.a + 3.0), (self.a**2 - 2.0, self.a**2 + 2.0))

    def describe(self) -> str:
        return f"({self.a:g} − x)² + {self.b:g}(y − x²)²"


@dataclass(frozen=True)
class Quadratic(PointwiseProblem):
    """f(θ) = ½ θᵀ H θ with H = R diag(1, κ) Rᵀ (eigenvalues m = 1, L = κ)."""

    kappa: float = 100.0
    angle: float = 30.0
    kind: ClassVar[str] = "quadratic"
    default_start: ClassVar[tuple[float, float]] = (-4.0, 3.0)

    @cached_property
    def hessian(self) -> Array:
        """The constant Hessian H."""
        phi = np.deg2rad(self.angle)
        rotation = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
        return rotation @ np.diag([1.0, self.kappa]) @ rotation.T

    @property
    def eigenvalues(self) -> tuple[float, float]:
        """(m, L): the smallest and largest curvature."""
        return 1.0, float(self.kappa)

    def value(self, theta: Any, xp: Any = np) -> Any:
        (h11, h12), (_, h22) = self.hessian
        x, y = _xy(theta)
        return 0.5 * (h11 * x * x + 2.0 * h12 * x * y + h22 * y * y)

    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        (h11, h12), (_, h22) = self.hessian
        return h11 * x + h12 * y, h12 * x + h22 * y

    def gradient_into(self, theta: Array, out: Array) -> Array:
        # ``partials`` operation for operation with one temporary: long theory runs spend their time here.
        (h11, h12), (_, h22) = self.hessian
        x, y = theta[:, 0], theta[:, 1]
        term = np.multiply(y, h12)
        np.add(np.multiply(x, h11, out=out[:, 0]), term, out=out[:, 0])
        np.multiply(y, h22, out=term)
        np.add(np.multiply(x, h12, out=out[:, 1]), term, out=out[:, 1])
        return out

    def hessian_at(self, theta: Array) -> Array:
        (h11, h12), (_, h22) = self.hessian  # the entries ``partials`` uses, so exactly symmetric
        return _constant(_symmetric(h11, h12, h22), theta)

    @property
    def minima(self) -> tuple[Array, ...]:
        return (np.zeros(2),)

    def describe(self) -> str:
        return f"½ θᵀHθ, κ = {self.kappa:g}, rotated {self.angle:g}°"


@dataclass(frozen=True)
class Beale(PointwiseProblem):
    """Beale's function, minimum at (3, 0.5)."""

    kind: ClassVar[str] = "beale"
    default_start: ClassVar[tuple[float, float]] = (1.0, 1.5)

    def value(self, theta: Any, xp: Any = np) -> Any:
        x, y = _xy(theta)
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y**2
        t3 = 2.625 - x + x * y**3
        dx = 2.0 * (t1 * (y - 1.0) + t2 * (y**2 - 1.0) + t3 * (y**3 - 1.0))
        dy = 2.0 * x * (t1 + 2.0 * t2 * y + 3.0 * t3 * y**2)
        return dx, dy

    def hessian_at(self, theta: Array) -> Array:
        """2 Σₖ (∇tₖ ∇tₖᵀ + tₖ ∇²tₖ) for the three terms tₖ = cₖ − x + x yᵏ."""
        x, y = _xy(np.asarray(theta, dtype=float))
        terms = (1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3)
        dx = (y - 1.0, y**2 - 1.0, y**3 - 1.0)
        dy = (x, 2.0 * x * y, 3.0 * x * y**2)
        dxy = (1.0, 2.0 * y, 3.0 * y**2)
        dyy = (0.0, 2.0 * x, 6.0 * x * y)
        xx = 2.0 * sum(a * a for a in dx)
        xy = 2.0 * sum(a * b + t * c for a, b, t, c in zip(dx, dy, terms, dxy))
        yy = 2.0 * sum(b * b + t * d for b, t, d in zip(dy, terms, dyy))
        return _symmetric(xx, xy, yy)

    @property
    def minima(self) -> tuple[Array, ...]:
        return (np.array([3.0, 0.5]),)

    @property
    def window(self) -> Window:
        return ((-4.5, 4.5), (-4.5, 4.5))

    def describe(self) -> str:
        return "Beale: Σₖ (cₖ − x + x yᵏ)², c = (1.5, 2.25, 2.625)"


@dataclass(frozen=True)
class Himmelblau(PointwiseProblem):
    """f(x, y) = (x² + y − 11)² + (x + y² − 7)², four global minima."""

    kind: ClassVar[str] = "himmelblau"
    default_start: ClassVar[tuple[float, float]] = (0.0, 0.0)

    def value(self, theta: Any, xp: Any = np) -> Any:
        x, y = _xy(theta)
        return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2

    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        u = x * x + y - 11.0
        w = x + y * y - 7.0
        return 4.0 * x * u + 2.0 * w, 2.0 * u + 4.0 * y * w

    def hessian_at(self, theta: Array) -> Array:
        x, y = _xy(np.asarray(theta, dtype=float))
        u, w = x * x + y - 11.0, x + y * y - 7.0
        return _symmetric(8.0 * x * x + 4.0 * u + 2.0, 4.0 * (x + y), 8.0 * y * y + 4.0 * w + 2.0)

    @property
    def minima(self) -> tuple[Array, ...]:
        return (
            np.array([3.0, 2.0]),
            np.array([-2.805118086952745, 3.131312518250573]),
            np.array([-3.779310253377747, -3.283185991286170]),
            np.array([3.584428340330492, -1.848126526964404]),
        )

    @property
    def window(self) -> Window:
        return ((-6.0, 6.0), (-6.0, 6.0))

    def describe(self) -> str:
        return "(x² + y − 11)² + (x + y² − 7)²"


@dataclass(frozen=True)
class Saddle(PointwiseProblem):
    """f(x, y) = x² − y²: a saddle point at 0 and no minimum."""

    kind: ClassVar[str] = "saddle"
    has_minimum: ClassVar[bool] = False
    default_start: ClassVar[tuple[float, float]] = (-4.0, 0.01)

    def value(self, theta: Any, xp: Any = np) -> Any:
        x, y = _xy(theta)
        return x * x - y * y

    def partials(self, x: Array, y: Array) -> tuple[Array, Array]:
        return 2.0 * x, -2.0 * y

    def hessian_at(self, theta: Array) -> Array:
        return _constant(np.diag([2.0, -2.0]), theta)

    @property
    def box(self) -> float:
        return 1e3

    @property
    def log_scale(self) -> bool:
        return False

    def describe(self) -> str:
        return "x² − y²"


# Rows of theta evaluated together against the data: bounds a temporary to about 8 MB.
_ELEMENTS_PER_CHUNK = 2**20


@dataclass(frozen=True, eq=False)
class LinearRegression(Problem):
    """L(a, b) = mean((a·x + b − y)²) over a data set; minimum = least squares.

    The loss of a line depends on the data only through five moments, so the numpy
    gradient and the plotted surface cost O(1) per point whatever the data size;
    recorded losses are evaluated exactly over the data, a bounded number of rows at
    a time. TensorFlow differentiates the same ``value`` over the data.

    Compared and hashed by identity (its data are arrays); the other problems, by value.
    """

    x: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    y: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    kind: ClassVar[str] = "linear_regression"
    has_data: ClassVar[bool] = True
    labels: ClassVar[tuple[str, str]] = ("a (slope)", "b (intercept)")
    default_start: ClassVar[tuple[float, float]] = (-20.0, -20.0)

    def __post_init__(self) -> None:
        if len(self.x) < 2 or len(self.x) != len(self.y):
            raise ValueError("linear_regression needs at least two (x, y) points of equal length")

    @cached_property
    def moments(self) -> tuple[float, float, float, float, float]:
        """(mean x², mean x, mean x·y, mean y, mean y²) of the data."""
        x, y = self.x, self.y
        return tuple(float(np.mean(v)) for v in (x * x, x, x * y, y, y * y))  # type: ignore[return-value]

    def value(self, theta: Any, xp: Any = np) -> Any:
        if xp is not np:
            return self._residual_mean_square(theta, xp)
        theta = np.asarray(theta, dtype=float)
        rows = theta.reshape(-1, 2)
        out = np.empty(len(rows))
        step = max(1, _ELEMENTS_PER_CHUNK // len(self.x))
        for first in range(0, len(rows), step):
            out[first : first + step] = self._residual_mean_square(rows[first : first + step], np)
        return out.reshape(theta.shape[:-1])

    def _residual_mean_square(self, theta: Any, xp: Any) -> Any:
        residual = theta[..., 0:1] * self.x + theta[..., 1:2] - self.y
        return xp.mean(residual * residual, axis=-1)

    def gradient(self, theta: Array) -> Array:
        """2·(a·E[x²] + b·E[x] − E[xy], a·E[x] + b − E[y]) from the data's moments."""
        xx, mx, xy, my, _ = self.moments
        a, b = _xy(np.asarray(theta, dtype=float))
        return np.stack([2.0 * (a * xx + b * mx - xy), 2.0 * (a * mx + b - my)], axis=-1)

    def gradient_into(self, theta: Array, out: Array) -> Array:
        xx, mx, xy, my, _ = self.moments
        a, b = theta[:, 0], theta[:, 1]
        out[:, 0] = 2.0 * (a * xx + b * mx - xy)
        out[:, 1] = 2.0 * (a * mx + b - my)
        return out

    def hessian_at(self, theta: Array) -> Array:
        """2·[[E[x²], E[x]], [E[x], 1]]: constant, from the data's moments."""
        xx, mx, _, _, _ = self.moments
        return _constant(2.0 * np.array([[xx, mx], [mx, 1.0]]), theta)

    def surface(self, theta: Array) -> Array:
        """The loss from the moments (O(1) per point), for plotting; clipped at 0 against rounding."""
        xx, mx, xy, my, yy = self.moments
        a, b = _xy(np.asarray(theta, dtype=float))
        value = a * a * xx + 2.0 * a * b * mx + b * b - 2.0 * a * xy - 2.0 * b * my + yy
        return np.maximum(value, 0.0)

    @cached_property
    def minima(self) -> tuple[Array, ...]:
        design = np.column_stack([self.x, np.ones_like(self.x)])
        solution, *_ = np.linalg.lstsq(design, self.y, rcond=None)
        return (solution,)

    @property
    def window(self) -> Window:
        a, b = self.minima[0]
        return ((a - 35.0, a + 35.0), (b - 35.0, b + 35.0))

    def describe(self) -> str:
        return f"mean((a·x + b − y)²) over {len(self.x)} points"


PROBLEM_TYPES: Mapping[str, type[Problem]] = {
    cls.kind: cls for cls in (LinearRegression, Rosenbrock, Quadratic, Beale, Himmelblau, Saddle)
}


def make_problem(kind: str, params: Mapping[str, float] | None = None, data: Mapping[str, Array] | None = None) -> Problem:
    """Build a problem from its kind, its own parameters and (for regression) its data."""
    try:
        cls = PROBLEM_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown problem kind {kind!r}; known: {sorted(PROBLEM_TYPES)}") from None
    if cls is LinearRegression:
        if data is None:
            raise ValueError("linear_regression needs a data set (x, y)")
        return LinearRegression(x=np.asarray(data["x"], float), y=np.asarray(data["y"], float))
    fields = getattr(cls, "__dataclass_fields__", {})
    return cls(**{k: float(v) for k, v in (params or {}).items() if k in fields})

