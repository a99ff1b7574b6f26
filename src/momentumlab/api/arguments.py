"""API arguments checked by the config's own schema: one config mapping, one ``parse_config``.

Every call builds the ``experiments.<name>`` entry a config file would hold and validates it
with :func:`momentumlab.config.parse_config`, so the notebook meets the same rules, defaults
and one-line ``ConfigError`` as the pipeline; only the key path is renamed to the argument's
(``experiments.quadratic.optimizers.m.lr`` becomes ``optimizers.m.lr``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from momentumlab.config import Config, ConfigError, parse_config

# Where a sweep's axes sit in the config, named as the API's (low, high, points) tuples.
SWEEP_ARGUMENTS = {
    "sweep.lr_min": "lr[0]", "sweep.lr_max": "lr[1]", "sweep.lr_points": "lr[2]",
    "sweep.momentum_max": "momentum[1]", "sweep.momentum_points": "momentum[2]", "sweep.steps": "steps",
    "sweep.method": "method",
}


def entry(problem: str, optimizers: Mapping[str, Any], **settings: Any) -> dict[str, Any]:
    """An ``experiments.<name>`` entry: ``settings`` left out where None (the schema's default)."""
    return {"problem": problem, "optimizers": _plain(optimizers),
            **{key: _plain(value) for key, value in settings.items() if value is not None}}


def parse_experiment(name: str, raw: Mapping[str, Any], renames: Mapping[str, str] | None = None) -> Config:
    """The typed one-experiment config of ``raw``; errors name the API argument, not the config key."""
    try:
        return parse_config({"experiments": {name: dict(raw)}})
    except ConfigError as error:
        raise ConfigError(argument_message(str(error), name, renames or {})) from None


def argument_message(message: str, name: str, renames: Mapping[str, str]) -> str:
    """``message`` with ``experiments.<name>.`` dropped and config keys renamed to arguments."""
    message = message.replace(f"experiments.{name}.", "")
    for key, argument in renames.items():
        message = re.sub(rf"(?<=at ){re.escape(key)}\b", argument, message)
    return message


def require(condition: bool, argument: str, message: str) -> None:
    """Raise the config's one-line error for an argument the schema cannot see."""
    if not condition:
        raise ConfigError(f"config error at {argument}: {message}")


def _plain(value: Any) -> Any:
    """Tuples as lists and mappings as dicts, as YAML would give them to the schema."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
