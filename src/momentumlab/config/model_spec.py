"""A model experiment's settings: validated against ``$defs/model_experiment`` of the config schema, then frozen.

The schema holds every default; what it cannot see is checked here, with one-line messages
naming the key: a ``start`` (weights come from the seed), keys of one data set or model given
to another, and a ``batch_size`` larger than the training set (known once the split is made).
"""

from __future__ import annotations

import copy
import math
from functools import cache
from typing import Any, Mapping

from momentumlab.model.data import SYNTHETIC_DEFAULTS, ClassificationData
from momentumlab.config.schema import ConfigError, error_message, experiment_seed, sweep_lr_bounds, validator_class
from momentumlab.config.schema import schema as config_schema
from momentumlab.config.specs import ModelExperiment, OptimizerSpec, SweepSpec
from momentumlab.model.network import MODELS

_DATASET_KEYS = ("kind", "test_fraction", "standardize")
# Building a data set imports scikit-learn (about 1.5 CPU seconds), so a process builds each one at


@cache
def _schema() -> dict[str, Any]:
    """The config schema's model experiment definition, with its ``$defs`` so references resolve."""
    defs = config_schema()["$defs"]
    return {"$ref": "#/$defs/model_experiment", "$defs": defs}


def _refuse(name: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"config error at experiments.{name}.{key}: {message}")


