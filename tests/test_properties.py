"""Property-based check of issue 12's promise: every schema-valid config runs or is refused.

Seeded random configs (tests/config_generator.py) cover every problem, method,
backend and format with edge values at the schema's bounds. Each one is either
refused in one line naming a key, or runs through every stage in this process with
no exception, no unflagged NaN in the report's numbers, a tracemalloc peak of at most
256 MB and at most 5 s of CPU time, 4 s more per model experiment (this process and its ffmpeg
children) for all stages; ``SECONDS`` says why 5. The memory is measured on a second, traced
run of the stages whose memory grows with the config (data sets, runs, sweeps, spot checks,
theory, summary): tracing slows them up to threefold, so that run is not timed; drawing
the fixed-size pictures is not traced (the landscape's memory has its own test in
test_problems.py). More examples: ``ML_PROPERTY_EXAMPLES=500 pytest tests/test_properties.py``
(``ML_PROPERTY_FIRST=N`` starts at another seed).
"""

from __future__ import annotations

import gc
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
# CPU time still grows when other work shares the 2 cores (caches and memory bandwidth are shared):
# the costliest example, seed 13 (the theory check's 100 000-step run), takes 1.7-1.8 s quiet and
# up to 2.9 s beside three CPU-bound processes, so a 2 s bound failed under load. The bound is for
# a schema edge value turned into work that grows with it (seed 14's landscape computed over its
# million points rather than from their five moments: 232 s), with room for load. A stage merely
# 1.5-2.5 times slower (seed 13's record copied at every step: 3.9 s) cannot be told from load,
# which alone made some examples 2 times costlier; benchmarks/optimizers.py times that kind.
SECONDS = 5.0
# A model experiment adds a race and run animations on its loss plane, decision regions, a still
# figure and a sweep heatmap: 1.6–3.2 CPU s measured quiet on the examples of the first 60 seeds,
# so under load (up to ~1.6× as above) 4 s more.
MODEL_SECONDS = 4.0


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): an example's cost, whatever else runs."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Import TensorFlow and matplotlib once, so one-off import costs are not charged to an example."""
    from momentumlab.backends import tensorflow_backend
    from momentumlab.render import render_run  # noqa: F401

    tensorflow_backend.configure(1)


def test_the_examples_cover_every_enum_value_of_the_schema():
    drawn = {"problem": set(), "method": set(), "backend": set(), "format": set(), "sweep_method": set(),
             "schedule": set(), "momentum_form": set()}
    models = {"dataset": set(), "model": set(), "activation": set(), "batch": set(), "model_backend": set()}
    for seed in SEEDS:
        raw = random_config(seed)
        drawn["format"].update(raw["animation"]["formats"])
        for entry in (e for e in raw["experiments"].values() if e["problem"] in MODELS):
            models["dataset"].add(entry["dataset"]["kind"])
            models["model"].add(entry["problem"])
            models["activation"].add(entry["params"].get("activation", "none"))
            models["batch"].add("minibatch" if "batch_size" in entry else "full")
            models["model_backend"].update(entry["backends"])
        for experiment in (e for e in raw["experiments"].values() if e["problem"] not in MODELS):
            drawn["problem"].add(experiment["problem"])
            drawn["backend"].update(experiment["backends"])
            drawn["sweep_method"].add(experiment["sweep"]["method"])
            drawn["method"].update(o["method"] for o in experiment["optimizers"].values())
            drawn["schedule"].update(o.get("schedule", {}).get("kind", "none") for o in experiment["optimizers"].values())
            drawn["momentum_form"].update(o["momentum_form"] for o in experiment["optimizers"].values() if "momentum_form" in o)
    assert drawn == {"problem": set(PROBLEMS), "method": set(METHODS), "backend": set(BACKENDS),
                     "format": set(FORMATS), "sweep_method": set(METHODS), "schedule": set(SCHEDULES),
                     "momentum_form": {"keras", "pytorch"}}
    assert models == {"dataset": set(DATASETS), "model": set(MODELS), "activation": {*ACTIVATIONS, "none"},
                      "batch": {"minibatch", "full"}, "model_backend": set(BACKENDS)}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_valid_config_runs_or_is_refused(seed: int, tmp_path: Path) -> None:
    raw = random_config(seed)
    config, refusal = parse_or_refusal(raw)
    if config is None:
        assert refusal.startswith("config error at ") and "\n" not in refusal, refusal
        return
    assert parse_config(config.data) == config  # the scripts re-validate what the rules pass them
    gc.collect()
    gc.freeze()  # what earlier tests left alive is not the example's cost: keep the collector off it
    began = cpu_seconds()
    summary = compute(config, tmp_path)
    present(config, tmp_path, sorted((REPO / "templates").glob("*.j2")))
    seconds = cpu_seconds() - began
    tracemalloc.start()  # the same (deterministic) computation again, traced: tracing slows it, so it is not timed
    try:
        compute(config, tmp_path / "traced")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert unflagged_non_finite(summary) == []
    assert (tmp_path / "reports" / "index.html").stat().st_size > 0
    assert peak <= PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    allowed = SECONDS + MODEL_SECONDS * len(config.model_experiments)
    assert seconds <= allowed, f"{seconds:.2f} CPU seconds (allowed {allowed:.1f})"
