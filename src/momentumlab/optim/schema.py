"""The config schema's method rules, generated from the registry when the schema is loaded.

The YAML schema leaves out what the registry knows: the method enums, one property per
hyperparameter (its type, range and a description naming who takes it and the default) and the
SGD family's momentum rules (sgd refuses `momentum`; momentum and nesterov require it).
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

from momentumlab.optim.registry import METHODS, MODEL_METHODS, REGISTRY, Hyperparameter


def with_method_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every method enum, hyperparameter property and momentum rule filled in."""
    schema = copy.deepcopy(schema)
    defs = schema["$defs"]
    for definition, methods, with_hyperparameters in (
        (defs["experiment"], METHODS, True), (defs["model_experiment"], MODEL_METHODS, False),
    ):
        definition["properties"]["sweep"]["properties"]["method"].update(enum=list(methods), description=_swept(methods))
        entry = definition["properties"]["optimizers"]["additionalProperties"]
        properties = entry["properties"]
        properties["method"]["enum"] = list(methods)
        if with_hyperparameters:
            head = {key: properties.pop(key) for key in ("method", "lr")}
            entry["properties"] = {**head, **hyperparameter_properties(methods), **properties}
        entry["allOf"] = momentum_rules(methods)
    return schema


def hyperparameter_properties(methods: Iterable[str]) -> dict[str, Any]:
    """One schema property per hyperparameter name of ``methods``; a name means one range everywhere."""
    takers: dict[str, list[tuple[str, Hyperparameter]]] = {}
    for method in methods:
        for hyperparameter in REGISTRY[method].hyperparameters:
            takers.setdefault(hyperparameter.name, []).append((method, hyperparameter))
    properties = {}
    for name, taken in takers.items():
        first = taken[0][1]
        if any(h.schema != first.schema or h.note != first.note for _, h in taken):
            raise ValueError(f"hyperparameter {name} has two ranges in the method registry")
        by_default: dict[str, list[str]] = {}
        for method, hyperparameter in taken:
            by_default.setdefault(_shown(hyperparameter.default), []).append(method)
        who = "; ".join(f"{', '.join(users)} (default {default})" for default, users in by_default.items())
        properties[name] = {**copy.deepcopy(dict(first.schema)), "description": f"{first.note} {who}".strip()}
    return properties


def momentum_rules(methods: Iterable[str]) -> list[dict[str, Any]]:
    """The SGD family's rules: no `momentum` where the method has none, a required one where it has."""
    family = [REGISTRY[m] for m in methods if REGISTRY[m].family == "sgd"]
    without = [spec.name for spec in family if spec.momentum_key is None]
    required = [spec.name for spec in family if spec.momentum_key == "momentum"]
    rules = []
    if without:
        rules.append({"if": {"properties": {"method": _one_of(without)}}, "then": {"not": {"required": ["momentum"]}}})
    if required:
        rules.append({"if": {"properties": {"method": _one_of(required)}}, "then": {"required": ["momentum"]}})
    return rules


def _one_of(methods: list[str]) -> dict[str, Any]:
    return {"const": methods[0]} if len(methods) == 1 else {"enum": methods}


def _swept(methods: Iterable[str]) -> str:
    """The sweep's ``method`` description: which hyperparameter is each method's second axis."""
    axes: dict[str | None, list[str]] = {}
    for method in methods:
        axes.setdefault(REGISTRY[method].momentum_key, []).append(method)
    parts = [f"{key} for {', '.join(users)}" for key, users in axes.items() if key]
    alone = f"; {', '.join(axes[None])} sweep lr alone" if None in axes else ""
    return f"The swept method; the second axis is its momentum ({'; '.join(parts)}{alone})."


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)
