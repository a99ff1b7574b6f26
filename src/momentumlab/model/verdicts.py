"""The rules a model experiment's verdicts follow, as numbers in, verdict fields out.

Every rule is stated once here (``RULES``) and printed beside the verdicts it produced:

- **diverged**: a run (or sweep cell) whose training loss at a recorded step is non-finite or
  above ``DIVERGENCE_FACTOR`` × its initial training loss (or whose weights left the box).
- **settled**: on one seed, the first recorded step from which the run's exact full-training-set
  loss stays within the tolerance of the lowest training loss any run reached on that seed, to
  its last record; none when it ends outside.
- **beats**: A beats B on a metric when the experiment has at least ``MIN_SEEDS_FOR_VERDICT``
  paired seeds (same start, same epoch orders) and A is better on at least ⌈``BEATS_SHARE`` · N⌉
  of the N; otherwise "no clear difference". Below ``MIN_SEEDS_FOR_VERDICT`` seeds no count is
  enough: the sentence states what was measured and calls no winner (``too_few_seeds``).
- **best**: the numpy run, diverged on no seed, that beats every other such run on final
  training loss; none when no run does (so none below ``MIN_SEEDS_FOR_VERDICT`` seeds).
- **overfitting**: on the median curves over seeds, the final test loss is more than
  ``OVERFIT_MARGIN`` above its lowest value while the final training loss is below the training
  loss at that lowest test loss's step.
- **chaotic**: the run's final weights move by more than ``CHAOS_TOLERANCE`` (relative, max norm)
  when its start is nudged by one ulp (``np.nextafter``): backends cannot be compared on it.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from momentumlab.records import format_count, format_number, json_number

Array = np.ndarray
DIVERGENCE_FACTOR = 10.0
BEATS_SHARE = 0.8
MIN_SEEDS_FOR_VERDICT = 3  # one or two seeds: a difference may be the seed's, not the optimizer's
OVERFIT_MARGIN = 0.10
CHAOS_TOLERANCE = 1e-6
METRICS = {  # metric -> (what it is called in a sentence, lower is better)
    "final_train_loss": ("train loss", True),
    "final_test_loss": ("test loss", True),
    "final_test_accuracy": ("test accuracy", False),
}
RULES = {
    "diverged": f"A run diverged when its training loss at a recorded step is not finite or above "
                f"{DIVERGENCE_FACTOR:g}× its initial training loss.",
    "settled": "Settled: the first recorded step from which the run's full training loss stays within the "
               "tolerance of the lowest training loss any run reached on that seed, to its last step.",
    "beats": f"A beats B when there are at least {MIN_SEEDS_FOR_VERDICT} paired seeds (same start and same "
             f"minibatch order for every optimizer) and A is better on at least ⌈{BEATS_SHARE:g}·N⌉ of the N; "
             f"otherwise no clear difference. On fewer than {MIN_SEEDS_FOR_VERDICT} seeds no winner is called: "
             f"the numbers are measurements.",
    "best": "Best (★): the numpy run, diverged on no seed, that beats every other such run on final training loss; "
            "none when no run does.",
    "overfitting": f"Overfitting: on the median curves over seeds, the final test loss is more than "
                   f"{100 * OVERFIT_MARGIN:g} % above its lowest value while the final training loss is below the "
                   f"training loss at that step.",
    "chaotic": f"Chaotic: nudging the start by one ulp moves the final weights by more than {CHAOS_TOLERANCE:g} "
               f"(relative); numpy and TensorFlow round differently, so such a run cannot agree.",
}


def diverged_at(train_loss: Array, steps_recorded: Array, frozen_at: Array) -> Array:
    """Step at which each run diverged by the rule, −1 never: ``train_loss`` (B, R), ``frozen_at`` (B,)
    the training loop's own (non-finite loss or weights out of the box)."""
    loss = np.asarray(train_loss, dtype=float)
    bad = ~np.isfinite(loss) | (loss > DIVERGENCE_FACTOR * np.abs(loss[:, :1]))
    blown = np.where(bad.any(axis=1), np.asarray(steps_recorded)[np.argmax(bad, axis=1)], -1)
    frozen = np.asarray(frozen_at)
    return np.where((frozen >= 0) & ((blown < 0) | (frozen < blown)), frozen, blown)


def settled_at(train_loss: Array, steps_recorded: Array, lowest: float, tolerance: float) -> Array:
    """Step each run (``train_loss`` (B, R)) settled within ``tolerance`` of ``lowest``, −1 never."""
    inside = np.asarray(train_loss, dtype=float) <= lowest + tolerance
    outside_last = np.where(~inside, np.arange(inside.shape[1]), -1).max(axis=1)
    first = np.minimum(outside_last + 1, inside.shape[1] - 1)
    return np.where(inside[:, -1], np.asarray(steps_recorded)[first], -1)


def lowest_loss(train_loss: Array) -> float:
    """The lowest finite training loss of any run at any record (+inf when none is finite)."""
    loss = np.asarray(train_loss, dtype=float)
    finite = loss[np.isfinite(loss)]
    return float(finite.min()) if finite.size else math.inf


