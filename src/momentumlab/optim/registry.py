"""The method registry: one entry per optimizer method holds every fact about it.

An entry names the method's family, its hyperparameters (Keras 3.15's names, defaults and the
ranges the config accepts), the hyperparameter that plays momentum's part (a sweep's second axis)
and its label, the numpy transform and the Keras factory. Everything else reads the entries: the
config schema's enums and hyperparameter properties (:mod:`momentumlab.optim.schema`), the config
lookups below, the sweep's axis label, both backends and the tests. Adding a method is one entry
here plus its transform module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import numpy as np

from momentumlab.optim import adagrad, adam, adamax, lion, rmsprop, sgd
from momentumlab.optim.base import Array, Optimizer
from momentumlab.schedules import CONSTANT, Schedule

# Numbers keep the schema's types (0 and 1 are ints): a range error prints them as written.
_FRACTION = {"type": "number", "minimum": 0, "exclusiveMaximum": 1}
_TUNABLE_FRACTION = {"type": ["number", "string"], "minimum": 0, "exclusiveMaximum": 1, "pattern": "^tuned$"}


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: Keras' name and default, and the config's JSON-schema type and range."""

    name: str
    default: Any
    schema: Mapping[str, Any]
    note: str = ""  # what the schema's description says beyond who takes it and the default


@dataclass(frozen=True)
class MethodSpec:
    """Every fact about one method.

    ``transform(learning_rate=, momentum=, schedule=, options=)`` builds the numpy
    :class:`~momentumlab.optim.base.Optimizer`; ``keras(learning_rate, momentum, options)`` the
    ``keras.optimizers`` object (hyperparameters already ``np.float64``; keras imported inside).
    """

    name: str
    family: str  # "sgd" or "adaptive": the adaptive methods' lr is a per-coordinate step size
    hyperparameters: tuple[Hyperparameter, ...]
    momentum_key: str | None  # the hyperparameter that is the sweep's second axis; None: lr alone
    axis_label: str  # that hyperparameter's label on a sweep's axis
    transform: Callable[..., Optimizer]
    keras: Callable[[Any, np.float64, Mapping[str, Any]], Any]
    models: bool = False  # model experiments may train with it

    @property
    def defaults(self) -> dict[str, Any]:
        """Keras' default of every hyperparameter, in Keras' order."""
        return {h.name: h.default for h in self.hyperparameters}


MOMENTUM = Hyperparameter("momentum", 0.0, _TUNABLE_FRACTION)
MOMENTUM_FORM = Hyperparameter("momentum_form", "keras", {"enum": list(sgd.MOMENTUM_FORMS)}, note=(
    "keras (default): v ← μv − ηg, θ ← θ + v. pytorch: b ← μb + g, θ ← θ − ηb. The same "
    "trajectory with a constant rate, different under a schedule."))
BETA_1 = Hyperparameter("beta_1", 0.9, _TUNABLE_FRACTION)
BETA_2 = Hyperparameter("beta_2", 0.999, _FRACTION)
EPSILON = Hyperparameter("epsilon", 1e-7, {"type": "number", "exclusiveMinimum": 0, "maximum": 1.0e3})
RHO = Hyperparameter("rho", 0.9, _FRACTION)
CENTERED = Hyperparameter("centered", False, {"type": "boolean"})
INITIAL_ACCUMULATOR_VALUE = Hyperparameter("initial_accumulator_value", 0.1, {"type": "number", "minimum": 0, "maximum": 1.0e6})
# Keras' weight_decay None is 0 here.
WEIGHT_DECAY = Hyperparameter("weight_decay", 0.0, {"type": "number", "minimum": 0, "maximum": 1.0e3}, note=(
    "Keras' decoupled weight decay θ ← θ − θ·wd·η. It is not part of the loss, so it moves the "
    "problem's minimum towards 0."))

MU = "momentum μ"
ADAM_BETA_1 = "β₁ (momentum of the Adam family)"
_ADAM = (BETA_1, BETA_2, EPSILON, WEIGHT_DECAY)