def parse_model_experiment(name: str, entry: Mapping[str, Any], root_seed: int = 0,
                           data: ClassificationData | None = None) -> ModelExperiment:
    """Validate one ``experiments.<name>`` entry of a model experiment and type it; ``data``, the
    experiment's data set read from its file, is then used instead of building it again.

    Within a config, ``validation.normalize`` has copied the top-level ``sweep``'s ``enabled``,
    point counts, ``momentum_max`` and ``chunks`` into the entry's own ``sweep``; alone, the entry's sweep
    falls back to the schema's top-level defaults (``SWEEP_DEFAULTS``).
    """
    if not isinstance(entry, Mapping):
        raise _refuse(name, "(entry)", "a model experiment must be a mapping")
    if "start" in entry:
        raise _refuse(name, "start", "a model experiment starts from weights drawn from its seed; remove start")
    for path, value in _numbers(entry):
        if not math.isfinite(value):
            raise _refuse(name, path, f"{value} is not a finite number")
    if entry.get("problem") not in MODELS:
        raise _refuse(name, "problem", f"{entry.get('problem')!r} is not a model; known: {list(MODELS)}")
    instance = copy.deepcopy(dict(entry))
    errors = sorted(validator_class()(_schema()).iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        message = error_message(errors[0]).replace("config error at ", f"config error at experiments.{name}.", 1)
        raise ConfigError(message.replace(f"experiments.{name}.(top level)", f"experiments.{name}"))
    dataset, params, model = instance["dataset"], instance["params"], instance["problem"]
    allowed = set(SYNTHETIC_DEFAULTS.get(dataset["kind"], {}))
    for key in dataset:
        if key not in _DATASET_KEYS and key not in allowed:
            takes = ", ".join(sorted(allowed)) or "none of n_points, noise, classes"
            raise _refuse(name, f"dataset.{key}", f"not a parameter of {dataset['kind']} (it takes {takes})")
    _check_classes(name, dataset)
    if model == "logistic_regression":
        for key in ("hidden", "activation"):
            if key in params:
                raise _refuse(name, f"params.{key}", "logistic_regression has no hidden layers")
    elif "hidden" not in params:
        raise _refuse(name, "params.hidden", "required for mlp (e.g. hidden: [16, 16])")
    steps = int(instance["steps"])
    optimizers = tuple(
        OptimizerSpec(name=key, label=o.get("label", key), method=o["method"], lr=float(o["lr"]),
                      momentum=float(o.get("momentum", 0.0)))
        for key, o in instance["optimizers"].items()
    )
    spec = ModelExperiment(
        name=name, label=instance.get("label", name), model=model, dataset=dataset["kind"],
        dataset_params={k: v for k, v in dataset.items() if k not in _DATASET_KEYS},
        test_fraction=float(dataset["test_fraction"]), standardize=bool(dataset["standardize"]),
        hidden=tuple(params.get("hidden", ())), activation=params.get("activation", "tanh"), l2=float(params["l2"]),
        batch_size=instance.get("batch_size"), steps=steps,
        record_every=int(instance.get("record_every", max(1, steps // 100))),
        tolerance=float(instance["tolerance"]), seed=int(instance.get("seed", experiment_seed(root_seed, name))),
        backends=tuple(instance["backends"]), optimizers=optimizers,
        sweep=_sweep_spec(name, instance["sweep"], steps, optimizers), seeds=int(instance["seeds"]),
        sharpness=bool(instance["sharpness"]), animations=bool(instance["animations"]),
    )
    if data is not None:
        if (data.kind, data.params.get("seed")) != (spec.dataset, spec.seed):
            raise ValueError(f"the data set given for {name} is {data.kind} with seed {data.params.get('seed')}, "
                             f"not {spec.dataset} with seed {spec.seed}")
        spec.use_data(data)
    try:
        n_train = len(spec.data().y_train)
    except ValueError as error:
        raise _refuse(name, "dataset", str(error)) from None
    if spec.batch_size is not None and spec.batch_size > n_train:
        raise _refuse(name, "batch_size", f"{spec.batch_size} is larger than the training set ({n_train} examples)")
    return spec


def _check_classes(name: str, dataset: Mapping[str, Any]) -> None:
    """Refuse a synthetic set with fewer than two points a class: such a class cannot be in both the train
    and the test set (naming ``classes`` if set, else ``n_points``)."""
    full = {**SYNTHETIC_DEFAULTS.get(dataset["kind"], {}), **dataset}
    if "classes" not in full:
        return
    classes, points = int(full["classes"]), int(full["n_points"])
    if 2 * classes > points:
        key = "classes" if "classes" in dataset else "n_points"
        raise _refuse(name, f"dataset.{key}", f"{classes} classes of {points} points (n_points) leave a class with fewer "
                      f"than 2 examples, which cannot be in both the train and the test set; n_points must be at least "
                      f"2 × classes ({2 * classes})")


SWEEP_DEFAULTS = {"enabled": True, "lr_points": 24, "momentum_points": 20, "momentum_max": 0.99, "chunks": 1}


def _sweep_spec(name: str, sweep: Mapping[str, Any], steps: int, optimizers: tuple[OptimizerSpec, ...]) -> SweepSpec:
    """The experiment's sweep with its defaults filled in; a crossed rate range names the key set."""
    settings = {key: sweep.get(key, value) for key, value in SWEEP_DEFAULTS.items()}
    rates = [o.lr for o in optimizers]
    low, high = sweep_lr_bounds()  # the default range stays within what a sweep (and a cell's optimizer) may hold
    lr_min, lr_max = sweep.get("lr_min", max(min(rates) / 100.0, low)), sweep.get("lr_max", min(max(rates) * 30.0, high))
    if lr_min >= lr_max:
        key = "lr_min" if "lr_min" in sweep else "lr_max"
        raise _refuse(name, f"sweep.{key}", f"lr_min ({lr_min:g}) must be below lr_max ({lr_max:g})")
    return SweepSpec(enabled=bool(settings["enabled"]), method=sweep["method"], lr_min=float(lr_min),
                     lr_max=float(lr_max), lr_points=int(settings["lr_points"]),
                     momentum_points=int(settings["momentum_points"]), momentum_max=float(settings["momentum_max"]),
                     steps=int(sweep.get("steps", steps)), chunks=int(settings["chunks"]))


def _numbers(value: Any, path: str = "") -> list[tuple[str, float]]:
    """Every float in a nested entry with its dotted key path."""
    if isinstance(value, float):
        return [(path, value)]
    if isinstance(value, Mapping):
        return [item for key, sub in value.items() for item in _numbers(sub, f"{path}.{key}".lstrip("."))]
    if isinstance(value, (list, tuple)):
        return [item for i, sub in enumerate(value) for item in _numbers(sub, f"{path}.{i}")]
    return []