def seeds_needed(seeds: int) -> int | None:
    """How many of ``seeds`` paired seeds a "beats" needs: ⌈``BEATS_SHARE``·N⌉, None (no count is
    enough) below ``MIN_SEEDS_FOR_VERDICT`` seeds."""
    if seeds < MIN_SEEDS_FOR_VERDICT:
        return None
    return max(1, math.ceil(BEATS_SHARE * seeds - 1e-9))


def compare(a: Sequence[float], b: Sequence[float], lower_is_better: bool) -> dict[str, Any]:
    """Paired seed by seed: how often A and B are better, and who (if anyone) beats whom; below
    ``MIN_SEEDS_FOR_VERDICT`` seeds ``too_few_seeds`` is true and there is no winner."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a_better = int(np.sum(a < b) if lower_is_better else np.sum(a > b))
    b_better = int(np.sum(b < a) if lower_is_better else np.sum(b > a))
    needed = seeds_needed(len(a))
    winner = None if needed is None else "a" if a_better >= needed else "b" if b_better >= needed else None
    return {"a_better": a_better, "b_better": b_better, "seeds": len(a), "needed": needed,
            "min_seeds": MIN_SEEDS_FOR_VERDICT, "too_few_seeds": needed is None, "winner": winner}


def median_curves(values: Array) -> tuple[Array, Array, Array]:
    """(median, min, max) over seeds of ``values`` (S, R)."""
    values = np.asarray(values, dtype=float)
    return np.median(values, axis=0), values.min(axis=0), values.max(axis=0)


def overfitting(train_loss: Array, test_loss: Array, steps_recorded: Array, diverged: bool = False) -> dict[str, Any]:
    """The overfitting rule on the median curves over seeds (``train_loss``, ``test_loss`` (S, R)),
    and how many seeds meet it alone. A run ``diverged`` on every seed has no step of lowest test
    loss to show (its start would be "best") and does not overfit: the fields are None."""
    if diverged:
        return {"best_test_step": None, "best_test_loss": None, "train_loss_at_best_test": None, "overfitting": False,
                "overfitting_seeds": 0}
    train, test = np.asarray(train_loss, dtype=float), np.asarray(test_loss, dtype=float)

    def verdict(train_curve: Array, test_curve: Array) -> tuple[int, bool]:
        test_curve = np.where(np.isfinite(test_curve), test_curve, np.inf)
        best = int(np.argmin(test_curve))
        rises = test_curve[-1] > (1.0 + OVERFIT_MARGIN) * test_curve[best]
        return best, bool(rises and train_curve[-1] < train_curve[best])

    train_median, test_median = np.median(train, axis=0), np.median(test, axis=0)
    best, overfits = verdict(train_median, test_median)
    return {
        "best_test_step": int(np.asarray(steps_recorded)[best]),
        "best_test_loss": json_number(test_median[best]),
        "train_loss_at_best_test": json_number(train_median[best]),
        "overfitting": overfits,
        "overfitting_seeds": int(sum(verdict(tr, te)[1] for tr, te in zip(train, test))),
    }


def relative_change(weights: Array, nudged: Array) -> float:
    """max |Δθ| / max(1, max |θ|) of two final weight vectors (inf when either is not finite)."""
    difference = float(np.abs(np.asarray(nudged) - np.asarray(weights)).max())
    scale = max(1.0, float(np.abs(weights).max()))
    return difference / scale if math.isfinite(difference) and math.isfinite(scale) else math.inf


# --- sentences: every one a function of summary.json's model rows beside it ----------------------


def _name(row: Mapping[str, Any]) -> str:
    return str(row.get("optimizer_label") or row["optimizer"])


def too_few_seeds(comparisons: Sequence[Mapping[str, Any]], seeds: int) -> bool:
    """Whether the experiment has too few paired seeds for any verdict (``MIN_SEEDS_FOR_VERDICT``)."""
    return any(c.get("too_few_seeds") for c in comparisons) or 0 < seeds < MIN_SEEDS_FOR_VERDICT


def too_few_text(seeds: int) -> str:
    """Why no winner is called: ``"1 seed is too few to call a winner (the rule needs 3 paired seeds)"``."""
    verb = "is" if seeds == 1 else "are"
    return (f"{format_count(seeds, 'seed')} {verb} too few to call a winner (the rule needs "
            f"{MIN_SEEDS_FOR_VERDICT} paired seeds)")


def _measured_sentence(comparison: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]]) -> str:
    """A comparison below ``MIN_SEEDS_FOR_VERDICT`` seeds: what each run measured, better first, no verdict."""
    metric, seeds = comparison["metric"], comparison["seeds"]
    noun, lower = METRICS[metric]
    a, b = rows[comparison["a"]], rows[comparison["b"]]
    a_value, b_value = a[metric], b[metric]
    swap = (a_value is not None and b_value is not None
            and ((b_value < a_value) if lower else (b_value > a_value)))
    first, second = (b, a) if swap else (a, b)
    counts = "" if seeds == 1 else (
        f" (median; {_name(a)} better on {comparison['a_better']} and {_name(b)} on {comparison['b_better']} "
        f"of {format_count(seeds, 'seed')})")
    return (f"{_name(first)} ended with {noun} {format_number(first[metric])} against {_name(second)}'s "
            f"{format_number(second[metric])}{counts}")


def comparison_sentence(comparison: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]]) -> str:
    """One paired comparison (a ``model_comparisons`` row) in words, with the medians and seed counts;
    below ``MIN_SEEDS_FOR_VERDICT`` seeds the measured numbers without a verdict."""
    metric, seeds = comparison["metric"], comparison["seeds"]
    noun = METRICS[metric][0]
    a, b = rows[comparison["a"]], rows[comparison["b"]]
    if comparison.get("too_few_seeds") or seeds < MIN_SEEDS_FOR_VERDICT:
        return _measured_sentence(comparison, rows)
    if comparison["winner"] is None:
        return (f"no clear difference in {noun} between {_name(a)} and {_name(b)} (better on {comparison['a_better']} "
                f"and {comparison['b_better']} of {format_count(seeds, 'seed')}; {comparison['needed']} needed)")
    win, lose = (a, b) if comparison["winner"] == comparison["a"] else (b, a)
    count = comparison["a_better"] if win is a else comparison["b_better"]
    return (f"{_name(win)} beats {_name(lose)} on {noun} ({format_number(win[metric])} vs "
            f"{format_number(lose[metric])}, median; better on {count} of {format_count(seeds, 'seed')})")


def overfitting_sentence(row: Mapping[str, Any]) -> str:
    """Where a run's median test loss was lowest, and whether it then overfits by the rule."""
    where = (f"{_name(row)}: test loss lowest at step {format_number(row['best_test_step'])} "
             f"({format_number(row['best_test_loss'])})")
    seeds = row.get("seeds", 1)
    if row["overfitting"]:
        return (f"{where}, then rises to {format_number(row['final_test_loss'])} while its train loss falls from "
                f"{format_number(row['train_loss_at_best_test'])} to {format_number(row['final_train_loss'])}: "
                f"overfitting" + (f" ({row['overfitting_seeds']} of {seeds} seeds overfit on their own)" if seeds > 1 else ""))
    return f"{where}, final {format_number(row['final_test_loss'])}: no overfitting by the rule"


