"""Config for the adaptive methods, schedules and momentum forms: accepted shapes, one-line refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from momentumlab.config import ConfigError, parse_config
from momentumlab.schedules import Schedule

WHERE = "experiments.valley.optimizers"


def config_with(optimizer: dict[str, Any]) -> dict[str, Any]:
    return {"experiments": {"valley": {"problem": "rosenbrock", "optimizers": {
        "heavy": {"method": "momentum", "lr": 1e-3, "momentum": 0.9}, "opt": copy.deepcopy(optimizer)}}}}


def test_adaptive_methods_take_keras_names_and_defaults() -> None:
    spec = parse_config(config_with({"method": "adam", "lr": 0.01, "beta_2": 0.99})).experiment("valley").optimizer("opt")
    assert spec.momentum == 0.9 and spec.momentum_key == "beta_1"
    assert spec.options == {"beta_2": 0.99, "epsilon": 1e-7, "weight_decay": 0.0}
    spec = parse_config(config_with({"method": "rmsprop", "lr": 0.01, "centered": True})).experiment("valley").optimizer("opt")
    assert spec.momentum == 0.0 and spec.options["centered"] is True and spec.options["rho"] == 0.9
    spec = parse_config(config_with({"method": "adamw", "lr": 0.01})).experiment("valley").optimizer("opt")
    assert spec.options["weight_decay"] == 0.004


def test_adamax_and_lion_take_their_keras_hyperparameters() -> None:
    spec = parse_config(config_with({"method": "adamax", "lr": 0.01})).experiment("valley").optimizer("opt")
    assert spec.momentum == 0.9 and spec.momentum_key == "beta_1"
    assert spec.options == {"beta_2": 0.999, "epsilon": 1e-7, "weight_decay": 0.0}
    spec = parse_config(config_with({"method": "lion", "lr": 0.01, "beta_1": "tuned"})).experiment("valley").optimizer("opt")
    assert spec.momentum is None and spec.tuned == ("beta_1",) and spec.options == {"beta_2": 0.99, "weight_decay": 0.0}


def test_schedules_and_momentum_forms_are_read() -> None:
    entry = {"method": "momentum", "lr": 1e-3, "momentum": 0.9, "momentum_form": "pytorch",
             "schedule": {"kind": "piecewise", "boundaries": [100, 200], "values": [1.0, 0.5, 0.25]}}
    spec = parse_config(config_with(entry)).experiment("valley").optimizer("opt")
    assert spec.options["momentum_form"] == "pytorch"
    assert spec.schedule == Schedule("piecewise", boundaries=(100, 200), values=(1.0, 0.5, 0.25))
    assert [spec.schedule.factor(t) for t in (0, 100, 101, 200, 201)] == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_tuned_values_are_marked() -> None:
    spec = parse_config(config_with({"method": "adam", "lr": "tuned", "beta_1": "tuned"})).experiment("valley").optimizer("opt")
    assert spec.lr is None and spec.momentum is None and spec.tuned == ("lr", "beta_1")


REFUSED = [
    ({"method": "adam", "lr": 0.01, "beta_1": 1.0}, "opt.beta_1", "greater than or equal to the maximum"),
    ({"method": "adam", "lr": 0.01, "beta_2": -0.1}, "opt.beta_2", "less than the minimum"),
    ({"method": "nadam", "lr": 0.01, "epsilon": 0}, "opt.epsilon", "less than or equal to the minimum"),
    ({"method": "rmsprop", "lr": 0.01, "rho": 1}, "opt.rho", "maximum"),
    ({"method": "adam", "lr": 0.01, "schedule": {"kind": "linear"}}, "opt.schedule.kind", "is not one of"),
    ({"method": "adam", "lr": 0.01, "schedule": {"kind": "piecewise", "boundaries": [200, 100], "values": [1, 0.5, 0.1]}},
     "opt.schedule.boundaries", "strictly increasing"),
    ({"method": "adam", "lr": 0.01, "schedule": {"kind": "piecewise", "boundaries": [100], "values": [1, 0.5, 0.1]}},
     "opt.schedule.values", "one more value than boundaries"),
    ({"method": "adam", "lr": 0.01, "schedule": {"kind": "exponential", "decay_steps": 10, "decay_rate": 0.5, "alpha": 0.1}},
     "opt.schedule.alpha", "not a parameter of the exponential schedule"),
    ({"method": "adam", "lr": 0.01, "schedule": {"kind": "cosine"}}, "opt.schedule", "decay_steps"),
    ({"method": "adam", "lr": 0.01, "momentum_form": "pytorch"}, "opt.momentum_form", "momentum and nesterov only"),
    ({"method": "rmsprop", "lr": 0.01, "momentum_form": "keras"}, "opt.momentum_form", "momentum and nesterov only"),
    ({"method": "momentum", "lr": 0.01, "momentum": 0.9, "momentum_form": "torch"}, "opt.momentum_form", "is not one of"),
    ({"method": "adam", "lr": 0.01, "momentum": 0.9}, "opt.momentum", "not a hyperparameter of adam"),
    ({"method": "adagrad", "lr": 0.01, "beta_1": 0.9}, "opt.beta_1", "not a hyperparameter of adagrad"),
    ({"method": "momentum", "lr": 0.01, "momentum": 0.9, "rho": 0.9}, "opt.rho", "not a hyperparameter of momentum"),
    ({"method": "lion", "lr": 0.01, "epsilon": 1e-7}, "opt.epsilon", "not a hyperparameter of lion"),
    ({"method": "adamax", "lr": 0.01, "beta_2": 1.0}, "opt.beta_2", "greater than or equal to the maximum"),
    ({"method": "adam", "lr": "fast"}, "opt.lr", "neither a number nor tuned"),
    ({"method": "adam", "lr": 0.01, "beta_2": "tuned"}, "opt.beta_2", "is not of type"),
]


@pytest.mark.parametrize(("entry", "key", "fragment"), REFUSED, ids=[r[1] + ":" + r[2][:12] for r in REFUSED])
def test_bad_input_is_refused_in_one_line_naming_the_key(entry: dict, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config_with(entry))
    message = str(caught.value)
    assert message.startswith(f"config error at {WHERE}.{key}:"), message
    assert fragment in message and "\n" not in message
