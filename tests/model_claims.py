"""Re-derive every model verdict summary.json states from the per-seed numbers beside it.

``model_claim_errors(summary)`` returns one line per claim the numbers do not support (empty: all
hold): medians and ranges, every "beats" with its seed counts, the best run, settled steps,
overfitting, and the agreement rows' exclusions. The claims test reads the report's and the deck's
sentences against these same rows.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

import numpy as np

from momentumlab.model import verdicts as mv


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def model_claim_errors(summary: Mapping[str, Any]) -> list[str]:
    """Every model claim of ``summary`` (``runs``, ``model_comparisons``, ``agreement``) that its numbers contradict."""
    errors = []
    rows = [row for row in summary.get("runs", []) if "model" in row and "per_seed" in row]
    for row in rows:
        name = f"{row['experiment']}/{row['optimizer']}/{row['backend']}"
        for metric in ("final_train_loss", "final_test_loss", "final_test_accuracy"):
            values = [v for v in row["per_seed"][metric] if v is not None]
            if len(row["per_seed"][metric]) != row["seeds"]:
                errors.append(f"{name}: {metric} has {len(row['per_seed'][metric])} seeds, not {row['seeds']}")
            elif values and len(values) == row["seeds"]:
                if not _close(row[metric], float(np.median(values))):
                    errors.append(f"{name}: {metric} {row[metric]} is not the median of its seeds")
                if not (_close(row[f"{metric}_range"][0], min(values)) and _close(row[f"{metric}_range"][1], max(values))):
                    errors.append(f"{name}: {metric}_range is not [min, max] of its seeds")
        settled = row["per_seed"]["settled_at"]
        expected = None if None in settled else sorted(settled)[(len(settled) - 1) // 2]
        if row["settled_at"] != expected or row["settled_seeds"] != sum(s is not None for s in settled):
            errors.append(f"{name}: settled_at {row['settled_at']} does not follow its seeds {settled}")
        diverged = [d is not None for d in row["per_seed"]["diverged_at"]]
        if row["diverged"] != any(diverged) or row["diverged_seeds"] != sum(diverged):
            errors.append(f"{name}: diverged does not follow its seeds")
        rises = (row["final_test_loss"] is not None and row["best_test_loss"] is not None
                 and row["final_test_loss"] > (1 + mv.OVERFIT_MARGIN) * row["best_test_loss"])
        falls = (row["final_train_loss"] is not None and row["train_loss_at_best_test"] is not None
                 and row["final_train_loss"] < row["train_loss_at_best_test"])
        if row["overfitting"] != (rises and falls):
            errors.append(f"{name}: overfitting {row['overfitting']} but the test loss "
                          f"{'rises' if rises else 'does not rise'} and the train loss {'falls' if falls else 'does not fall'}")
    by_key = {(row["experiment"], row["optimizer"]): row for row in rows if row.get("seeds") and row["backend"] == "numpy"}
    winners: dict[str, dict[tuple[str, str], str | None]] = {}
    for comparison in summary.get("model_comparisons", []):
        a, b = by_key.get((comparison["experiment"], comparison["a"])), by_key.get((comparison["experiment"], comparison["b"]))
        if a is None or b is None:
            errors.append(f"{comparison['experiment']}: a comparison of runs without rows")
            continue
        metric = comparison["metric"]
        lower = mv.METRICS[metric][1]
        pairs_ab = list(zip(a["per_seed"][metric], b["per_seed"][metric]))
        a_better = sum((x < y) if lower else (x > y) for x, y in pairs_ab if x is not None and y is not None)
        b_better = sum((y < x) if lower else (y > x) for x, y in pairs_ab if x is not None and y is not None)
        seeds = len(pairs_ab)
        # the rule, by its own arithmetic: at least MIN_SEEDS_FOR_VERDICT seeds, then ⌈0.8·N⌉ wins of N
        needed = None if seeds < mv.MIN_SEEDS_FOR_VERDICT else -(-4 * seeds // 5)
        winner = (None if needed is None else a["optimizer"] if a_better >= needed
                  else b["optimizer"] if b_better >= needed else None)
        if (a_better, b_better, needed, winner, needed is None) != (
                comparison["a_better"], comparison["b_better"], comparison["needed"], comparison["winner"],
                comparison.get("too_few_seeds", False)):
            errors.append(f"{comparison['experiment']}: {a['optimizer']} vs {b['optimizer']} on {metric}: the seeds say "
                          f"{a_better}–{b_better} of {seeds}, winner {winner}; the row says {comparison['winner']}")
        if metric == "final_train_loss":
            winners.setdefault(comparison["experiment"], {})[(a["optimizer"], b["optimizer"])] = winner
    for experiment in dict.fromkeys(row["experiment"] for row in rows):
        competing = [row for (name, _), row in by_key.items() if name == experiment]
        finished = [row["optimizer"] for row in competing if not row["diverged"]]
        pairs = winners.get(experiment, {})
        beats_all = [o for o in finished if all(pairs.get((o, p), pairs.get((p, o))) == o for p in finished if p != o)]
        if any(row["seeds"] < mv.MIN_SEEDS_FOR_VERDICT for row in competing):
            beats_all = []  # too few seeds: no run beats another, so none is best
        marked = [row["optimizer"] for row in competing if row["best"]]
        if marked != beats_all[:1]:
            errors.append(f"{experiment}: best is {marked}, the rule gives {beats_all[:1]}")
    for row in summary.get("agreement", []):
        if "compared" in row and row["compared"] != (row["excluded"] is None) or row.get("compared") is False and row["max_abs_diff"] is not None:
            errors.append(f"{row['experiment']}/{row['optimizer']}: an excluded agreement row prints a difference")
    return errors


def beats_sentence_errors(sentences: list[str], seeds: int, comparisons: list[Mapping[str, Any]]) -> list[str]:
    """Every verdict sentence that says "beats" (or names a best run) without the seeds for it: at least
    ``MIN_SEEDS_FOR_VERDICT`` paired seeds, and the winner better on ⌈0.8·N⌉ of them (its stated count)."""
    errors = []
    for sentence in sentences:
        names_best = sentence.startswith("Best by the rule") or (" is best by the rule" in sentence
                                                                 and not sentence.startswith("No run"))
        if " beats " in sentence or names_best:
            if seeds < mv.MIN_SEEDS_FOR_VERDICT:
                errors.append(f"{seeds} seeds, yet: {sentence}")
                continue
            for match in re.finditer(r"better on (\d+) of (\d+) seeds", sentence):
                count, of = int(match[1]), int(match[2])
                if of != seeds or count < -(-4 * of // 5):
                    errors.append(f"a win on {count} of {of} seeds is not a verdict: {sentence}")
        if " beats " in sentence and not any(c["winner"] for c in comparisons):
            errors.append(f"no comparison row has a winner, yet: {sentence}")
    return errors
