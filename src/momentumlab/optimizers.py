"""Gradient-descent optimizers as small transformations on batches.

Parameters have shape (B, d); the learning rate η and the method's momentum (μ, or β₁ for the
Adam family) are per row (B,), so one call advances B independent runs. ``init`` and ``step``
are pure (``step`` returns new params and state); ``step_into`` is the in-place twin the
training loops call, which overwrites ``params``, ``state`` and ``grad``. ``step(params, grad,
state, t)`` takes ``t``, the number of steps already taken (Keras' ``iterations``), which the
schedule and the bias corrections read. The rules follow Keras 3's ``update_step`` operation for
operation (``keras/src/optimizers/*.py``), so numpy and TensorFlow agree to rounding:

- ``sgd``:       θ ← θ − η g
- ``momentum``:  v ← μ v − η g;  θ ← θ + v              (heavy ball; ``momentum_form: keras``)
                 b ← μ b + g;    θ ← θ − η b            (``momentum_form: pytorch``)
- ``nesterov``:  v ← μ v − η g;  θ ← θ + μ v − η g      (Keras) / θ ← θ − η (g + μ b) (PyTorch)
- ``adagrad``:   a ← a + g²;  θ ← θ − η g / √(a + ε)
- ``rmsprop``:   s ← ρ s + (1 − ρ) g²  [centered: c ← ρ c + (1 − ρ) g, s − c²];
                 u ← μ u + η g / √(s + ε);  θ ← θ − u
- ``adam``:      m ← m + (g − m)(1 − β₁); s ← s + (g² − s)(1 − β₂);
                 θ ← θ − m·η√(1 − β₂ᵗ)/(1 − β₁ᵗ) / (√s + ε)
- ``nadam``:     Adam's moments with Dozat's momentum cache μₜ = β₁(1 − ½·0.96ᵗ)
- ``adamw``:     Adam with Keras' default decoupled weight decay (0.004)

Keras' ``weight_decay`` (any adaptive method here) shrinks θ ← θ − θ·wd·η before the gradient
step, decoupled from the loss: it moves a problem's minimum towards 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

import numpy as np

from momentumlab.schedules import CONSTANT, Schedule

Array = np.ndarray
State = Any  # an array, or a tuple of arrays shaped like the parameters
SGD_FAMILY = ("sgd", "momentum", "nesterov")
ADAPTIVE = ("adagrad", "rmsprop", "adam", "nadam", "adamw")
METHODS = SGD_FAMILY + ADAPTIVE
MOMENTUM_FORMS = ("keras", "pytorch")
# The hyperparameter that plays momentum's part (a sweep's second axis); None: the method has none.
MOMENTUM_KEY: dict[str, str | None] = {
    "sgd": None, "momentum": "momentum", "nesterov": "momentum", "adagrad": None,
    "rmsprop": "momentum", "adam": "beta_1", "nadam": "beta_1", "adamw": "beta_1",
}
_ADAM = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "weight_decay": 0.0}
# Keras 3.15's defaults; weight_decay 0 is Keras' None.
DEFAULTS: dict[str, dict[str, Any]] = {
    "sgd": {}, "momentum": {"momentum": 0.0, "momentum_form": "keras"},
    "nesterov": {"momentum": 0.0, "momentum_form": "keras"},
    "adagrad": {"initial_accumulator_value": 0.1, "epsilon": 1e-7, "weight_decay": 0.0},
    "rmsprop": {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False, "weight_decay": 0.0},
    "adam": dict(_ADAM), "nadam": dict(_ADAM), "adamw": {**_ADAM, "weight_decay": 0.004},
}
# Nadam's hard-coded momentum-cache decay: ``ops.cast(0.96, float64)`` in Keras' update_step goes
# through a float32 tensor (0.959999978...), while its u-product update uses ``ops.power(0.96, t)``
# with the Python float kept at float64. Nothing outside Keras can change either.
NADAM_DECAY_STEP = np.float64(np.float32(0.96))
NADAM_DECAY_PRODUCT = np.float64(0.96)


def map_state(function: Any, *states: State) -> State:
    """``function`` applied slot by slot to one or more states of the same structure."""
    if isinstance(states[0], tuple):
        return tuple(function(*slots) for slots in zip(*states))
    return function(*states)


@dataclass(frozen=True)
class Optimizer:
    """A method with per-row η and momentum (μ or β₁); ``init`` and ``step`` are pure, ``step_into`` mutates."""

    learning_rate: Array  # (B, 1), or spread like the parameters
    momentum: Array  # (B, 1): μ, or β₁ for the Adam family
    schedule: Schedule = CONSTANT
    options: Mapping[str, Any] = field(default_factory=dict)  # the method's scalar hyperparameters
    method: ClassVar[str] = ""

    def rate(self, t: int) -> Array:
        """η at step ``t``: ``lr · factor(t)`` (the same array when the schedule is constant)."""
        return self.learning_rate if self.schedule.is_constant else self.learning_rate * self.schedule.factor(t)

    def option(self, name: str) -> Any:
        """A scalar hyperparameter as Keras sees it (an ``np.float64``, or a bool)."""
        value = self.options[name]
        return value if isinstance(value, bool) else np.float64(value)

    def init(self, params: Array) -> State:
        """The initial state: a zero velocity shaped like ``params``."""
        return np.zeros_like(params)

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        """One update; returns the new (params, state)."""
        raise NotImplementedError

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        """``step`` in place, bit for bit: updates ``params`` and ``state``, may overwrite ``grad``."""
        new_params, new_state = self.step(params, grad, state, t)
        params[...] = new_params
        map_state(lambda old, new: old.__setitem__(Ellipsis, new), state, new_state)

    def _decayed(self, params: Array, lr: Array) -> Array:
        """Keras' decoupled weight decay, applied before the update: θ − θ·wd·η."""
        decay = self.options.get("weight_decay", 0.0)
        return params - params * np.float64(decay) * lr if decay else params


