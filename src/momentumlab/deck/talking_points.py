"""Speaker notes' talking points, every one generated from summary.json's numbers: what to point at
on a race (who settles first and when, how much later the others are, where a run diverges, where a
schedule cuts the rate), what momentum saves, and where a sweep's good region lies."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from momentumlab.records import best_run, competing_runs, format_count, format_number, settled_step
from momentumlab.verdicts import distance_text, momentum_name, momentum_ratio_text

BULLET = "• "


def _times(later: int, first: int) -> str:
    return f"{format_number(later / first, 2)}× as many steps" if first else f"{format_count(later, 'step')}"


def race_points(runs: Sequence[Mapping[str, Any]], effects: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """Talking points for one race: the winner and its settle step, each other run against it, the
    schedule's cuts and what momentum saves (``effects``: the experiment's ``momentum_effect`` rows)."""
    competing = competing_runs(runs)
    best = best_run(competing)
    points = []
    if best is not None:
        step = settled_step(best)
        points.append(f"Point at {best['optimizer_label']}: " + (
            f"it settles first, from step {format_number(step)} on." if step is not None
            else f"it ends closest, {distance_text(best)} from the optimum, without settling."))
    for run in competing:
        if run is best:
            continue
        name, step = run["optimizer_label"], settled_step(run)
        if run.get("diverged"):
            points.append(f"{name} diverges at step {format_number(run['diverged_at'])}: its path leaves the picture.")
        elif step is None:
            points.append(f"{name} never settles in {format_count(run['steps'], 'step')}; "
                          f"it ends {distance_text(run)} from the optimum.")
        elif best is not None and settled_step(best) is not None:
            points.append(f"{name} settles at step {format_number(step)}: {_times(step, settled_step(best))} "
                          f"as {best['optimizer_label']}.")
        else:
            points.append(f"{name} settles at step {format_number(step)}.")
    cuts = sorted({b for run in competing for b in (run.get("schedule") or {}).get("boundaries", [])})
    if cuts:
        points.append(f"The learning rate is cut at steps {', '.join(format_number(c) for c in cuts)}: "
                      "point at the kinks in the loss curves.")
    for row in effects:
        without = ("diverges" if row.get("diverged_without") else "never settles" if row.get("steps_without") is None
                   else f"settles at step {format_number(row['steps_without'])}")
        ratio = momentum_ratio_text(row)
        name = momentum_name(row["method"]) if row.get("method") else None  # "Without momentum, momentum settles…" contradicted itself
        unset = (f"With {name} set from {format_number(row['momentum'])} to 0" if name and row.get("momentum") is not None
                 else "Without momentum")
        points.append(f"{unset}, {row['optimizer_label']} {without}"
                      + (f": momentum makes it {ratio} faster." if ratio != "—" else "."))
    return [BULLET + point for point in points]


def sweep_points(sweep: Mapping[str, Any], configured: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """Talking points for a sweep heatmap: the best cell, how much of the grid diverged, where the configured runs sit."""
    best = sweep.get("best") or {}
    axis = momentum_name(sweep["method"]) if sweep.get("method") else "momentum"  # β₁ on an Adam sweep, not "momentum"
    axis = axis or "momentum"
    points = []
    if best.get("lr") is not None:
        points.append(f"Point at the best cell: lr {format_number(best['lr'])}, {axis} {format_number(best.get('momentum'))}.")
    fraction = sweep.get("diverged_fraction")
    if fraction is not None:
        points.append(f"{format_number(100 * fraction, 2)} % of the grid diverged (marked as diverged in the figure)." if fraction
                      else "No cell of the grid diverged.")
    for row in configured:
        points.append(f"The {row['optimizer_label']} run sits at lr {format_number(row['lr'])}, "
                      f"{axis} {format_number(row.get('momentum'))}.")
    return [BULLET + point for point in points]
