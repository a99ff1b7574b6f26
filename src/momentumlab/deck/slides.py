"""The default deck, a lecture in 16:9 slides: title, the update rules, one race per experiment,
who wins, what momentum adds, where momentum works (the sweep heatmaps) and the theory check.

Everything on a slide is native PowerPoint (text, tables) except the figures: each race is its MP4
as a movie whose poster frame is the race's last frame (``compare.png``), so it plays in PowerPoint
and Impress and a PDF export or a printout shows the result; each sweep is its ``sweep.png``. Every
slide carries speaker notes: talking points generated from summary.json's numbers, then every run's
settings and outcome.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

from momentumlab.config import Config
from momentumlab.deck.model_slides import add_model_slides
from momentumlab.deck.parts import (BODY_SIZE, CONTENT_WIDTH, COVER_TITLE_SIZE, MARGIN, MUTED, SLIDE_HEIGHT, SLIDE_WIDTH,
                                    DeckInputs, add_race_media,
                                    caption, text_box, titled_slide)
from momentumlab.deck.results import (add_glance_slides, add_momentum_effect_slides, add_sweep_slides, add_theory_slides,
                                      momentum_effect_text_rows, run_line)
from momentumlab.deck.rules import add_rules_slide
from momentumlab.deck.talking_points import race_points
from momentumlab.files import atomic_path, read_json
from momentumlab.layout import SlideInputs
from momentumlab.records import (best_run, competing_runs, format_count, format_number, rows_by_experiment,
                                 settled_step)
from momentumlab.verdicts import distance_text, loss_text, momentum_text, race_verdict

__all__ = ["DeckInputs", "build_deck", "deck_inputs", "error_table_rows", "momentum_effect_text_rows", "race_caption",
           "write_deck"]


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
    text_box(slide, MARGIN, Inches(1.8), CONTENT_WIDTH, Inches(1.4), inputs.title, COVER_TITLE_SIZE, bold=True,
             align=PP_ALIGN.CENTER)
    text_box(slide, MARGIN, Inches(3.4), CONTENT_WIDTH, Inches(1.6), _describe_runs(inputs.summary), BODY_SIZE,
             color=MUTED, align=PP_ALIGN.CENTER)
    byline = " · ".join(part for part in (inputs.author, inputs.config_title, inputs.date.isoformat()) if part)
    text_box(slide, MARGIN, Inches(5.4), CONTENT_WIDTH, Inches(0.6), byline, BODY_SIZE, color=MUTED, align=PP_ALIGN.CENTER)
    slide.notes_slide.notes_text_frame.text = (
        f"{inputs.title}. {_describe_runs(inputs.summary)}. Generated {inputs.date.isoformat()} by Momentum Lab "
        "from the configuration shown in the report's appendix."
    )


def _runs_of(summary: Mapping[str, Any], experiment: str) -> list[Mapping[str, Any]]:
    return [run for run in summary["runs"] if run["experiment"] == experiment]


def race_caption(runs: Sequence[Mapping[str, Any]], start: Sequence[float], steps: int) -> str:
    """The caption under a race: who wins by the best-run rule, and by how much (``verdicts.race_verdict``)."""
    return race_verdict(runs, start, steps)


def race_notes(inputs: DeckInputs, experiment: str) -> str:
    """A race slide's notes: the setting, talking points from the numbers, then every run's line."""
    runs = _runs_of(inputs.summary, experiment)
    label = inputs.experiment_labels.get(experiment, experiment)
    steps = runs[0]["steps"] if runs else 0
    start = runs[0]["start"] if runs else []
    config_caption = inputs.summary.get("captions", {}).get(experiment, "")
    effects = [row for row in inputs.summary.get("momentum_effect", []) if row["experiment"] == experiment]
    lines = [f"{label}: {format_count(steps, 'step')} from {start}."]
    lines += [config_caption] if config_caption else []
    lines += ["Talking points:", *race_points(runs, effects), "Every run:"]
    return "\n".join(lines + [run_line(run) for run in runs])


def add_experiment_slide(deck: Any, inputs: DeckInputs, experiment: str) -> None:
    """One experiment: its race (an MP4 behind its last frame) filling the content area, and the verdict."""
    runs = _runs_of(inputs.summary, experiment)
    steps = runs[0]["steps"] if runs else 0
    start = runs[0]["start"] if runs else []
    slide = titled_slide(deck, inputs.experiment_labels.get(experiment, experiment), race_notes(inputs, experiment))
    add_race_media(slide, inputs.compare_media[experiment], inputs.posters.get(experiment))
    caption(slide, race_caption(runs, start, steps))


def error_table_rows(summary: Mapping[str, Any]) -> tuple[list[str], list[list[str]], list[int], list[Mapping[str, Any]]]:
    """Every reference-backend run's final error as a table would print it: header, text rows, indices of each
    experiment's best row, and the source records. The deck states these in the glance slide's notes."""
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


def add_experiment_slides(deck: Any, inputs: DeckInputs) -> None:
    """The 2-D wing's race slides: one per experiment, in config order."""
    for experiment in inputs.compare_media:
        add_experiment_slide(deck, inputs, experiment)


def add_opening_slides(deck: Any, inputs: DeckInputs) -> None:
    """The title and the update rules."""
    add_title_slide(deck, inputs)
    add_rules_slide(deck)


# The lecture, in order: each step adds its slides (a wing with nothing to show adds none).
LECTURE: tuple[Callable[[Any, DeckInputs], None], ...] = (
    add_opening_slides, add_experiment_slides, add_model_slides, add_glance_slides, add_momentum_effect_slides,
    add_sweep_slides, add_theory_slides)


def build_deck(inputs: DeckInputs, path: str | Path) -> None:
    """Write the whole deck to ``path`` (atomically)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    for add_slides in LECTURE:
        add_slides(deck, inputs)
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
        sweep_figures={name: Path(path) for name, path in inputs.sweeps.items()},
        sharpness={name: Path(path) for name, path in inputs.sharpness.items()},
    )


def write_deck(config: Config, inputs: SlideInputs, path: str | Path, date: _dt.date | None = None) -> None:
    """The deck stage: the deck of ``config`` from the files in ``inputs``, dated ``date`` (default today), at ``path``."""
    build_deck(deck_inputs(config, inputs, date or _dt.date.today()), path)
