"""Property-based check of issue 12's promise: every schema-valid config runs or is refused.

Seeded random configs (tests/config_generator.py) cover every problem, method,
backend and format with edge values at the schema's bounds. Each one is either
refused in one line naming a key, or runs through every stage in this process with
no exception, no unflagged NaN in the report's numbers and a tracemalloc peak of at most
256 MB. The memory is measured on a second, traced run of the stages whose memory grows with
the config (data sets, runs, sweeps, spot checks, theory, summary); drawing the fixed-size
pictures is not traced (the landscape's memory has its own test in test_problems.py). The
examples are small by construction (``test_the_examples_are_small_by_construction``): no test
here measures time, benchmarks/ does. More examples: ``ML_PROPERTY_EXAMPLES=500 pytest
tests/test_properties.py`` (``ML_PROPERTY_FIRST=N`` starts at another seed).
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from momentumlab.config import parse_config

from config_generator import (
    ACTIVATIONS, BACKENDS, DATASETS, FORMATS, METHODS, MODELS, PROBLEMS, SCHEDULES, parse_or_refusal, random_config,
    unflagged_non_finite,
)
from pipeline_stages import compute, present

REPO = Path(__file__).resolve().parents[1]
FIRST = int(os.environ.get("ML_PROPERTY_FIRST", "0"))
COUNT = int(os.environ.get("ML_PROPERTY_EXAMPLES", "60"))
SEEDS = list(range(FIRST, FIRST + COUNT))
PEAK_BYTES = 256e6
# The generator's largest example, by construction: a million-point regression for 5 steps with
# two runs; a sweep of 4 × 3 settings for 400 steps; 5 frames of 320 × 180 per animation.
MAX_POINT_STEPS = 1_000_000 * 5 * 2
MAX_SWEEP_RUN_STEPS = 4 * 3 * 400
MAX_FRAME_PIXELS = 5 * 320 * 180


def test_the_examples_are_small_by_construction():
    for seed in SEEDS:
        raw = random_config(seed)
        animation = raw["animation"]
        assert animation["frames"] * animation["width"] * animation["height"] <= MAX_FRAME_PIXELS, seed
        for experiment in (e for e in raw["experiments"].values() if e["problem"] not in MODELS):
            runs = len(experiment["optimizers"]) * len(experiment["backends"])
            points = experiment.get("params", {}).get("n_points", 1)
            assert points * experiment["steps"] * runs <= MAX_POINT_STEPS, seed
            sweep = {**raw["sweep"], **experiment["sweep"]}
            assert sweep["lr_points"] * sweep["momentum_points"] * max(sweep["steps"], experiment["steps"]) <= MAX_SWEEP_RUN_STEPS, seed
        for entry in (e for e in raw["experiments"].values() if e["problem"] in MODELS):
            assert entry["dataset"].get("n_points", 0) <= 60 and entry["steps"] <= 30, seed


EVERY_VALUE = ({("problem", v) for v in PROBLEMS} | {("method", v) for v in METHODS} | {("backend", v) for v in BACKENDS}
               | {("format", v) for v in FORMATS} | {("sweep_method", v) for v in METHODS}
               | {("schedule", v) for v in SCHEDULES} | {("momentum_form", v) for v in ("keras", "pytorch")}
               | {("dataset", v) for v in DATASETS} | {("model", v) for v in MODELS}
               | {("activation", v) for v in (*ACTIVATIONS, "none")} | {("batch", v) for v in ("minibatch", "full")}
               | {("model_backend", v) for v in BACKENDS} | {("spacing", v) for v in ("log", "linear")})


def drawn_values(seed: int) -> set[tuple[str, str]]:
    """The (schema field, enum value) pairs the config of ``seed`` draws."""
    raw = random_config(seed)
    drawn = {("format", f) for f in raw["animation"]["formats"]} | {("spacing", raw["animation"]["spacing"])}
    for entry in (e for e in raw["experiments"].values() if e["problem"] in MODELS):
        drawn |= {("dataset", entry["dataset"]["kind"]), ("model", entry["problem"]),
                  ("activation", entry["params"].get("activation", "none")),
                  ("batch", "minibatch" if "batch_size" in entry else "full")}
        drawn |= {("model_backend", b) for b in entry["backends"]}
    for experiment in (e for e in raw["experiments"].values() if e["problem"] not in MODELS):
        optimizers = experiment["optimizers"].values()
        drawn |= {("problem", experiment["problem"]), ("sweep_method", experiment["sweep"]["method"])}
        drawn |= {("backend", b) for b in experiment["backends"]} | {("method", o["method"]) for o in optimizers}
        drawn |= {("schedule", o.get("schedule", {}).get("kind", "none")) for o in optimizers}
        drawn |= {("momentum_form", o["momentum_form"]) for o in optimizers if "momentum_form" in o}
    return drawn


def quick_seeds(seeds: list[int], first: int = 12) -> list[int]:
    """The first ``first`` seeds, then each later seed that draws a value they miss: `make test`
    runs these, `make test-slow` the rest."""
    chosen, covered = list(seeds[:first]), set().union(*map(drawn_values, seeds[:first]))
    for seed in seeds[first:]:
        if drawn_values(seed) - covered:
            chosen.append(seed)
            covered |= drawn_values(seed)
    return chosen


QUICK_SEEDS = quick_seeds(SEEDS)


def test_the_quick_examples_cover_every_enum_value_of_the_schema():
    assert set().union(*map(drawn_values, QUICK_SEEDS)) == EVERY_VALUE
    assert len(QUICK_SEEDS) < len(SEEDS)  # the rest are make test-slow's


@pytest.mark.parametrize("seed", [seed if seed in QUICK_SEEDS else pytest.param(seed, marks=pytest.mark.slow) for seed in SEEDS])
def test_a_valid_config_runs_or_is_refused(seed: int, tmp_path: Path) -> None:
    raw = random_config(seed)
    config, refusal = parse_or_refusal(raw)
    if config is None:
        assert refusal.startswith("config error at ") and "\n" not in refusal, refusal
        return
    assert parse_config(config.data) == config  # the scripts re-validate what the rules pass them
    summary = compute(config, tmp_path)
    present(config, tmp_path, sorted((REPO / "templates").glob("*.j2")))
    tracemalloc.start()  # the same (deterministic) computation again, traced
    try:
        compute(config, tmp_path / "traced")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert unflagged_non_finite(summary) == []
    assert (tmp_path / "reports" / "index.html").stat().st_size > 0
    assert peak <= PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
