"""Load and validate the workflow configuration once; afterwards it is typed and frozen.

Validation uses the JSON schema in ``schemas/config.schema.yaml`` (draft 2020-12),
which also holds every default. Errors are one line naming the offending key path,
e.g. ``config error at experiments.rosenbrock.optimizers.sgd.lr: -1 is not > 0``.
"""

from __future__ import annotations

import copy
import math
import re
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml
from jsonschema import Draft202012Validator, validators

from momentumlab.optimizers import DEFAULTS, MOMENTUM_KEY, SGD_FAMILY
from momentumlab.budget import budget_violation
from momentumlab.models import MODELS as MODEL_PROBLEMS
from momentumlab.problems import PROBLEM_TYPES
from momentumlab.runs import RunKey
from momentumlab.schedules import CONSTANT, Schedule


class ConfigError(ValueError):
    """A configuration that cannot be run; the message is one line."""


def _schema() -> dict[str, Any]:
    text = resources.files("momentumlab").joinpath("schemas/config.schema.yaml").read_text()
    return yaml.safe_load(text)


def _with_defaults(validator_class: Any) -> Any:
    """A validator class that fills ``default`` values while it validates."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(validator_class, {"properties": set_defaults})


_Validator = _with_defaults(Draft202012Validator)


def _key_path(error: Any) -> str:
    parts = [str(part) for part in error.absolute_path]
    return ".".join(parts) if parts else "(top level)"


def _joined(path: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in path) if path else "(top level)"


# PyYAML (YAML 1.1) reads 1e-3 and 1.0e12 as text: a float needs a dot and a signed exponent.
_NUMBER_LIKE_TEXT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _error_message(error: Any) -> str:
    """One line for a schema error, with a hint where the raw message would puzzle."""
    path = list(error.absolute_path)
    message = error.message
    if error.validator in ("type", "pattern") and isinstance(error.instance, str) and _NUMBER_LIKE_TEXT.match(error.instance.strip()):
        mantissa, _, exponent = error.instance.strip().lower().partition("e")
        mantissa = mantissa if "." in mantissa else mantissa + ".0"
        exponent = f"e{'+' if exponent[:1] not in '+-' else ''}{exponent}" if exponent else ""
        message += f" (YAML reads it as text: write {mantissa}{exponent})"
    elif error.validator == "pattern" and error.validator_value == "^tuned$":
        message = f"{error.instance!r} is neither a number nor tuned"
    elif error.validator == "required" and error.validator_value == ["momentum"]:
        path.append("momentum")
        message = f"required for method {error.instance.get('method')} (e.g. momentum: 0.9); there is no silent default"
    elif error.validator == "not" and error.validator_value == {"required": ["momentum"]}:
        path.append("momentum")
        message = "method sgd has no momentum; use method momentum or nesterov, or drop the key"
    return f"config error at {_joined(path)}: {message}"


def _first_non_finite(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], float] | None:
    """The key path and value of the first NaN or infinity in a nested config, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _first_non_finite(item, (*path, key))
        if found:
            return found
    return None


