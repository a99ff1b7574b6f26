"""The deck's summary slides, each one idea in at most six table rows or one figure: who wins each
experiment, what momentum adds, where momentum works (the sweep heatmap) and the theory check."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab.deck.parts import (DeckInputs, caption, content_picture, footnote, table,
                                    table_pages, titled_slide)
from momentumlab.deck.talking_points import sweep_points
from momentumlab.records import (BEST_RUN_RULE, best_run, competing_runs, format_count, format_number, rows_by_experiment,
                                 settled_step)
from momentumlab.verdicts import agreement_text, momentum_name, distance_text, loss_text, momentum_ratio_text, momentum_text, settled_text

GLANCE_HEADER = ["Experiment", "Best run", "Settled at step", "Final distance"]
EFFECT_HEADER = ["Experiment", "Optimizer", "Settled at", "… at momentum 0", "Speed-up"]
THEORY_HEADER = ["Experiment", "Method", "lr", "μ", "Predicted rate", "Measured rate"]
SWEEP_TITLE = "η × μ sweep"


def _suffix(page: int, count: int) -> str:
    return f" ({page + 1}/{count})" if count > 1 else ""


def run_line(run: Mapping[str, Any]) -> str:
    """One run's settings and outcome, as the notes state it."""
    outcome = (f"diverged at step {format_number(run['diverged_at'])}" if run["diverged"]
               else f"final {'f − f*' if run.get('f_star') is not None else 'loss'} {loss_text(run)}, distance {distance_text(run)}, "
                    f"{settled_text(settled_step(run))}")
    chosen = run.get("lr_chosen") or "configured"
    return (f"{run['optimizer_label']} ({run['method']}, lr {format_number(run['lr'])}, {momentum_text(run)}, "
            f"{run['backend']}; {chosen}): {outcome}.")


def glance_row(label: str, runs: Sequence[Mapping[str, Any]]) -> list[str]:
    """One experiment's row of "results at a glance": its best run (by the best-run rule), when it settles, how close it ends."""
    best = best_run(runs)
    if best is None:  # a model experiment names none below its seed minimum or when no run beats the rest
        return [label, "every run diverged" if all(run.get("diverged") for run in runs) else "none by the rule", "—", "—"]
    return [label, best["optimizer_label"], format_number(settled_step(best)), distance_text(best)]


def add_glance_slides(deck: Any, inputs: DeckInputs) -> None:
    """Who wins each 2-D experiment, one row per experiment; every run's numbers are in the notes."""
    groups = [(name, rows) for name, rows in rows_by_experiment(inputs.summary["runs"]).items()
              if name in inputs.compare_media]
    if not groups:
        return
    agreement = [a["max_abs_diff"] for a in inputs.summary.get("agreement", []) if a["max_abs_diff"] is not None]
    def row(group: tuple[str, list[Mapping[str, Any]]]) -> list[str]:
        return glance_row(inputs.experiment_labels.get(group[0], group[0]), competing_runs(group[1]))

    chunks = table_pages(GLANCE_HEADER, groups, row)
    for page, chunk in enumerate(chunks):
        runs = [run for _, rows in chunk for run in competing_runs(rows)]
        notes = ("Talking points: each experiment's best run by the rule: " + BEST_RUN_RULE + " "
                 + (f"TensorFlow reproduces every numpy trajectory to {agreement_text(max(agreement))}. " if agreement else "")
                 + "\n" + "\n".join(run_line(run) for run in runs))
        slide = titled_slide(deck, "Results at a glance" + _suffix(page, len(chunks)), notes)
        table(slide, GLANCE_HEADER, [row(group) for group in chunk])
        footnote(slide, "Settled at = first step from which a run stays within the tolerance; final distance = ‖θ − θ*‖ "
                        "to the nearest optimum (final loss without one); < 1e-12: rounding.")


def momentum_effect_text_rows(rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str] | None = None) -> list[list[str]]:
    """Table rows of "what momentum adds": experiment, optimizer, steps with / without momentum, ratio."""
    return [[(labels or {}).get(r["experiment"], r["experiment"]), f"{r['optimizer_label']} ({momentum_text(r)})",
             format_number(r["steps_with"]), "diverged" if r.get("diverged_without") else format_number(r["steps_without"]),
             momentum_ratio_text(r)] for r in rows]


def add_momentum_effect_slides(deck: Any, inputs: DeckInputs) -> None:
    """Every experiment's "what momentum adds" on as few slides as six rows allow."""
    effects = [row for row in inputs.summary.get("momentum_effect", []) if row["experiment"] in inputs.compare_media]
    if not effects:
        return
    chunks = table_pages(EFFECT_HEADER, effects, lambda r: momentum_effect_text_rows([r], inputs.experiment_labels)[0])
    for page, chunk in enumerate(chunks):
        best = max(chunk, key=lambda r: r.get("steps_ratio") or r.get("steps_ratio_at_least") or 0)
        notes = ("Each optimizer against itself with its momentum-like parameter (μ, β₁, RMSProp's momentum) set to 0, "
                 "everything else unchanged. Ratio = settle step without ÷ with momentum; ≥ when only the run with "
                 "momentum settles (its length bounds the ratio).\nTalking points:\n• Point at "
                 f"{best['optimizer_label']} on {inputs.experiment_labels.get(best['experiment'], best['experiment'])}: "
                 f"momentum makes it {momentum_ratio_text(best)} faster.")
        slide = titled_slide(deck, "What momentum adds" + _suffix(page, len(chunks)), notes)
        table(slide, EFFECT_HEADER, momentum_effect_text_rows(chunk, inputs.experiment_labels))
        footnote(slide, "Settle steps with the configured momentum and with it set to 0. μ = 0 turns heavy ball and "
                        "Nesterov into gradient descent; β₁ = 0 turns Adam into bias-corrected RMSprop.")


