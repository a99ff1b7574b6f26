"""The config schema, its validator (which fills defaults) and one-line error messages.

The JSON schema ``schemas/config.schema.yaml`` (draft 2020-12) holds every default. Errors are one
line naming the offending key path, e.g. ``config error at experiments.rosenbrock.optimizers.sgd.lr:
-1 is not > 0``.
"""

from __future__ import annotations

import copy
import math
import re
import zlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml

from momentumlab.optim.schema import with_method_rules


class ConfigError(ValueError):
    """A configuration that cannot be run; the message is one line."""


@cache
def _parsed_schema() -> dict[str, Any]:
    text = resources.files("momentumlab").joinpath("schemas/config.schema.yaml").read_text()
    return with_method_rules(yaml.safe_load(text))  # the method enums and hyperparameters come from the registry


def schema() -> dict[str, Any]:
    """A fresh copy of the config schema (read from disk once per process)."""
    return copy.deepcopy(_parsed_schema())


def sweep_lr_bounds() -> tuple[float, float]:
    """The smallest and largest learning rate a sweep (and an optimizer) may hold, from the schema."""
    rates = _parsed_schema()["$defs"]["experiment"]["properties"]["sweep"]["properties"]
    return float(rates["lr_min"]["minimum"]), float(rates["lr_max"]["maximum"])


def _with_defaults(base: Any) -> Any:
    """A validator class that fills ``default`` values while it validates."""
    from jsonschema import validators

    validate_properties = base.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(base, {"properties": set_defaults})


@cache
def validator_class() -> Any:
    """The schema's validator class (Draft 2020-12, filling defaults). jsonschema is imported here, on
    first use: most jobs read entries the Snakefile already checked and never validate."""
    from jsonschema import Draft202012Validator

    return _with_defaults(Draft202012Validator)


def joined(path: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in path) if path else "(top level)"


# PyYAML (YAML 1.1) reads 1e-3 and 1.0e12 as text: a float needs a dot and a signed exponent.
NUMBER_LIKE_TEXT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def error_message(error: Any) -> str:
    """One line for a schema error, with a hint where the raw message would puzzle."""
    path = list(error.absolute_path)
    message = error.message
    if error.validator in ("type", "pattern") and isinstance(error.instance, str) and NUMBER_LIKE_TEXT.match(error.instance.strip()):
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
    return f"config error at {joined(path)}: {message}"


def first_non_finite(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], float] | None:
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
        found = first_non_finite(item, (*path, key))
        if found:
            return found
    return None


def experiment_seed(root_seed: int, name: str) -> int:
    """The seed of experiment ``name``, derived from the root seed."""
    return (root_seed * 1_000_003 + zlib.crc32(name.encode())) % 2**32



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
            if NUMBER_LIKE_TEXT.match(value.strip()):
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

