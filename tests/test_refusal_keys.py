"""Every refusal names the key to change: setting only that key to a valid value lifts it."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from config_generator import parse_or_refusal, random_config

# Valid values to try for a named key (by its last part), smallest change first.
VALID: dict[str, list[Any]] = {
    "batch_size": [1], "classes": [2], "n_points": [1000], "test_fraction": [0.25], "steps": [1, 10],
    "hidden": [[4]], "record_every": [1000], "chunks": [10000], "lr_points": [2], "lr_min": [1e-6], "lr_max": [10.0],
}
SEEDS = range(120)


def _set(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(raw)
    *parents, leaf = path.split(".")
    node = changed
    for part in parents:
        node = node[part]
    node[leaf] = value
    return changed


def named_key(refusal: str) -> str:
    match = re.match(r"config error at ([^:]+):", refusal)
    assert match, refusal
    return match.group(1)


def lifts(raw: dict[str, Any], refusal: str) -> bool:
    """Whether one valid value of the named key makes the config pass, or refused at another key."""
    path = named_key(refusal)
    leaf = path.rsplit(".", 1)[-1]
    assert leaf in VALID, f"no valid value to try for {path} ({refusal})"
    for value in VALID[leaf]:
        _, again = parse_or_refusal(_set(raw, path, value))
        if again is None or named_key(again) != path:
            return True
    return False


FIXTURES = {  # the issue's cases, with the key each must name and the budget (MB) they are refused under
    "blobs_classes": ({"problem": "logistic_regression", "dataset": {"kind": "blobs", "n_points": 4, "classes": 100},
                       "optimizers": {"s": {"method": "sgd", "lr": 0.1}}}, "experiments.e.dataset.classes", None),
    "wide_layers": ({"problem": "mlp", "dataset": {"kind": "moons"}, "params": {"hidden": [4096] * 16}, "steps": 10,
                     "optimizers": {"s": {"method": "sgd", "lr": 0.1}}}, "experiments.e.params.hidden", None),
    "tuned_grid": ({"problem": "quadratic", "backends": ["numpy"],
                    "sweep": {"enabled": False, "lr_points": 2048, "momentum_points": 2048},
                    "optimizers": {"h": {"method": "momentum", "lr": "tuned", "momentum": "tuned"}}},
                   "experiments.e.sweep.lr_points", 1000),
}


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_issues_refusals_name_the_key_that_lifts_them(name: str) -> None:
    entry, key, budget = FIXTURES[name]
    raw = {"experiments": {"e": entry}, **({"budget": {"max_job_memory_mb": budget}} if budget else {})}
    _, refusal = parse_or_refusal(raw)
    assert refusal is not None and named_key(refusal) == key, refusal
    assert lifts(raw, refusal), refusal


def test_every_refusal_the_generator_draws_is_lifted_by_its_named_key() -> None:
    refused = 0
    for seed in SEEDS:
        raw = random_config(seed)
        _, refusal = parse_or_refusal(raw)
        if refusal is not None:
            refused += 1
            assert lifts(raw, refusal), f"seed {seed}: {refusal}"
    assert refused > 0  # the generator draws refusals: the check above ran