def sweep_caption(sweep: Mapping[str, Any]) -> str:
    """The line under a sweep's heatmap: its best cell (★) and how much of the grid diverged."""
    best = sweep.get("best") or {}
    if best.get("lr") is None:
        return "No cell of the grid finished."
    name = momentum_name(sweep.get("method", "momentum")) or "momentum"
    fraction = sweep.get("diverged_fraction")
    diverged = f"; {format_number(100 * fraction, 2)} % of the grid diverged" if fraction else ""
    return f"★ best cell: η = {format_number(best['lr'])}, {name} = {format_number(best.get('momentum'))}{diverged}."


def add_sweep_slide(deck: Any, inputs: DeckInputs, sweep: Mapping[str, Any], figure: Path) -> None:
    """A sweep's heatmap figure (``sweep.png``), captioned with its best cell; talking points in the notes."""
    lrs, mus = sweep["lr"], sweep["momentum"]
    best = sweep.get("best") or {}
    label = inputs.experiment_labels.get(sweep["experiment"], sweep["experiment"])
    configured = [run for run in competing_runs(r for r in inputs.summary["runs"] if r["experiment"] == sweep["experiment"])
                  if run["method"] == sweep.get("method")]
    notes = (f"{label}: {sweep.get('method', 'momentum')} swept over {len(lrs)} learning rates "
             f"({format_number(lrs[0])} … {format_number(lrs[-1])}, log-spaced) × {len(mus)} values of "
             f"{sweep.get('momentum_key') or 'momentum (none: lr alone)'} "
             f"({format_number(mus[0])} … {format_number(mus[-1])}), {format_count(sweep['steps'], 'step')} each. "
             f"Best pair: lr {format_number(best.get('lr'))}, momentum {format_number(best.get('momentum'))}.\n"
             + "\n".join(sweep_points(sweep, configured)))
    slide = titled_slide(deck, f"{SWEEP_TITLE}: {label}", notes)
    content_picture(slide, figure)
    caption(slide, sweep_caption(sweep))


def add_sweep_slides(deck: Any, inputs: DeckInputs) -> None:
    """One heatmap slide per swept 2-D experiment that has its figure."""
    for sweep in inputs.summary.get("sweeps", []):
        figure = inputs.sweep_figures.get(sweep["experiment"])
        if sweep.get("kind") != "model" and figure is not None:
            add_sweep_slide(deck, inputs, sweep, figure)


def measured_text(row: Mapping[str, Any]) -> str:
    """The measured rate, or "not measured" (why: in the notes)."""
    return "not measured" if row.get("measured_rate") is None else format_number(row["measured_rate"])


def _why_not(row: Mapping[str, Any]) -> str:
    return "" if row.get("measured_rate") is not None else f" (not measured: {row.get('note') or 'no steady window'})"


def add_theory_slides(deck: Any, inputs: DeckInputs) -> None:
    """Predicted (Polyak) vs measured linear rates of every quadratic experiment, six rows a slide."""
    rows = inputs.summary.get("theory", [])
    if not rows:
        return
    def row(r: Mapping[str, Any]) -> list[str]:
        return [inputs.experiment_labels.get(r["experiment"], r["experiment"]), r["method"], format_number(r.get("lr")),
                format_number(r.get("momentum")), format_number(r["predicted_rate"]), measured_text(r)]

    chunks = table_pages(THEORY_HEADER, rows, row)
    for page, chunk in enumerate(chunks):
        notes = ("Heavy ball at Polyak's parameters η* = 4/(√L + √m)², μ* = ((√κ − 1)/(√κ + 1))² contracts "
                 "by (√κ − 1)/(√κ + 1) per step; gradient descent at its best step 2/(L + m) only by (κ − 1)/(κ + 1).\n"
                 "Talking points:\n" + "\n".join(
                     f"• {inputs.experiment_labels.get(r['experiment'], r['experiment'])}, {r['method']}: predicted "
                     f"{format_number(r['predicted_rate'])}, measured {measured_text(r)}{_why_not(r)}." for r in chunk))
        slide = titled_slide(deck, "Theory: why momentum is faster" + _suffix(page, len(chunks)), notes)
        table(slide, THEORY_HEADER, [row(r) for r in chunk])
        footnote(slide, "Rate = the factor by which the distance to the optimum shrinks per step. "
                        "Polyak 1964; Goh 2017, \"Why Momentum Really Works\".")
