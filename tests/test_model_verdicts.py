"""The model verdicts' rules: settled (not touched), diverged, beats on paired seeds, overfitting, and their sentences."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from momentumlab.model import verdicts as mv

sys.path.insert(0, str(Path(__file__).parent))
from model_claims import beats_sentence_errors  # noqa: E402


def test_settled_is_the_first_step_from_which_the_run_stays_within_tolerance():
    steps = np.array([0, 10, 20, 30])
    train_loss = np.array([
        [1.0, 0.25, 0.50, 0.30],   # touches at 10, leaves, back at 30: settled at 30 (not 10)
        [1.0, 0.34, 0.29, 0.20],   # the lowest (0.2): settled at 20
        [1.0, 0.25, 0.28, 0.70],   # touches, ends outside: never
        [1.0, np.nan, np.nan, np.nan],  # not finite: never
    ])
    lowest = mv.lowest_loss(train_loss)
    assert lowest == 0.2
    np.testing.assert_array_equal(mv.settled_at(train_loss, steps, lowest, 0.1), [30, 20, -1, -1])


def test_diverged_by_the_stated_multiple_of_the_initial_loss_or_the_loop():
    steps = np.array([0, 10, 20])
    loss = np.array([[1.0, 9.0, 2.0], [1.0, 11.0, 0.5], [1.0, 0.5, np.inf], [1.0, 0.5, 0.4]])
    np.testing.assert_array_equal(mv.diverged_at(loss, steps, np.array([-1, -1, -1, 15])), [-1, 10, 20, 15])


def test_beats_needs_the_stated_share_of_paired_seeds():
    assert mv.MIN_SEEDS_FOR_VERDICT == 3
    assert mv.seeds_needed(5) == 4 and mv.seeds_needed(3) == 3 and mv.seeds_needed(10) == 8
    four = mv.compare([1, 1, 1, 1, 3], [2, 2, 2, 2, 2], lower_is_better=True)
    assert four["a_better"] == 4 and four["winner"] == "a" and not four["too_few_seeds"]
    three = mv.compare([1, 1, 1, 3, 3], [2, 2, 2, 2, 2], lower_is_better=True)
    assert three["winner"] is None and not three["too_few_seeds"]


@pytest.mark.parametrize("seeds", [1, 2])
def test_below_the_minimum_seeds_no_count_is_a_verdict(seeds):
    assert mv.seeds_needed(seeds) is None
    sweep = mv.compare([0.9] * seeds, [0.8] * seeds, lower_is_better=False)  # A better on every seed
    assert sweep["winner"] is None and sweep["needed"] is None and sweep["too_few_seeds"]
    assert sweep["a_better"] == seeds and sweep["min_seeds"] == mv.MIN_SEEDS_FOR_VERDICT


def test_overfitting_on_the_median_curves():
    steps = np.array([0, 10, 20, 30])
    train = np.array([[1.0, 0.5, 0.3, 0.1]] * 3)
    test = np.array([[1.0, 0.4, 0.5, 0.6], [1.0, 0.45, 0.5, 0.6], [1.0, 0.4, 0.41, 0.42]])
    verdict = mv.overfitting(train, test, steps)
    assert verdict["best_test_step"] == 10 and verdict["best_test_loss"] == 0.4
    assert verdict["overfitting"] and verdict["overfitting_seeds"] == 2  # the third rises by 5 % only
    flat = mv.overfitting(train, np.array([[1.0, 0.4, 0.41, 0.42]]), steps)
    assert not flat["overfitting"]


def test_sentences_state_train_and_test_with_the_seed_count():
    rows = [
        {"optimizer": "sgd", "optimizer_label": "SGD", "seeds": 5, "final_train_loss": 0.0965, "final_test_loss": 0.116,
         "final_test_accuracy": 0.97, "best": False, "diverged": False, "best_test_step": 1335, "best_test_loss": 0.11,
         "train_loss_at_best_test": 0.098, "overfitting": False, "overfitting_seeds": 3},
        {"optimizer": "momentum", "optimizer_label": "Momentum", "seeds": 5, "final_train_loss": 0.0816,
         "final_test_loss": 0.206, "final_test_accuracy": 0.96, "best": True, "diverged": False, "best_test_step": 135,
         "best_test_loss": 0.130, "train_loss_at_best_test": 0.125, "overfitting": True, "overfitting_seeds": 5},
    ]
    comparisons = [
        {"metric": "final_train_loss", "a": "sgd", "b": "momentum", "a_better": 1, "b_better": 4, "seeds": 5,
         "needed": 4, "winner": "momentum"},
        {"metric": "final_test_loss", "a": "sgd", "b": "momentum", "a_better": 5, "b_better": 0, "seeds": 5,
         "needed": 4, "winner": "sgd"},
        {"metric": "final_test_accuracy", "a": "sgd", "b": "momentum", "a_better": 2, "b_better": 2, "seeds": 5,
         "needed": 4, "winner": None},
    ]
    text = " ".join(mv.verdict_sentences(rows, comparisons))
    assert "Best by the rule: Momentum (★)." in text
    assert "Momentum beats SGD on train loss (0.0816 vs 0.0965, median; better on 4 of 5 seeds)" in text
    assert "SGD beats Momentum on test loss (0.116 vs 0.206, median; better on 5 of 5 seeds)" in text
    assert "no clear difference in test accuracy" in text
    assert ("Momentum: test loss lowest at step 135 (0.13), then rises to 0.206 while its train loss falls from 0.125 to "
            "0.0816: overfitting (5 of 5 seeds overfit on their own)") in text
    assert "SGD: test loss lowest at step 1 335 (0.11), final 0.116: no overfitting by the rule" in text
    caption = mv.caption(rows, comparisons)
    assert caption.startswith("Momentum is best by the rule. On 5 paired seeds: Momentum beats SGD on train loss") and "SGD beats Momentum on test loss" in caption
    assert "overfitting" in caption and "accuracy" not in caption


def _rows_and_comparisons(rng, seeds, names=("sgd", "momentum", "nesterov")):
    """Random paired finals for ``names`` and their comparisons, as ``model.run`` builds them."""
    finals = {name: {metric: rng.uniform(0.05, 1.0, seeds) for metric in mv.METRICS} for name in names}
    rows = [{"optimizer": name, "seeds": seeds, "diverged": False, "best": False, "best_test_step": None,
             "overfitting": False, **{metric: float(np.median(v)) for metric, v in finals[name].items()}}
            for name in names]
    comparisons = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for metric, (_, lower) in mv.METRICS.items():
                verdict = mv.compare(finals[a][metric], finals[b][metric], lower)
                verdict["winner"] = {"a": a, "b": b, None: None}[verdict["winner"]]
                comparisons.append({"metric": metric, "a": a, "b": b, **verdict})
    return rows, comparisons


@pytest.mark.parametrize("seeds", [1, 2, 3, 4, 5, 7])
def test_no_beats_sentence_without_the_seeds_for_it(seeds):
    """Property: on random paired finals, no sentence or caption says "beats" unless there are at least
    MIN_SEEDS_FOR_VERDICT seeds and the stated win count is ⌈0.8·N⌉ of N; below it every comparison says
    what was measured and that the seeds are too few."""
    rng = np.random.default_rng(seeds)
    for _ in range(20):
        rows, comparisons = _rows_and_comparisons(rng, seeds)
        sentences = mv.verdict_sentences(rows, comparisons) + [mv.caption(rows, comparisons)]
        assert beats_sentence_errors(sentences, seeds, comparisons) == []
        if seeds < mv.MIN_SEEDS_FOR_VERDICT:
            assert all(" beats " not in s and "no clear difference" not in s for s in sentences)
            assert sentences[0].startswith("No run is named best:") and "too few to call a winner" in sentences[0]
            measured = [s for s in sentences[1:-1] if s.startswith("On ")]
            assert len(measured) == len(comparisons)
            assert all("too few seeds to call a winner" in s and " ended with " in s for s in measured)


def test_the_property_check_catches_a_one_seed_beats():
    rows, comparisons = _rows_and_comparisons(np.random.default_rng(0), 1)
    planted = "On 1 paired seed, momentum beats sgd on train loss (0.1 vs 0.2, median; better on 1 of 1 seed)."
    assert beats_sentence_errors([planted], 1, comparisons) != []
    assert beats_sentence_errors(["Best by the rule: momentum (★)."], 2, comparisons) != []
    assert beats_sentence_errors(["No run is best by the rule."], 1, comparisons) == []  # every run diverged
    assert beats_sentence_errors(["On 5 paired seeds, a beats b on test loss (1 vs 2, median; better on 3 of 5 seeds)."],
                                 5, [{"winner": "a"}]) != []


def test_one_seed_sentences_state_the_measured_numbers():
    rows = [{"optimizer": "sgd", "seeds": 1, "final_train_loss": 0.12, "final_test_loss": 0.43,
             "final_test_accuracy": 0.93, "best": False, "diverged": False, "best_test_step": None, "overfitting": False},
            {"optimizer": "momentum", "seeds": 1, "final_train_loss": 0.07, "final_test_loss": 0.61,
             "final_test_accuracy": 0.94, "best": False, "diverged": False, "best_test_step": None, "overfitting": False}]
    comparisons = [{"metric": m, "a": "sgd", "b": "momentum", **mv.compare([rows[0][m]], [rows[1][m]], lower)}
                   for m, (_, lower) in mv.METRICS.items()]
    text = mv.verdict_sentences(rows, comparisons)
    assert text[0] == ("No run is named best: 1 seed is too few to call a winner (the rule needs 3 paired seeds); "
                       "set `seeds: 3` or more for a verdict. The numbers below are measurements.")
    assert ("On 1 seed, momentum ended with test accuracy 0.94 against sgd's 0.93: too few seeds to call a winner."
            in text)
    assert "On 1 seed, sgd ended with test loss 0.43 against momentum's 0.61: too few seeds to call a winner." in text
    caption = mv.caption(rows, comparisons)
    assert caption.startswith("1 seed is too few to call a winner (the rule needs 3 paired seeds). Measured on 1 seed: ") and " beats " not in caption
