"""Validation of a raw config: the schema, then what the schema cannot see, then derived defaults."""

from __future__ import annotations

from typing import Any, Mapping
import copy

from momentumlab.config.schema import (
    ConfigError, error_message, experiment_seed, first_non_finite, joined, schema, sweep_lr_bounds, validator_class,
)
from momentumlab.model.network import MODELS as MODEL_PROBLEMS
from momentumlab.config.specs import GHOST_SUFFIX
from momentumlab.optim import ADAPTIVE_TUNING_LR, DEFAULTS, MOMENTUM_KEY, SGD_FAMILY
from momentumlab.problems import PROBLEM_TYPES


def validate(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` checked against the schema, defaults filled in."""
    if not isinstance(raw, Mapping):
        raise ConfigError("config error: the configuration must be a mapping of keys to values")
    non_finite = first_non_finite(raw)
    if non_finite:
        path, value = non_finite
        raise ConfigError(f"config error at {joined(path)}: {value} is not a finite number")
    instance = copy.deepcopy(dict(raw))
    _refuse_misplaced_keys(instance)
    errors = sorted(validator_class()(schema()).iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        raise ConfigError(error_message(errors[0]))
    _check_problem_keys(instance)
    _check_optimizers(instance)
    return canonical(normalize(instance))


def _refuse_misplaced_keys(config: Mapping[str, Any]) -> None:
    """Name the key when an entry's problem is unknown or a model experiment has a start (drawn
    from its seed), rather than the schema's "unexpected key" of the branch it fell into."""
    experiments = config.get("experiments")
    for name, experiment in (experiments.items() if isinstance(experiments, Mapping) else ()):
        if not isinstance(experiment, Mapping):
            continue
        problem = experiment.get("problem")
        if isinstance(problem, str) and problem not in PROBLEM_TYPES and problem not in MODEL_PROBLEMS:
            known = [*PROBLEM_TYPES, *MODEL_PROBLEMS]
            raise ConfigError(f"config error at experiments.{name}.problem: unknown problem {problem!r}; known: {known}")
        if problem in MODEL_PROBLEMS and "start" in experiment:
            raise ConfigError(f"config error at experiments.{name}.start: a model experiment starts from weights "
                              "drawn from its seed; remove start")


def _check_problem_keys(config: Mapping[str, Any]) -> None:
    """Refuse settings that a problem would ignore: another problem's params, a seed without data."""
    table = schema()["$defs"]["problem_parameters"]
    for name, experiment in config["experiments"].items():
        problem = experiment["problem"]
        if problem in MODEL_PROBLEMS:  # checked by config.model_spec.parse_model_experiment
            continue
        allowed = table[problem]
        for key in experiment.get("params", {}):
            if key not in allowed:
                takes = f"it takes {', '.join(allowed)}" if allowed else "it takes none"
                raise ConfigError(
                    f"config error at experiments.{name}.params.{key}: not a parameter of {problem} ({takes})"
                )
        if "seed" in experiment and not PROBLEM_TYPES[problem].has_data:
            raise ConfigError(f"config error at experiments.{name}.seed: {problem} draws no random data, so a seed does nothing")
        if "tolerance" in experiment and not PROBLEM_TYPES[problem].has_minimum:
            raise ConfigError(f"config error at experiments.{name}.tolerance: {problem} has no minimum to reach")


_SCHEDULE_KEYS = {
    "constant": (), "piecewise": ("boundaries", "values"), "exponential": ("decay_steps", "decay_rate"),
    "cosine": ("decay_steps", "alpha", "warmup_steps"),
}


def _check_optimizers(config: Mapping[str, Any]) -> None:
    """Refuse hyperparameters a method ignores and schedules that cannot be followed."""
    for name, experiment in config["experiments"].items():
        for optimizer_name, optimizer in experiment["optimizers"].items():
            where = f"config error at experiments.{name}.optimizers.{optimizer_name}"
            method = optimizer["method"]
            takes = set(DEFAULTS[method]) | {"method", "lr", "label", "schedule", "lr_min", "lr_max"}
            if "ghost" in optimizer:
                _check_ghost(experiment["optimizers"], optimizer_name, f"{where}.ghost")
                takes.add("ghost")
            for key in optimizer:
                if key == "momentum_form" and key not in takes:
                    raise ConfigError(f"{where}.{key}: applies to methods momentum and nesterov only, not {method}")
                if key not in takes:
                    known = ", ".join(sorted(DEFAULTS[method])) or "no hyperparameter but lr"
                    raise ConfigError(f"{where}.{key}: not a hyperparameter of {method} (it takes {known})")
                if optimizer[key] == "tuned" and key != "lr" and key != MOMENTUM_KEY[method]:
                    raise ConfigError(f"{where}.{key}: only lr and {method}'s momentum can be tuned")
                if key in ("lr_min", "lr_max") and optimizer["lr"] != "tuned":
                    raise ConfigError(f"{where}.{key}: sets the search range of a tuned lr, but lr is {optimizer['lr']!r}")
            schedule = optimizer.get("schedule")
            if schedule:
                _check_schedule(schedule, f"experiments.{name}.optimizers.{optimizer_name}.schedule")


def _check_ghost(optimizers: Mapping[str, Any], name: str, where: str) -> None:
    """A ghost needs a heavy-ball optimizer with a known rate and momentum, and a free ``<name>_ghost`` name."""
    optimizer = optimizers[name]
    if optimizer["method"] != "momentum":
        raise ConfigError(f"config error at {where}: applies to heavy ball (method momentum) only, not {optimizer['method']}")
    if "tuned" in (optimizer["lr"], optimizer.get("momentum")):
        raise ConfigError(f"config error at {where}: needs a configured lr and momentum, not tuned")
    if f"{name}{GHOST_SUFFIX}" in optimizers:
        raise ConfigError(f"config error at {where}: the ghost would be named {name}{GHOST_SUFFIX}, which is taken")


def _check_schedule(schedule: Mapping[str, Any], where: str) -> None:
    kind = schedule["kind"]
    for key in schedule:
        if key != "kind" and key not in _SCHEDULE_KEYS[kind]:
            takes = ", ".join(_SCHEDULE_KEYS[kind]) or "nothing"
            raise ConfigError(f"config error at {where}.{key}: not a parameter of the {kind} schedule (it takes {takes})")
    if kind == "piecewise":
        boundaries, values = schedule["boundaries"], schedule["values"]
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ConfigError(f"config error at {where}.boundaries: {boundaries} must be strictly increasing")
        if len(values) != len(boundaries) + 1:
            raise ConfigError(
                f"config error at {where}.values: {len(values)} values for {len(boundaries)} boundaries; "
                f"there must be one more value than boundaries"
            )


def canonical(value: Any, parent: str | None = None) -> Any:
    """``value`` with sorted mapping keys and integral floats as ints, so equal configs are equal.

    Snakemake compares a rule's params by ``repr``: without this, reordering keys in
    the YAML or writing ``1.0`` for ``1`` would rerun jobs whose inputs did not change.
    The experiments and each experiment's optimizers keep their order, which the report shows.
    """
    if isinstance(value, Mapping):
        keys = list(value) if parent in ("experiments", "optimizers") else sorted(value)
        return {key: canonical(value[key], key) for key in keys}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value



def normalize(config: dict[str, Any]) -> dict[str, Any]:
    """Resolve the defaults that depend on other keys (start, momentum, seed, sweep)."""
    for name, experiment in config["experiments"].items():
        if experiment["problem"] in MODEL_PROBLEMS:
            experiment.setdefault("label", name)
            experiment.setdefault("seed", experiment_seed(config["seed"], name))
            sweep = experiment.setdefault("sweep", {})
            for key in ("enabled", "lr_points", "momentum_points", "momentum_max", "chunks"):
                sweep.setdefault(key, config["sweep"][key])
            continue
        problem = PROBLEM_TYPES[experiment["problem"]]
        experiment.setdefault("label", name)
        experiment.setdefault("start", list(problem.default_start))
        if problem.has_minimum:  # no key that does nothing: the re-validated config passes again
            experiment.setdefault("tolerance", config["tolerance"])
        if problem.has_data:
            experiment.setdefault("seed", experiment_seed(config["seed"], name))
        for optimizer_name, optimizer in experiment["optimizers"].items():
            optimizer.setdefault("label", optimizer_name)
        # The default sweep range follows the SGD family's rates: an adaptive method's lr is a
        # per-coordinate step size on another scale (tuning gives those their own range).
        rates = [o["lr"] for o in experiment["optimizers"].values() if o["lr"] != "tuned" and o["method"] in SGD_FAMILY]
        rates = rates or [o["lr"] for o in experiment["optimizers"].values() if o["lr"] != "tuned"] or [1e-3]
        sweep = experiment["sweep"]
        for key, value in config["sweep"].items():
            sweep.setdefault(key, value)
        given = [key for key in ("lr_min", "lr_max") if key in sweep]
        low, high = sweep_lr_bounds()  # the default range stays within what a sweep (and a cell's optimizer) may hold
        sweep.setdefault("lr_min", max(min(rates) / 100.0, low))
        sweep.setdefault("lr_max", min(max(rates) * 30.0, high))
        if sweep["lr_min"] >= sweep["lr_max"]:
            key = given[0] if len(given) == 1 else "lr_min"
            raise ConfigError(
                f"config error at experiments.{name}.sweep.{key}: lr_min ({sweep['lr_min']:g}) must be below "
                f"lr_max ({sweep['lr_max']:g})"
            )
        for optimizer_name, optimizer in experiment["optimizers"].items():
            _check_tuning_range(f"experiments.{name}.optimizers.{optimizer_name}", optimizer, sweep)
    return config


def tuning_lr_range(method: str, configured: tuple[float | None, float | None],
                    sweep_range: tuple[float, float]) -> tuple[float, float]:
    """The range a tuned lr of ``method`` searches: its ``configured`` (lr_min, lr_max) ends where
    given, else its family's default (``sweep_range`` for the SGD family, ``ADAPTIVE_TUNING_LR`` for the adaptive methods)."""
    default = sweep_range if method in SGD_FAMILY else ADAPTIVE_TUNING_LR
    return tuple(float(d if c is None else c) for c, d in zip(configured, default))  # type: ignore[return-value]


def _check_tuning_range(where: str, optimizer: Mapping[str, Any], sweep: Mapping[str, Any]) -> None:
    given = [key for key in ("lr_min", "lr_max") if key in optimizer]
    if not given:
        return
    low, high = tuning_lr_range(optimizer["method"], (optimizer.get("lr_min"), optimizer.get("lr_max")),
                                (sweep["lr_min"], sweep["lr_max"]))
    if low >= high:
        key = given[0] if len(given) == 1 else "lr_min"
        raise ConfigError(f"config error at {where}.{key}: the tuned lr's search range {low:g} … {high:g} is empty "
                          "(lr_min must be below lr_max)")
