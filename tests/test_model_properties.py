"""Random schema-valid model experiments (edge values included, from the shared config generator) are
refused in one line or train cleanly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from momentumlab.config import ConfigError
from momentumlab.config import parse_model_experiment
from momentumlab.model import verdicts as model_verdicts
from momentumlab.model.run import run_model_experiment, summary_records
from momentumlab.records import competing_runs

from config_generator import DATASETS, random_model_experiment
from model_claims import beats_sentence_errors, model_claim_errors

def random_model_entry(seed: int) -> dict:
    """The config generator's model experiment, data sets in turn, with its own seed."""
    rng = random.Random(seed)
    entry = random_model_experiment(rng, tensorflow=False, kind=DATASETS[seed % len(DATASETS)])
    entry["seed"] = rng.randint(0, 2**31)
    return entry


# Seeds take the data sets in turn: the first 16 draw each twice (`make test`), the rest are
# larger samples of the same space (`make test-slow`).
QUICK_SEEDS = range(2 * len(DATASETS))


@pytest.mark.parametrize("seed", [seed if seed in QUICK_SEEDS else pytest.param(seed, marks=pytest.mark.slow) for seed in range(40)])
def test_a_random_model_experiment_runs_or_is_refused(seed):
    entry = random_model_entry(seed)
    try:
        spec = parse_model_experiment("random", entry)
    except ConfigError as error:
        message = str(error)
        assert message.startswith("config error at experiments.random") and "\n" not in message
        return
    result = run_model_experiment(spec, grid_size=5)
    section = summary_records(result)
    records = section["runs"]
    assert len(records) == len(spec.optimizers)
    finished = [record for record in records if not record["diverged"]]
    marked = [record for record in records if record["best"]]  # by model_verdicts' rule: at most one
    assert len(marked) <= 1 and not any(record["diverged"] for record in marked)
    if spec.seeds < model_verdicts.MIN_SEEDS_FOR_VERDICT:  # too few seeds: no winner, no best
        assert marked == [] and all(c["winner"] is None and c["too_few_seeds"] for c in section["model_comparisons"])
    elif len(finished) == 1:
        assert marked == finished
    for best in marked:  # it beats every other finished run on train loss, on the stated share of seeds
        for comparison in section["model_comparisons"]:
            pair = {comparison["a"], comparison["b"]}
            if comparison["metric"] == "final_train_loss" and best["optimizer"] in pair and all(
                    not r["diverged"] for r in records if r["optimizer"] in pair):
                assert comparison["winner"] == best["optimizer"]
    assert model_claim_errors(section) == []
    sentences = model_verdicts.verdict_sentences(competing_runs(records), section["model_comparisons"])
    assert beats_sentence_errors(sentences, spec.seeds, section["model_comparisons"]) == []
    for run in result.runs:
        assert np.isfinite(run.weights).all() and len(run.diverged_at) == spec.seeds
        assert np.all((run.diverged_at == -1) | ((0 <= run.diverged_at) & (run.diverged_at <= spec.steps)))
    assert result.grid.shape == (5, 5)
    for record in records if spec.sharpness else ():  # the Hessian's top eigenvalue at every record
        sharpness = record["sharpness"]
        assert len(sharpness["values"]) == len(sharpness["steps"]) == len(result.runs[0].steps_recorded)
        assert (sharpness["threshold"] is None) == (spec.batch_size is not None or record["lr"] <= 0)
        assert (sharpness["reason"] is None) == (sharpness["threshold"] is not None)
