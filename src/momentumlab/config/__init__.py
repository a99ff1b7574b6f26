"""Load and validate the workflow configuration once; afterwards it is typed and frozen.

``parse_config`` runs the schema (``schema``), the checks it cannot express (``validation``,
``model_spec``), types the result (``specs``) and refuses a config whose estimated cost is over
its budget (``budget``), before any job runs. Other packages import the public names below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from momentumlab.config.budget import JobEstimate, budget_violation, estimate_jobs
from momentumlab.config.model_spec import parse_model_experiment
from momentumlab.config.schema import ConfigError, load_yaml, parse_command_line_values
from momentumlab.config.specs import (
    Animation, Budget, Config, Experiment, ModelExperiment, OptimizerSpec, Slides, SweepSpec,
)
from momentumlab.config.validation import canonical, normalize, tuning_lr_range, validate
from momentumlab.model.network import MODELS as MODEL_PROBLEMS

__all__ = [
    "Animation", "Budget", "Config", "ConfigError", "Experiment", "JobEstimate", "ModelExperiment",
    "OptimizerSpec", "Slides", "SweepSpec", "budget_violation", "canonical", "estimate_jobs", "load_config",
    "load_yaml", "normalize", "parse_command_line_values", "parse_config", "parse_model_experiment", "tuning_lr_range",
    "validate",
]


def parse_config(raw: Mapping[str, Any], check_budget: bool = True) -> Config:
    """Validate ``raw`` and return the typed configuration (refused when a job is over budget)."""
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
        model_experiments=tuple(
            parse_model_experiment(name, entry, data["seed"]) for name, entry in data["experiments"].items()
            if entry["problem"] in MODEL_PROBLEMS
        ),
    )
    refusal = budget_violation(config) if check_budget else None
    if refusal:
        raise ConfigError(refusal)
    return config


def load_config(path: str | Path) -> Config:
    """Read, validate and type a YAML configuration file."""
    return parse_config(load_yaml(path))
