"""Load and validate the workflow configuration once; afterwards it is typed and frozen.

Validation uses the JSON schema in ``schemas/config.schema.yaml`` (draft 2020-12),
which also holds every default. Errors are one line naming the offending key path,
e.g. ``config error at experiments.rosenbrock.optimizers.sgd.lr: -1 is not > 0``.
"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml
from jsonschema import Draft202012Validator, validators

from momentumlab.problems import PROBLEM_TYPES


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


def validate(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` checked against the schema, defaults filled in."""
    if not isinstance(raw, Mapping):
        raise ConfigError("config error: the configuration must be a mapping of keys to values")
    instance = copy.deepcopy(dict(raw))
    errors = sorted(_Validator(_schema()).iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        raise ConfigError(f"config error at {_key_path(error)}: {error.message}")
    return normalize(instance)


def _experiment_seed(root_seed: int, name: str) -> int:
    return (root_seed * 1_000_003 + zlib.crc32(name.encode())) % 2**32


def normalize(config: dict[str, Any]) -> dict[str, Any]:
    """Resolve the defaults that depend on other keys (start, momentum, seed, sweep)."""
    for name, experiment in config["experiments"].items():
        problem = PROBLEM_TYPES[experiment["problem"]]
        experiment.setdefault("label", name)
        experiment.setdefault("start", list(problem.default_start))
        experiment.setdefault("tolerance", config["tolerance"])
        experiment.setdefault("seed", _experiment_seed(config["seed"], name))
        for optimizer_name, optimizer in experiment["optimizers"].items():
            default_momentum = 0.0 if optimizer["method"] == "sgd" else 0.9
            optimizer.setdefault("momentum", default_momentum)
            if optimizer["method"] == "sgd":
                optimizer["momentum"] = 0.0
            optimizer.setdefault("label", optimizer_name)
        rates = [optimizer["lr"] for optimizer in experiment["optimizers"].values()]
        sweep = experiment["sweep"]
        for key, value in config["sweep"].items():
            sweep.setdefault(key, value)
        sweep.setdefault("lr_min", min(rates) / 100.0)
        sweep.setdefault("lr_max", max(rates) * 30.0)
        if sweep["lr_min"] >= sweep["lr_max"]:
            raise ConfigError(f"config error at experiments.{name}.sweep: lr_min must be below lr_max")
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
    """One named optimizer of an experiment."""

    name: str
    label: str
    method: str
    lr: float
    momentum: float


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
            tolerance=float(entry["tolerance"]),
            seed=int(entry["seed"]),
            backends=tuple(entry["backends"]),
            optimizers=tuple(
                OptimizerSpec(name=key, label=o["label"], method=o["method"], lr=float(o["lr"]), momentum=float(o["momentum"]))
                for key, o in entry["optimizers"].items()
            ),
            sweep=SweepSpec(**{k: sweep[k] for k in SweepSpec.__dataclass_fields__}),
        )

    def optimizer(self, name: str) -> OptimizerSpec:
        """The optimizer called ``name``."""
        for spec in self.optimizers:
            if spec.name == name:
                return spec
        raise KeyError(f"experiment {self.name!r} has no optimizer {name!r}")

    @property
    def runs(self) -> list[tuple[str, str]]:
        """Every (optimizer, backend) pair, in config order."""
        return [(spec.name, backend) for spec in self.optimizers for backend in self.backends]


@dataclass(frozen=True)
class Animation:
    """Size, speed and formats of every rendered animation."""

    width: int
    height: int
    fps: int
    frames: int
    hold_seconds: float
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Slides:
    """The slide deck's switch and title page."""

    enabled: bool
    title: str
    author: str


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    title: str
    seed: int
    report_single_file: bool
    experiments: tuple[Experiment, ...]
    animation: Animation
    slides: Slides
    data: Mapping[str, Any]

    def experiment(self, name: str) -> Experiment:
        """The experiment called ``name``."""
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        raise KeyError(f"no experiment {name!r}")


def parse_config(raw: Mapping[str, Any]) -> Config:
    """Validate ``raw`` and return the typed configuration."""
    data = validate(raw)
    animation = dict(data["animation"])
    animation["formats"] = tuple(animation["formats"])
    return Config(
        title=data["title"],
        seed=data["seed"],
        report_single_file=data["report_single_file"],
        experiments=tuple(
            Experiment.from_mapping(name, entry) for name, entry in data["experiments"].items()
        ),
        animation=Animation(**animation),
        slides=Slides(**data["slides"]),
        data=data,
    )


def load_config(path: str | Path) -> Config:
    """Read, validate and type a YAML configuration file."""
    return parse_config(load_yaml(path))
