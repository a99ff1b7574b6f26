"""A ready 16:9 slide deck: title, one race per experiment, tables, sweeps, theory.

Everything on a slide is native PowerPoint (text, tables) except the races: the animated
GIF when the config renders GIFs (embedded byte for byte from ``reports/``, so it plays in
PowerPoint, Keynote and LibreOffice Impress), else the MP4 as a movie that shows the
race's PNG poster until it is played. Every slide carries speaker notes with the
hyperparameters and the key numbers.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

from momentumlab import palette
from momentumlab.config import Config
from momentumlab.deck.parts import (CAPTION_TOP, CONTENT_TOP, DIVERGED, INK, MARGIN, MUTED, SLIDE_HEIGHT, SLIDE_WIDTH,
                                    WHITE, DeckInputs, add_race_media, caption, rgb_color, style_cell, table, text_box,
                                    titled_slide)
from momentumlab.files import atomic_path, read_json
from momentumlab.layout import SlideInputs
from momentumlab.deck.model_slides import add_model_slides
from momentumlab.records import (BEST_RUN_RULE, best_run, competing_runs, format_count, format_number,
                                 rows_by_experiment, settled_step)
from momentumlab.verdicts import agreement_text, distance_text, loss_text, momentum_name, momentum_ratio_text, momentum_text, race_verdict, settled_text

ROWS_PER_TABLE = 8
MAX_HEATMAP_COLUMNS = 16
MAX_HEATMAP_ROWS = 12
ERROR_COLUMN_INCHES = (3.7, 1.6, 1.0, 0.7, 1.5, 1.5, 2.33)


def _describe_runs(summary: Mapping[str, Any]) -> str:
    experiments = list(dict.fromkeys(run["label"] for run in summary["runs"]))
    optimizers = list(dict.fromkeys(run["method"] for run in summary["runs"]))
    backends = list(dict.fromkeys(run["backend"] for run in summary["runs"]))
    return (f"{format_count(len(experiments), 'experiment')} ({', '.join(experiments)})"
            f" · {'optimizer' if len(optimizers) == 1 else 'optimizers'}: {', '.join(optimizers)}"
            f" · {'backend' if len(backends) == 1 else 'backends'}: {', '.join(backends)}")


def add_title_slide(deck: Any, inputs: DeckInputs) -> None:
    """The opening slide: title, what was run, date and author."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    text_box(slide, MARGIN, Inches(2.0), SLIDE_WIDTH - 2 * MARGIN, Inches(1.4), inputs.title, 44, bold=True, align=PP_ALIGN.CENTER)
    text_box(slide, MARGIN, Inches(3.6), SLIDE_WIDTH - 2 * MARGIN, Inches(1.2), _describe_runs(inputs.summary), 20,
             color=MUTED, align=PP_ALIGN.CENTER)
    byline = " · ".join(part for part in (inputs.author, inputs.config_title, inputs.date.isoformat()) if part)
    text_box(slide, MARGIN, Inches(5.2), SLIDE_WIDTH - 2 * MARGIN, Inches(0.6), byline, 20, color=MUTED, align=PP_ALIGN.CENTER)
    slide.notes_slide.notes_text_frame.text = (
        f"{inputs.title}. {_describe_runs(inputs.summary)}. Generated {inputs.date.isoformat()} by Momentum Lab "
        "from the configuration shown in the report's appendix."
    )


def _runs_of(summary: Mapping[str, Any], experiment: str) -> list[Mapping[str, Any]]:
    return [run for run in summary["runs"] if run["experiment"] == experiment]