class SGD(Optimizer):
    """Plain gradient descent: θ ← θ − η g (the state is unused)."""

    method = "sgd"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        return params - grad * self.rate(t), state

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.subtract(params, np.multiply(grad, self.rate(t), out=grad), out=params)


class Momentum(Optimizer):
    """Heavy ball, Keras' form: v ← μ v − η g, θ ← θ + v."""

    method = "momentum"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        velocity = state * self.momentum - grad * self.rate(t)
        return params + velocity, velocity

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.multiply(grad, self.rate(t), out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        np.add(params, state, out=params)


class Nesterov(Optimizer):
    """Nesterov in Keras' form: v ← μ v − η g, θ ← θ + μ v − η g."""

    method = "nesterov"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        lr = self.rate(t)
        velocity = state * self.momentum - grad * lr
        return params + (velocity * self.momentum - grad * lr), velocity

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.multiply(grad, self.rate(t), out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        # p + (μv − ηg) = p − (ηg − μv) exactly: rounding is symmetric, so grad can hold the difference.
        np.subtract(params, np.subtract(grad, state * self.momentum, out=grad), out=params)


class MomentumGradientUnits(Optimizer):
    """Heavy ball as PyTorch, optax and TF1 write it: b ← μ b + g, θ ← θ − η b."""

    method = "momentum"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        buffer = state * self.momentum + grad
        return params - self.rate(t) * buffer, buffer


class NesterovGradientUnits(Optimizer):
    """Nesterov as PyTorch, optax and TF1 write it: b ← μ b + g, θ ← θ − η (g + μ b)."""

    method = "nesterov"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        buffer = state * self.momentum + grad
        return params - self.rate(t) * (grad + self.momentum * buffer), buffer


class Adagrad(Optimizer):
    """Keras' Adagrad: a ← a + g², θ ← θ − (η g) / √(a + ε); a starts at ``initial_accumulator_value``."""

    method = "adagrad"

    def init(self, params: Array) -> State:
        return (np.full_like(params, self.option("initial_accumulator_value")),)

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        lr = self.rate(t)
        accumulator = state[0] + np.square(grad)
        params = self._decayed(params, lr)
        return params - (lr * grad) / np.sqrt(accumulator + self.option("epsilon")), (accumulator,)


class RMSprop(Optimizer):
    """Keras' RMSprop: ε inside the root, momentum on the scaled step, optionally centered."""

    method = "rmsprop"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params), np.zeros_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        velocity, buffer, average = state
        lr, rho, epsilon = self.rate(t), self.option("rho"), self.option("epsilon")
        velocity = rho * velocity + (1 - rho) * np.square(grad)
        if self.options.get("centered", False):
            average = rho * average + (1 - rho) * grad
            denominator = velocity - np.square(average) + epsilon
        else:
            denominator = velocity + epsilon
        increment = (lr * grad) / np.sqrt(denominator)
        # μ = 0 gives 0·u + increment = increment exactly: Keras' no-momentum branch.
        buffer = self.momentum * buffer + increment
        return self._decayed(params, lr) - buffer, (velocity, buffer, average)


class Adam(Optimizer):
    """Keras' Adam: ε outside the root, bias correction folded into the step size α."""

    method = "adam"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        first, second = state
        lr, beta_1, beta_2 = self.rate(t), self.momentum, self.option("beta_2")
        local_step = np.float64(t + 1)
        alpha = lr * np.sqrt(1 - beta_2**local_step) / (1 - beta_1**local_step)
        first = first + (grad - first) * (1 - beta_1)
        second = second + (np.square(grad) - second) * (1 - beta_2)
        params = self._decayed(params, lr)
        return params - (first * alpha) / (np.sqrt(second) + self.option("epsilon")), (first, second)


class AdamW(Adam):
    """Adam with Keras' default weight decay (0.004), decoupled from the gradient."""

    method = "adamw"


class Nadam(Optimizer):
    """Keras' Nadam: Adam's moments, Nesterov look-ahead through Dozat's momentum cache."""

    method = "nadam"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params), np.ones_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        first, second, product = state
        lr, beta_1, beta_2 = self.rate(t), self.momentum, self.option("beta_2")
        local_step, next_step = np.float64(t + 1), np.float64(t + 2)
        product = product * beta_1 * (1.0 - 0.5 * NADAM_DECAY_PRODUCT**local_step)
        cache = beta_1 * (1.0 - 0.5 * NADAM_DECAY_STEP**local_step)
        next_cache = beta_1 * (1.0 - 0.5 * NADAM_DECAY_STEP**next_step)
        next_product = product * next_cache
        first = first + (grad - first) * (1 - beta_1)
        second = second + (np.square(grad) - second) * (1 - beta_2)
        first_hat = (next_cache * first) / (1 - next_product) + ((1 - cache) * grad) / (1 - product)
        second_hat = second / (1 - beta_2**local_step)
        params = self._decayed(params, lr)
        step = (first_hat * lr) / (np.sqrt(second_hat) + self.option("epsilon"))
        return params - step, (first, second, product)