def verdict_sentences(rows: Sequence[Mapping[str, Any]], comparisons: Sequence[Mapping[str, Any]]) -> list[str]:
    """The experiment's verdicts on its competing rows: best run, every comparison (train AND test), overfitting."""
    by_name = {row["optimizer"]: row for row in rows}
    best = next((row for row in rows if row.get("best")), None)
    seeds = rows[0].get("seeds", 1) if rows else 0
    few = too_few_seeds(comparisons, seeds) and not all(row.get("diverged") for row in rows)  # diverged: no best anyway
    if few:
        sentences = [f"No run is named best: {too_few_text(seeds)}; set `seeds: {MIN_SEEDS_FOR_VERDICT}` or more "
                     f"for a verdict. The numbers below are measurements."]
    else:
        sentences = [f"Best by the rule: {_name(best)} (★)." if best else "No run is best by the rule."]
    on = format_count(seeds, "seed") if few and seeds == 1 else format_count(seeds, "paired seed")
    for metric in METRICS:
        for comparison in comparisons:
            if comparison["metric"] == metric and comparison["a"] in by_name and comparison["b"] in by_name:
                text = comparison_sentence(comparison, by_name)
                sentences.append(f"On {on}, {text}" + (": too few seeds to call a winner." if few else "."))
    sentences += [overfitting_sentence(row) + "." for row in rows if row.get("best_test_step") is not None]
    return sentences


def caption(rows: Sequence[Mapping[str, Any]], comparisons: Sequence[Mapping[str, Any]]) -> str:
    """The slide caption: the best run by the rule, the train-loss and test-loss verdicts and any overfitting."""
    by_name = {row["optimizer"]: row for row in rows}
    seeds = rows[0].get("seeds", 1) if rows else 0
    if rows and all(row["diverged"] for row in rows):
        return "Every run diverged."
    parts = [comparison_sentence(c, by_name) for c in comparisons
             if c["metric"] in ("final_train_loss", "final_test_loss") and c["a"] in by_name and c["b"] in by_name]
    parts += [overfitting_sentence(row) for row in rows if row.get("overfitting")]
    if not parts:  # one run: its own numbers
        row = rows[0]
        parts = [f"{_name(row)}: train loss {format_number(row['final_train_loss'])}, test loss "
                 f"{format_number(row['final_test_loss'])}"]
    best = next((row for row in rows if row.get("best")), None)
    if too_few_seeds(comparisons, seeds):
        on = format_count(seeds, "seed") if seeds == 1 else format_count(seeds, "paired seed")
        return f"{too_few_text(seeds)}. Measured on {on}: " + "; ".join(parts) + "."
    verdict = f"{_name(best)} is best by the rule" if best else "No run is best by the rule"
    return f"{verdict}. On {format_count(seeds, 'paired seed')}: " + "; ".join(parts) + "."
