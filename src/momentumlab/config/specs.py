"""The typed configuration: frozen dataclasses built from a validated config."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from momentumlab.model.data import ClassificationData, make_classification
from momentumlab.model.network import Architecture, make_architecture
from momentumlab.optim import DEFAULTS, MOMENTUM_KEY
from momentumlab.runs import RunKey
from momentumlab.schedules import CONSTANT, Schedule


GHOST_SUFFIX = "_ghost"  # the name of an optimizer's effective-rate ghost: <name>_ghost


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
    ghost_of: str | None = None  # the heavy-ball optimizer whose effective-rate ghost this is

    def effective_rate_ghost(self) -> "OptimizerSpec":
        """Plain gradient descent at η/(1 − μ), from this heavy-ball optimizer's rate and momentum (and schedule)."""
        rate = self.lr / (1.0 - self.momentum)
        return OptimizerSpec(name=f"{self.name}{GHOST_SUFFIX}", label=f"GD at η/(1 − μ) = {rate:g} (ghost)",
                             method="sgd", lr=rate, momentum=0.0,
                             schedule=self.schedule, ghost_of=self.name)

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


def _with_ghosts(entries: Mapping[str, Any]) -> tuple[OptimizerSpec, ...]:
    """The optimizers of an experiment in config order, each ``ghost: effective_rate`` one followed by its ghost."""
    specs: list[OptimizerSpec] = []
    for key, entry in entries.items():
        spec = OptimizerSpec.from_mapping(key, entry)
        specs.append(spec)
        if entry.get("ghost") == "effective_rate":
            specs.append(spec.effective_rate_ghost())
    return tuple(specs)


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
    animations: bool = True  # False: still pictures only (no run animations, the race's final frame)

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
            optimizers=_with_ghosts(entry["optimizers"]),
            sweep=SweepSpec(**{k: sweep[k] for k in SweepSpec.__dataclass_fields__}),
            caption=entry.get("caption", ""),
            animations=bool(entry.get("animations", True)),
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
        return [RunKey(spec.name, backend, spec.label, spec.method) for spec in self.optimizers for backend in self.backends]


# Each data set built once per process (none where a job read it from its file): config
# validation, the budget and the job itself all ask for it.
_DATA: dict[tuple[Any, ...], ClassificationData] = {}


@dataclass(frozen=True)
class ModelExperiment:
    """A data set, a classifier and the optimizers and backends that train it from one start."""

    name: str
    label: str
    model: str
    dataset: str
    dataset_params: Mapping[str, Any]
    test_fraction: float
    standardize: bool
    hidden: tuple[int, ...]
    activation: str
    l2: float
    batch_size: int | None
    steps: int
    record_every: int
    tolerance: float
    seed: int
    backends: tuple[str, ...]
    optimizers: tuple[OptimizerSpec, ...]
    sweep: SweepSpec = SweepSpec(enabled=False, method="momentum", lr_min=1e-3, lr_max=1.0, lr_points=2,
                                 momentum_points=2, momentum_max=0.9, steps=1, chunks=1)
    seeds: int = 1  # paired seeds of the numpy runs (``model_training.paired_seeds``)
    sharpness: bool = False  # the full training-loss Hessian's top eigenvalue at the recorded steps
    animations: bool = True  # False: still figures only (no race, no run animations)

    def data(self) -> ClassificationData:
        """The seeded, split data set (built once per process, or the one read from its file)."""
        key = self._data_key()
        if key not in _DATA:
            _DATA[key] = make_classification(self.dataset, self.seed, self.dataset_params, self.test_fraction,
                                             self.standardize)
        return _DATA[key]

    def use_data(self, data: ClassificationData) -> None:
        """Take ``data`` (read from the experiment's file) as its data set, so it is not built again."""
        _DATA[self._data_key()] = data

    def _data_key(self) -> tuple[Any, ...]:
        params = json.dumps(dict(self.dataset_params), sort_keys=True)
        return self.dataset, self.seed, params, self.test_fraction, self.standardize

    def architecture(self, data: ClassificationData) -> Architecture:
        return make_architecture(self.model, data.n_features, data.n_classes, self.hidden, self.activation, self.l2)

    def optimizer(self, name: str) -> OptimizerSpec:
        """The optimizer called ``name``."""
        return next(spec for spec in self.optimizers if spec.name == name)

    @property
    def runs(self) -> list[RunKey]:
        """Every run (optimizer × backend, its label carried), in config order."""
        return [RunKey(spec.name, backend, spec.label, spec.method) for spec in self.optimizers for backend in self.backends]


@dataclass(frozen=True)
class Animation:
    """Size, speed and formats of every rendered animation."""

    width: int
    height: int
    fps: int
    frames: int
    hold_seconds: float
    formats: tuple[str, ...]
    spacing: str = "log"  # which steps the frames show: "log" (dense early) or "linear"
    show_twins: bool = False  # races draw TensorFlow twins too
    arrows: bool = True  # velocity and −η∇f arrows in per-run animations of momentum methods

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
    """The most one job may cost (estimated up front by ``momentumlab.config.budget``)."""

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
    model_experiments: tuple[ModelExperiment, ...] = ()  # kept apart from the 2-D pipeline

    def experiment(self, name: str) -> Experiment:
        """The experiment called ``name``."""
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        raise KeyError(f"no experiment {name!r}")

