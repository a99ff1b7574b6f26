"""The model verdicts' rules: settled (not touched), diverged, beats on paired seeds, overfitting, and their sentences."""

from __future__ import annotations

import numpy as np

from momentumlab.model import verdicts as mv


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
    assert mv.seeds_needed(5) == 4 and mv.seeds_needed(1) == 1 and mv.seeds_needed(10) == 8
    four = mv.compare([1, 1, 1, 1, 3], [2, 2, 2, 2, 2], lower_is_better=True)
    assert four["a_better"] == 4 and four["winner"] == "a"
    three = mv.compare([1, 1, 1, 3, 3], [2, 2, 2, 2, 2], lower_is_better=True)
    assert three["winner"] is None
    assert mv.compare([0.9, 0.9], [0.8, 0.8], lower_is_better=False)["winner"] == "a"


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
