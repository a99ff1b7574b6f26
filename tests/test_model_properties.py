"""Random schema-valid model experiments (edge values included) are refused in one line or run cleanly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from momentumlab.config import ConfigError
from momentumlab.model_experiment import parse_model_experiment
from momentumlab.model_run import run_model_experiment, summary_records
from momentumlab.records import best_run

KINDS = ("moons", "circles", "blobs", "spirals", "iris", "wine", "breast_cancer", "digits")


def random_model_entry(seed: int) -> dict:
    rng = random.Random(seed)
    kind = rng.choice(KINDS)
    dataset: dict = {"kind": kind, "test_fraction": rng.choice([0.01, 0.25, 0.5, 0.99]),
                     "standardize": rng.random() < 0.7}
    if kind in ("moons", "circles", "blobs", "spirals"):
        dataset.update(n_points=rng.choice([4, 7, 60]), noise=rng.choice([0.0, 0.2, 100.0]))
        if kind in ("blobs", "spirals"):
            dataset["classes"] = rng.choice([2, 3, 5])
    model = rng.choice(["logistic_regression", "mlp"])
    params: dict = {"l2": rng.choice([0.0, 1e-3, 1e6])}
    if model == "mlp":
        params.update(hidden=rng.choice([[1], [3, 2], [8]]), activation=rng.choice(["tanh", "relu"]))
    optimizers = {}
    for k in range(rng.randint(1, 3)):
        method = rng.choice(["sgd", "momentum", "nesterov"])
        optimizer: dict = {"method": method, "lr": rng.choice([1e-12, 1e-3, 0.5, 1e4])}
        if method != "sgd":
            optimizer["momentum"] = rng.choice([0.0, 0.9, 0.999999])
        optimizers[f"o{k}"] = optimizer
    entry = {"problem": model, "dataset": dataset, "params": params, "steps": rng.choice([1, 7, 30]),
             "backends": ["numpy"], "optimizers": optimizers, "seed": rng.randint(0, 2**31)}
    if rng.random() < 0.5:
        entry["batch_size"] = rng.choice([1, 3, 10_000])
    if rng.random() < 0.3:
        entry["record_every"] = rng.choice([1, 5, 1000])
    return entry


@pytest.mark.parametrize("seed", range(40))
def test_a_random_model_experiment_runs_or_is_refused(seed):
    entry = random_model_entry(seed)
    try:
        spec = parse_model_experiment("random", entry)
    except ConfigError as error:
        message = str(error)
        assert message.startswith("config error at experiments.random") and "\n" not in message
        return
    result = run_model_experiment(spec, grid_size=5)
    records, _ = summary_records(result)
    assert len(records) == len(spec.optimizers)
    finished = [record for record in records if not record["diverged"]]
    marked = [record for record in records if record["best"]]  # one, unless every run diverged
    assert marked == ([best_run(records)] if finished else [])  # the report's and the deck's rule
    for run in result.runs:
        assert np.isfinite(run.weights).all()
        assert run.diverged_at == -1 or 0 < run.diverged_at < spec.steps
    assert result.grid.shape == (5, 5)