def _run_notes(runs: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for run in runs:
        outcome = (f"diverged at step {format_number(run['diverged_at'])}" if run["diverged"]
                   else f"final {'f − f*' if run.get('f_star') is not None else 'loss'} {loss_text(run)}, distance {distance_text(run)}, "
                        f"{settled_text(settled_step(run))}")
        chosen = run.get("lr_chosen") or "configured"
        lines.append(f"{run['optimizer_label']} ({run['method']}, lr {format_number(run['lr'])}, "
                     f"{momentum_text(run)}, {run['backend']}; "
                     f"{chosen}): {outcome}.")
    return "\n".join(lines)


def race_caption(runs: Sequence[Mapping[str, Any]], start: Sequence[float], steps: int) -> str:
    """The caption under a race: who wins by the best-run rule, and by how much (``verdicts.race_verdict``)."""
    return race_verdict(runs, start, steps)


def add_experiment_slide(deck: Any, inputs: DeckInputs, experiment: str) -> None:
    """One experiment: its race (GIF, or MP4 with its poster) filling the content area, and a caption."""
    runs = _runs_of(inputs.summary, experiment)
    label = inputs.experiment_labels.get(experiment, experiment)
    steps = runs[0]["steps"] if runs else 0
    start = runs[0]["start"] if runs else []
    caption_text = inputs.summary.get("captions", {}).get(experiment, "")  # the config's caption, in the notes
    notes = f"{label}: {format_count(steps, 'step')} from {start}.\n" + (caption_text + "\n" if caption_text else "")
    slide = titled_slide(deck, label, notes + _run_notes(runs))
    add_race_media(slide, inputs.compare_media[experiment], inputs.posters.get(experiment))
    caption(slide, race_caption(runs, start, steps))


def error_table_rows(summary: Mapping[str, Any]) -> tuple[list[str], list[list[str]], list[int], list[Mapping[str, Any]]]:
    """Header, text rows, indices of each experiment's best row, and the source records
    (each experiment's runs on its reference backend, the runs the best-run rule compares)."""
    header = ["Experiment", "Optimizer", "lr", "Momentum", "Final loss (f − f*)", "Distance", "Settled at"]
    records, best = [], []
    for group in rows_by_experiment(summary["runs"]).values():
        competing = competing_runs(group)
        winner = best_run(competing)
        best += [len(records) + i for i, record in enumerate(competing) if record is winner]
        records += competing
    rows = []
    for record in records:
        steps = (f"diverged at {format_number(record['diverged_at'])}" if record["diverged"]
                 else format_number(settled_step(record)))
        rows.append([record["label"], record["optimizer_label"], format_number(record["lr"]), momentum_text(record),
                     loss_text(record), distance_text(record), steps])
    return header, rows, best, records


def add_error_table_slides(deck: Any, inputs: DeckInputs) -> None:
    """The final-error table as real table cells, best value per experiment highlighted."""
    header, rows, best, records = error_table_rows(inputs.summary)
    pages = max(1, math.ceil(len(rows) / ROWS_PER_TABLE))
    for page in range(pages):
        window = range(page * ROWS_PER_TABLE, min(len(rows), (page + 1) * ROWS_PER_TABLE))
        suffix = f" ({page + 1}/{pages})" if pages > 1 else ""
        agreement = inputs.summary.get("agreement", [])
        worst = max((a["max_abs_diff"] for a in agreement if a["max_abs_diff"] is not None), default=None)
        notes = (f"Final errors of the numpy runs; highlighted: each experiment's best run. {BEST_RUN_RULE} "
                 + (f"TensorFlow reproduces every numpy trajectory to {agreement_text(worst)}. "
                    if worst is not None else "")
                 + _run_notes([records[i] for i in window]))
        slide = titled_slide(deck, "Final errors" + suffix, notes)
        table(slide, header, [rows[i] for i in window], [i - window.start for i in best if i in window],
              widths=ERROR_COLUMN_INCHES)
        caption(slide, "Distance = ‖θ − θ*‖ to the nearest optimum; settled at = first step from which a run stays within "
                       "the tolerance; < 1e-12: rounding.")


def viridis(fraction: float) -> RGBColor:
    """The viridis colour at ``fraction`` in [0, 1], as the report's heatmaps draw it."""
    return rgb_color(palette.viridis(fraction))


def _heatmap_fill(value: float | None, low: float, high: float) -> RGBColor:
    """Grey for a diverged cell, else viridis over [low, high] (values outside are clipped)."""
    if value is None:
        return DIVERGED
    fraction = 0.0 if high <= low else (value - low) / (high - low)
    return viridis(fraction)


def heatmap_values(sweep: Mapping[str, Any]) -> tuple[list[list[float | None]], bool, bool]:
    """What the sweep slide colours: log10 final distance with an optimum, final loss without.

    Returns the grid (None where the run diverged), whether it is a log scale, and whether
    an exact 0 distance was clipped to the smallest positive one (log10 of 0 does not exist).
    """
    if not sweep.get("has_optimum", True):
        return [list(row) for row in sweep["final_loss"]], False, False
    grid = sweep["final_distance"]
    positive = [v for row in grid for v in row if v is not None and v > 0]
    floor = min(positive, default=1.0)
    clipped = any(v is not None and v <= 0 for row in grid for v in row)
    return [[None if v is None else math.log10(max(v, floor)) for v in row] for row in grid], True, clipped


def _thin(count: int, limit: int, keep: int | None = None) -> list[int]:
    """At most ``limit`` evenly spread indices of ``count`` (always including ``keep``)."""
    if count <= limit:
        return list(range(count))
    chosen = {round(i * (count - 1) / (limit - 1)) for i in range(limit)}
    if keep is not None and keep not in chosen:
        chosen.remove(min(chosen, key=lambda index: abs(index - keep)))
        chosen.add(keep)
    return sorted(chosen)


def add_sweep_slide(deck: Any, inputs: DeckInputs, sweep: Mapping[str, Any]) -> None:
    """A learning rate × momentum heatmap drawn as coloured table cells (no picture)."""
    lrs, mus = sweep["lr"], sweep["momentum"]
    grid, log_scale, clipped = heatmap_values(sweep)
    best = sweep.get("best") or {}
    best_lr = lrs.index(best["lr"]) if best.get("lr") in lrs else None
    best_mu = mus.index(best["momentum"]) if best.get("momentum") in mus else None
    columns, rows = _thin(len(lrs), MAX_HEATMAP_COLUMNS, best_lr), _thin(len(mus), MAX_HEATMAP_ROWS, best_mu)
    finite = [v for row in grid for v in row if v is not None]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    label = inputs.experiment_labels.get(sweep["experiment"], sweep["experiment"])
    notes = (f"{label}: {sweep.get('method', 'momentum')} swept over {len(lrs)} learning rates "
             f"({format_number(lrs[0])} … {format_number(lrs[-1])}, log-spaced) × {len(mus)} values of "
             f"{sweep.get('momentum_key') or 'momentum (none: lr alone)'} "
             f"({format_number(mus[0])} … {format_number(mus[-1])}). Best pair: lr {format_number(best.get('lr'))}, "
             f"momentum {format_number(best.get('momentum'))}. Grey cells diverged.")
    slide = titled_slide(deck, f"Where momentum works: {label}", notes)
    shape = slide.shapes.add_table(len(rows) + 1, len(columns) + 1, Inches(1.2), CONTENT_TOP,
                                   SLIDE_WIDTH - Inches(2.4), CAPTION_TOP - CONTENT_TOP - Inches(0.15))
    cells = shape.table
    row_height = int((CAPTION_TOP - CONTENT_TOP - Inches(0.15)) / (len(rows) + 1))
    for row in cells.rows:
        row.height = row_height
    style_cell(cells.cell(0, 0), (momentum_name(sweep.get("method", "momentum")) or "μ") + " \\ lr", 10, bold=True)
    for j, column in enumerate(columns, start=1):
        style_cell(cells.cell(0, j), format_number(lrs[column], 2), 9, bold=True)
    best_cell = (best.get("momentum"), best.get("lr"))
    for i, row in enumerate(reversed(rows), start=1):
        style_cell(cells.cell(i, 0), format_number(mus[row], 2), 10, bold=True)
        for j, column in enumerate(columns, start=1):
            value = grid[row][column]
            mark = "★" if (mus[row], lrs[column]) == best_cell else ("×" if value is None else "")
            style_cell(cells.cell(i, j), mark, 10, bold=True, fill=_heatmap_fill(value, low, high),
                       color=INK if value is None else WHITE)
    if log_scale:
        zero = "; 0 = darkest" if clipped else ""
        legend = f"Colour: log final distance (dark = close, yellow = far{zero}) · grey × = diverged · ★ = best pair"
    else:
        legend = ("Colour: final loss, no minimum (dark = low, yellow = high) · grey × = left the box (diverged)"
                  " · ★ = lowest final loss")
    caption(slide, legend)


def _measured(row: Mapping[str, Any]) -> str:
    """The measured rate, or why there is none (κ = 1 converges at once; a huge κ exceeds the step budget)."""
    if row.get("measured_rate") is None:
        return f"not measured: {row.get('note') or 'no steady window'}"
    return format_number(row["measured_rate"])


def add_theory_slide(deck: Any, inputs: DeckInputs, rows: Sequence[Mapping[str, Any]]) -> None:
    """Predicted (Polyak) vs measured linear rates for the quadratic experiments."""
    header = ["Experiment", "Method", "lr", "μ", "Predicted rate", "Measured rate"]
    text_rows = [[inputs.experiment_labels.get(r["experiment"], r["experiment"]), r["method"], format_number(r.get("lr")),
                  format_number(r.get("momentum")), format_number(r["predicted_rate"]), _measured(r)]
                 for r in rows]
    notes = ("Heavy ball at Polyak's parameters η* = 4/(√L + √m)², μ* = ((√κ − 1)/(√κ + 1))² contracts by (√κ − 1)/(√κ + 1) "
             "per step; gradient descent at its best step 2/(L + m) only by (κ − 1)/(κ + 1). " + " ".join(
                 f"{r['method']}: predicted {format_number(r['predicted_rate'])}, measured {_measured(r)}."
                 for r in rows))
    slide = titled_slide(deck, "Theory: why momentum is faster", notes)
    table(slide, header, text_rows, [], size=18)
    caption(slide, "Rate = factor by which the distance to the optimum shrinks per step (Polyak 1964; Goh 2017).")


def momentum_effect_text_rows(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Table rows of the "what momentum adds" slide: optimizer, momentum, steps with / without, ratio."""
    return [[f"{r['optimizer_label']} ({r['method']})", momentum_text(r),
             format_number(r["steps_with"]), "diverged" if r.get("diverged_without") else format_number(r["steps_without"]),
             momentum_ratio_text(r)] for r in rows]


def add_momentum_effect_slide(deck: Any, inputs: DeckInputs, experiment: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """What momentum adds on one experiment: each optimizer against itself with momentum 0."""
    label = inputs.experiment_labels.get(experiment, experiment)
    header = ["Optimizer", "Momentum", "Settled at", "… at momentum 0", "Ratio"]
    notes = (f"{label}: each optimizer against itself with its momentum-like parameter (μ, β₁, RMSProp's momentum) set "
             "to 0, everything else unchanged. Ratio = settle step without ÷ with momentum; ≥ when only the run with "
             "momentum settles (its length bounds the ratio).")
    slide = titled_slide(deck, f"What momentum adds: {label}", notes)
    table(slide, header, momentum_effect_text_rows(rows), [], size=16)
    caption(slide, "μ = 0 turns heavy ball and Nesterov into gradient descent; β₁ = 0 turns Adam into bias-corrected RMSprop.")


def add_experiment_slides(deck: Any, inputs: DeckInputs) -> None:
    """The 2-D wing's race slides: one per experiment, in config order."""
    for experiment in inputs.compare_media:
        add_experiment_slide(deck, inputs, experiment)


# Each wing adds its race slides after the title, 2-D experiments first.
RACE_SLIDES: tuple[Callable[[Any, DeckInputs], None], ...] = (add_experiment_slides, add_model_slides)


def build_deck(inputs: DeckInputs, path: str | Path) -> None:
    """Write the whole deck to ``path`` (atomically)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    add_title_slide(deck, inputs)
    for add_slides in RACE_SLIDES:
        add_slides(deck, inputs)
    add_error_table_slides(deck, inputs)
    effects = inputs.summary.get("momentum_effect", [])
    for experiment in inputs.compare_media:
        rows = [row for row in effects if row["experiment"] == experiment]
        if rows:
            add_momentum_effect_slide(deck, inputs, experiment, rows)
    for sweep in inputs.summary.get("sweeps", []):
        if sweep.get("kind") != "model":  # a model's sweep is in the report (its heatmap), not the deck
            add_sweep_slide(deck, inputs, sweep)
    if inputs.summary.get("theory"):
        add_theory_slide(deck, inputs, inputs.summary["theory"])
    with atomic_path(path) as temporary:
        deck.save(str(temporary))


def deck_inputs(config: Config, inputs: SlideInputs, date: _dt.date) -> DeckInputs:
    """What the deck of ``config`` is made of, read from the files in ``inputs``; dated ``date``."""
    experiments = [*config.experiments, *config.model_experiments]
    return DeckInputs(
        title=config.slides.title, author=config.slides.author, config_title=config.title,
        summary=read_json(inputs.summary),
        compare_media={name: Path(race.media) for name, race in inputs.races.items()},
        posters={name: Path(race.poster) for name, race in [*inputs.races.items(), *inputs.model_races.items()]},
        experiment_labels={experiment.name: experiment.label for experiment in experiments},
        date=date,
        model_races={name: Path(race.media) for name, race in inputs.model_races.items()},
        sharpness={name: Path(path) for name, path in inputs.sharpness.items()},
    )


def write_deck(config: Config, inputs: SlideInputs, path: str | Path, date: _dt.date | None = None) -> None:
    """The deck stage: the deck of ``config`` from the files in ``inputs``, dated ``date`` (default today), at ``path``."""
    build_deck(deck_inputs(config, inputs, date or _dt.date.today()), path)