REGISTRY: Mapping[str, MethodSpec] = {spec.name: spec for spec in (
    MethodSpec("sgd", "sgd", (), None, MU, sgd.SGD, sgd.keras_sgd, models=True),
    MethodSpec("momentum", "sgd", (MOMENTUM, MOMENTUM_FORM), "momentum", MU, sgd.heavy_ball, sgd.keras_sgd, models=True),
    MethodSpec("nesterov", "sgd", (MOMENTUM, MOMENTUM_FORM), "momentum", MU, sgd.nesterov, sgd.keras_nesterov, models=True),
    MethodSpec("adagrad", "adaptive", (INITIAL_ACCUMULATOR_VALUE, EPSILON, WEIGHT_DECAY), None, MU,
               adagrad.Adagrad, adagrad.keras_adagrad),
    MethodSpec("rmsprop", "adaptive", (RHO, MOMENTUM, EPSILON, CENTERED, WEIGHT_DECAY), "momentum", "RMSProp momentum",
               rmsprop.RMSprop, rmsprop.keras_rmsprop),
    MethodSpec("adam", "adaptive", _ADAM, "beta_1", ADAM_BETA_1, adam.Adam, adam.keras_adam),
    MethodSpec("nadam", "adaptive", _ADAM, "beta_1", ADAM_BETA_1, adam.Nadam, adam.keras_nadam),
    MethodSpec("adamw", "adaptive", (BETA_1, BETA_2, EPSILON, replace(WEIGHT_DECAY, default=0.004)), "beta_1", ADAM_BETA_1,
               adam.AdamW, adam.keras_adamw),
    MethodSpec("adamax", "adaptive", _ADAM, "beta_1", ADAM_BETA_1, adamax.Adamax, adamax.keras_adamax),
    MethodSpec("lion", "adaptive", (BETA_1, replace(BETA_2, default=0.99), WEIGHT_DECAY), "beta_1", "β₁ (Lion's interpolation)",
               lion.Lion, lion.keras_lion),
)}

# Views of the registry, for the code that asks one question of every method.
METHODS = tuple(REGISTRY)
SGD_FAMILY = tuple(name for name, spec in REGISTRY.items() if spec.family == "sgd")
ADAPTIVE = tuple(name for name, spec in REGISTRY.items() if spec.family == "adaptive")
MODEL_METHODS = tuple(name for name, spec in REGISTRY.items() if spec.models)
MOMENTUM_KEY: Mapping[str, str | None] = {name: spec.momentum_key for name, spec in REGISTRY.items()}
DEFAULTS: Mapping[str, Mapping[str, Any]] = {name: spec.defaults for name, spec in REGISTRY.items()}
# The adaptive family's default search range of a tuned lr (a per-coordinate step size, whatever the
# gradient's scale); the SGD family's is the experiment's sweep range. The schema states both.
ADAPTIVE_TUNING_LR = (1e-4, 10.0)


def method_spec(method: str) -> MethodSpec:
    """The registry entry of ``method``; a ValueError names the known ones."""
    try:
        return REGISTRY[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; known: {list(METHODS)}") from None


def resolve(method: str, momentum: Any, options: Mapping[str, Any]) -> tuple[MethodSpec, Any, dict[str, Any]]:
    """The entry of ``method``, its momentum-axis value and its other hyperparameters, defaults filled.

    ``momentum`` (None: the default) is the value of the entry's ``momentum_key``, which may be
    given in ``options`` instead; an option the method does not take is refused.
    """
    spec = method_spec(method)
    key = spec.momentum_key
    settings = spec.defaults
    unknown = sorted(set(options) - set(settings))
    if unknown:
        raise ValueError(f"method {method} has no option {unknown[0]!r}; it takes {sorted(settings)}")
    settings.update(options)
    if key is not None and key in options and momentum is not None:
        raise ValueError(f"give {key} once: as momentum= or as {key}=")
    axis = settings.pop(key) if key is not None else 0.0
    if momentum is not None and key is not None:
        axis = momentum
    return spec, axis, settings


def make_optimizer(
    method: str,
    learning_rate: float | Array,
    momentum: float | Array | None = None,
    *,
    schedule: Schedule | None = None,
    **options: Any,
) -> Optimizer:
    """The numpy optimizer of ``method`` with scalar or per-row (B,) η and momentum (μ or β₁).

    ``momentum`` is the method's momentum-axis value (``MOMENTUM_KEY``), which may be given by
    its own name instead; other ``options`` are the method's Keras hyperparameters (``DEFAULTS``).
    """
    spec, axis, settings = resolve(method, momentum, options)
    lr = np.atleast_1d(np.asarray(learning_rate, dtype=np.float64))[:, None]
    mu = np.atleast_1d(np.asarray(axis, dtype=np.float64))[:, None]
    if spec.momentum_key is None:
        mu = np.zeros_like(mu)
    return spec.transform(learning_rate=lr, momentum=mu, schedule=schedule or CONSTANT, options=settings)
