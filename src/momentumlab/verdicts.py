"""Every sentence-level claim the report and the deck print about 2-D runs, from ``summary.json`` rows.

Each function turns rows into one sentence (or one table cell) and nothing else decides the words:
the report's templates and the deck print what these return, and ``tests/test_claims.py``
re-derives each claim from the numbers with its own arithmetic.

A 2-D run is one deterministic trajectory from its configured start (no random draw): who settles
first or ends closest is a measurement of those trajectories, not a sampling claim, so the model
experiments' paired-seed rule (``model.verdicts.MIN_SEEDS_FOR_VERDICT``) does not apply and the words
stay measurements ("settles first", "ends closest"), never "beats".
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from momentumlab.floors import BELOW_FLOOR, RELATIVE_FLOOR, below_floor, distance_floor, excess_floor
from momentumlab.optim import method_spec
from momentumlab.records import best_run, format_count, format_number

NOT_SETTLED = "not settled"


def settled_text(settled_at: int | None) -> str:
    """``"settled at step 12"`` or ``"not settled"``: the run stayed within tolerance from that step on."""
    return NOT_SETTLED if settled_at is None else f"settled at step {format_number(settled_at)}"


def momentum_name(method: str) -> str | None:
    """The name of ``method``'s momentum-like hyperparameter: μ, β₁, or RMSProp's own (None without one)."""
    spec = method_spec(method)
    if spec.momentum_key is None:
        return None
    if spec.momentum_key == "beta_1":
        return "β₁"
    return "μ" if spec.family == "sgd" else spec.axis_label


def momentum_text(row: Mapping[str, Any]) -> str:
    """A run's momentum-like value with its own name (``"β₁ = 0.9"``), "—" for a method without one."""
    name = momentum_name(row["method"])
    return "—" if name is None or row.get("momentum") is None else f"{name} = {format_number(row['momentum'])}"


def distance_text(row: Mapping[str, Any], key: str = "distance_to_optimum") -> str:
    """A run's distance to the optimum, "< 1e-12" below its floor 1e-12 · max(1, ‖θ*‖)."""
    value, optimum = row.get(key), row.get("optimum")
    if optimum is not None and below_floor(value, distance_floor(optimum)):
        return BELOW_FLOOR
    return format_number(value)


def difference_text(value: float | None, digits: int = 3) -> str:
    """A numpy-vs-TensorFlow difference: "< 1e-12" below the absolute floor 1e-12 (rounding), else the number."""
    return BELOW_FLOOR if below_floor(value, RELATIVE_FLOOR) else format_number(value, digits)


def theta_text(row: Mapping[str, Any], digits: int = 4) -> str:
    """A run's final parameters "(a, b)"; a coordinate below the distance floor (rounding around 0) is "< 1e-12"."""
    values, optimum = row.get("final_params"), row.get("optimum")
    if values is None:
        return "—"
    floor = distance_floor(optimum) if optimum is not None else None
    return "(" + ", ".join(BELOW_FLOOR if below_floor(v, floor) else format_number(v, digits) for v in values) + ")"


def agreement_text(worst: float) -> str:
    """How closely the backends agree: ``"max |Δθ| = 3.1e-9"``, or ``"max |Δθ| < 1e-12"`` below the floor."""
    shown = difference_text(worst, 2)
    return f"max |Δθ| {shown}" if shown == BELOW_FLOOR else f"max |Δθ| = {shown}"


def loss_text(row: Mapping[str, Any]) -> str:
    """A run's final loss as the tables show it: f − f* ("< 1e-12" below its floor) where f* is known."""
    if row.get("f_star") is None:
        return format_number(row.get("final_loss"))
    value = row.get("excess_loss")
    return BELOW_FLOOR if below_floor(value, excess_floor(row["f_star"])) else format_number(value)


def race_verdict(runs: Sequence[Mapping[str, Any]], start: Sequence[float], steps: int) -> str:
    """Who wins a race by the best-run rule, and by how much (settled steps, final distance)."""
    best = best_run(runs)
    if best is None:
        return f"Every optimizer races from {list(start)} for {format_count(steps, 'step')}; every run diverged."
    name = best["optimizer_label"]
    if best["distance_to_optimum"] is None:
        return f"{name} ends lowest: final loss {format_number(best['final_loss'])} after {format_count(steps, 'step')}."
    distance = distance_text(best)
    if best["settled_at"] is None:
        return (f"{name} ends closest: {distance} from the optimum after {format_count(steps, 'step')}; "
                "no run settles within the tolerance.")
    return (f"{name} settles first: within the tolerance from step {format_number(best['settled_at'])} on; "
            f"{distance} from the optimum after {format_count(steps, 'step')}.")


def momentum_ratio_text(row: Mapping[str, Any]) -> str:
    """A "what momentum adds" ratio cell: ``"3.1×"``, ``"≥ 2×"`` or "—"."""
    if row.get("steps_ratio") is not None:
        return f"{format_number(row['steps_ratio'])}×"
    if row.get("steps_ratio_at_least") is not None:
        return f"≥ {format_number(row['steps_ratio_at_least'])}×"
    return "—"