_TYPES: dict[str, type[Optimizer]] = {
    cls.method: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, Nadam, AdamW)
}
_GRADIENT_UNITS: dict[str, type[Optimizer]] = {"momentum": MomentumGradientUnits, "nesterov": NesterovGradientUnits}


def make_optimizer(
    method: str,
    learning_rate: float | Array,
    momentum: float | Array | None = None,
    *,
    schedule: Schedule | None = None,
    **options: Any,
) -> Optimizer:
    """An optimizer for ``method`` with scalar or per-row (B,) η and momentum (μ or β₁).

    ``momentum`` is the method's momentum-axis value (``MOMENTUM_KEY``); β₁ may be given as
    ``beta_1`` instead. Other ``options`` are the method's Keras hyperparameters (``DEFAULTS``).
    """
    try:
        cls = _TYPES[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; known: {list(METHODS)}") from None
    key = MOMENTUM_KEY[method]
    settings = dict(DEFAULTS[method])
    unknown = sorted(set(options) - set(settings))
    if unknown:
        raise ValueError(f"method {method} has no option {unknown[0]!r}; it takes {sorted(settings)}")
    settings.update(options)
    if key is not None and key in options and momentum is not None:
        raise ValueError(f"give {key} once: as momentum= or as {key}=")
    axis = settings.pop(key) if key is not None else 0.0
    if momentum is not None and key is not None:
        axis = momentum
    if settings.get("momentum_form", "keras") not in MOMENTUM_FORMS:
        raise ValueError(f"unknown momentum_form {settings['momentum_form']!r}; known: {list(MOMENTUM_FORMS)}")
    if settings.pop("momentum_form", "keras") == "pytorch":
        cls = _GRADIENT_UNITS[method]
    lr = np.atleast_1d(np.asarray(learning_rate, dtype=np.float64))[:, None]
    mu = np.atleast_1d(np.asarray(axis, dtype=np.float64))[:, None]
    if method == "sgd":
        mu = np.zeros_like(mu)
    return cls(learning_rate=lr, momentum=mu, schedule=schedule or CONSTANT, options=settings)