def validate(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` checked against the schema, defaults filled in."""
    if not isinstance(raw, Mapping):
        raise ConfigError("config error: the configuration must be a mapping of keys to values")
    non_finite = _first_non_finite(raw)
    if non_finite:
        path, value = non_finite
        raise ConfigError(f"config error at {_joined(path)}: {value} is not a finite number")
    instance = copy.deepcopy(dict(raw))
    _refuse_misplaced_keys(instance)
    errors = sorted(_Validator(_schema()).iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        raise ConfigError(_error_message(errors[0]))
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
    table = _schema()["$defs"]["problem_parameters"]
    for name, experiment in config["experiments"].items():
        problem = experiment["problem"]
        if problem in MODEL_PROBLEMS:  # checked by model_experiment.parse_model_experiment
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
            takes = set(DEFAULTS[method]) | {"method", "lr", "label", "schedule"}
            for key in optimizer:
                if key == "momentum_form" and key not in takes:
                    raise ConfigError(f"{where}.{key}: applies to methods momentum and nesterov only, not {method}")
                if key not in takes:
                    known = ", ".join(sorted(DEFAULTS[method])) or "no hyperparameter but lr"
                    raise ConfigError(f"{where}.{key}: not a hyperparameter of {method} (it takes {known})")
                if optimizer[key] == "tuned" and key != "lr" and key != MOMENTUM_KEY[method]:
                    raise ConfigError(f"{where}.{key}: only lr and {method}'s momentum can be tuned")
            schedule = optimizer.get("schedule")
            if schedule:
                _check_schedule(schedule, f"experiments.{name}.optimizers.{optimizer_name}.schedule")


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


# Collections whose order is what the user shows (report order, race order): kept as written.
_ORDERED = ({"experiments"}, {"optimizers"})


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


def _experiment_seed(root_seed: int, name: str) -> int:
    return (root_seed * 1_000_003 + zlib.crc32(name.encode())) % 2**32


def normalize(config: dict[str, Any]) -> dict[str, Any]:
    """Resolve the defaults that depend on other keys (start, momentum, seed, sweep)."""
    for name, experiment in config["experiments"].items():
        if experiment["problem"] in MODEL_PROBLEMS:
            experiment.setdefault("label", name)
            experiment.setdefault("seed", _experiment_seed(config["seed"], name))
            sweep = experiment.setdefault("sweep", {})
            for key in ("enabled", "lr_points", "momentum_points", "momentum_max"):
                sweep.setdefault(key, config["sweep"][key])
            continue
        problem = PROBLEM_TYPES[experiment["problem"]]
        experiment.setdefault("label", name)
        experiment.setdefault("start", list(problem.default_start))
        if problem.has_minimum:  # no key that does nothing: the re-validated config passes again
            experiment.setdefault("tolerance", config["tolerance"])
        if problem.has_data:
            experiment.setdefault("seed", _experiment_seed(config["seed"], name))
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
        sweep.setdefault("lr_min", min(rates) / 100.0)
        sweep.setdefault("lr_max", max(rates) * 30.0)
        if sweep["lr_min"] >= sweep["lr_max"]:
            key = given[0] if len(given) == 1 else "lr_min"
            raise ConfigError(
                f"config error at experiments.{name}.sweep.{key}: lr_min ({sweep['lr_min']:g}) must be below "
                f"lr_max ({sweep['lr_max']:g})"
            )
    return config


def parse_command_line_values(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Values from ``--config key=value`` read as YAML scalars (Snakemake leaves some as text).

    Only command-line values are converted, so a quoted ``lr: "0.01"`` in a file stays an error.
    """
    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, str):
            if _NUMBER_LIKE_TEXT.match(value.strip()):
                return float(value) if any(c in value for c in ".eE") else int(value)
            try:
                return yaml.safe_load(value) if value.strip() else value
            except yaml.YAMLError:
                return value
        return value

    return convert(dict(overrides))


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML file, turning syntax errors into a one-line ConfigError."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"config error in {path}{where}: {problem}") from None
    except OSError as error:
        raise ConfigError(f"config error: cannot read {path}: {error.strerror}") from None
    return data if data is not None else {}


@dataclass(frozen=True)
class OptimizerSpec:
    """One named optimizer of an experiment.

    ``momentum`` is the method's momentum-axis value (μ, or β₁ for the Adam family; 0 where the
    method has none); ``options`` its other hyperparameters with Keras' defaults filled in.
    ``lr`` or ``momentum`` is None while it is ``tuned`` (see :mod:`momentumlab.tuning`).
    """

    name: str
    label: str
    method: str
    lr: float | None
    momentum: float | None
    options: Mapping[str, Any] = field(default_factory=dict)
    schedule: Schedule = CONSTANT
    tuned: tuple[str, ...] = ()
    chosen: str = ""  # how tuned values were chosen, once resolved

    @classmethod
    def from_mapping(cls, name: str, entry: Mapping[str, Any]) -> "OptimizerSpec":
        """Build from a validated optimizer entry."""
        method = entry["method"]
        key = MOMENTUM_KEY[method]
        defaults = DEFAULTS[method]
        options = {k: entry.get(k, v) for k, v in defaults.items() if k != key}
        axis = entry.get(key, defaults[key]) if key else 0.0
        tuned = tuple(k for k in ("lr", key) if k and entry.get(k) == "tuned")
        return cls(
            name=name, label=entry.get("label", name), method=method,
            lr=None if "lr" in tuned else float(entry["lr"]),
            momentum=None if key in tuned else float(axis),
            options=options, schedule=Schedule.from_mapping(entry.get("schedule")), tuned=tuned,
        )

    @property
    def momentum_key(self) -> str | None:
        """The name of the hyperparameter ``momentum`` holds (momentum, beta_1 or None)."""
        return MOMENTUM_KEY[self.method]


@dataclass(frozen=True)
class SweepSpec:
    """A learning-rate (log-spaced) × momentum (linear) grid."""

    enabled: bool
    method: str
    lr_min: float
    lr_max: float
    lr_points: int
    momentum_points: int
    momentum_max: float
    steps: int
    chunks: int


@dataclass(frozen=True)
class Experiment:
    """A problem, a start and the optimizers and backends that race on it."""

    name: str
    label: str
    problem: str
    params: Mapping[str, float]
    start: tuple[float, float]
    steps: int
    tolerance: float
    seed: int
    backends: tuple[str, ...]
    optimizers: tuple[OptimizerSpec, ...]
    sweep: SweepSpec
    caption: str = ""

    @classmethod
    def from_mapping(cls, name: str, entry: Mapping[str, Any]) -> "Experiment":
        """Build from a validated, normalized config entry."""
        sweep = entry["sweep"]
        return cls(
            name=name,
            label=entry["label"],
            problem=entry["problem"],
            params=dict(entry["params"]),
            start=(float(entry["start"][0]), float(entry["start"][1])),
            steps=int(entry["steps"]),
            tolerance=float(entry.get("tolerance", 0.0)),  # absent where there is no minimum
            seed=int(entry.get("seed", 0)),  # absent where no random data is drawn
            backends=tuple(entry["backends"]),
            optimizers=tuple(OptimizerSpec.from_mapping(key, o) for key, o in entry["optimizers"].items()),
            sweep=SweepSpec(**{k: sweep[k] for k in SweepSpec.__dataclass_fields__}),
            caption=entry.get("caption", ""),
        )

    def optimizer(self, name: str) -> OptimizerSpec:
        """The optimizer called ``name``."""
        for spec in self.optimizers:
            if spec.name == name:
                return spec
        raise KeyError(f"experiment {self.name!r} has no optimizer {name!r}")

    @property
    def runs(self) -> list[RunKey]:
        """Every run (optimizer × backend, its label carried), in config order."""
        return [RunKey(spec.name, backend, spec.label) for spec in self.optimizers for backend in self.backends]


@dataclass(frozen=True)
class Animation:
    """Size, speed and formats of every rendered animation."""

    width: int
    height: int
    fps: int
    frames: int
    hold_seconds: float
    formats: tuple[str, ...]

    @classmethod
    def from_mapping(cls, entry: Mapping[str, Any]) -> "Animation":
        """Build from the validated ``animation`` block."""
        return cls(**{**entry, "formats": tuple(entry["formats"])})


@dataclass(frozen=True)
class Slides:
    """The slide deck's switch and title page."""

    enabled: bool
    title: str
    author: str


@dataclass(frozen=True)
class Budget:
    """The most one job may cost (estimated up front by ``momentumlab.budget``)."""

    max_job_memory_mb: float
    max_job_minutes: float


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    title: str
    seed: int
    report_single_file: bool
    experiments: tuple[Experiment, ...]
    animation: Animation
    slides: Slides
    budget: Budget
    data: Mapping[str, Any]
    model_experiments: tuple[Any, ...] = ()  # model_experiment.ModelExperiment, kept apart from the 2-D pipeline

    def experiment(self, name: str) -> Experiment:
        """The experiment called ``name``."""
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        raise KeyError(f"no experiment {name!r}")


def parse_config(raw: Mapping[str, Any]) -> Config:
    """Validate ``raw`` and return the typed configuration."""
    data = validate(raw)
    config = Config(
        title=data["title"],
        seed=data["seed"],
        report_single_file=data["report_single_file"],
        experiments=tuple(
            Experiment.from_mapping(name, entry) for name, entry in data["experiments"].items()
            if entry["problem"] not in MODEL_PROBLEMS
        ),
        animation=Animation.from_mapping(data["animation"]),
        slides=Slides(**data["slides"]),
        budget=Budget(**data["budget"]),
        data=data,
        model_experiments=_model_experiments(data),
    )
    refusal = budget_violation(config)
    if refusal:
        raise ConfigError(refusal)
    return config


def _model_experiments(data: Mapping[str, Any]) -> tuple[Any, ...]:
    from momentumlab.model_experiment import parse_model_experiment  # it imports this module

    return tuple(parse_model_experiment(name, entry, data["seed"]) for name, entry in data["experiments"].items()
                 if entry["problem"] in MODEL_PROBLEMS)


def load_config(path: str | Path) -> Config:
    """Read, validate and type a YAML configuration file."""
    return parse_config(load_yaml(path))
