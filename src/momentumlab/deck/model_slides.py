"""The deck's slide for a model experiment: its race on the loss plane, a caption with the train AND test
verdicts on the paired seeds (``model_verdicts.caption``), and speaker notes with every run's numbers
and the rules (from summary.json's model rows of ``runs`` and ``model_comparisons``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab.deck.parts import DeckInputs, add_race_media, caption, content_picture, leading_clauses, titled_slide
from momentumlab.model import verdicts as model_verdicts
from momentumlab.model.edge_caption import percent, sharpness_sentences
from momentumlab.records import competing_runs, format_count, format_number, is_model_row


def _notes(label: str, rows: Sequence[Mapping[str, Any]], comparisons: Sequence[Mapping[str, Any]]) -> str:
    first = rows[0]
    batch = f"batches of {first['batch_size']}" if first["batch_size"] else "full batch"
    lines = [f"{label}: {first['model']} with {format_count(first['n_weights'], 'weight')} on {first['dataset']}, "
             f"{batch}, {format_count(first['steps'], 'step')}, {format_count(first.get('seeds', 1), 'paired seed')} "
             f"(each: one start and batch order shared by every optimizer; TensorFlow: seed 0). Medians over seeds."]
    for row in rows:
        seeds = row.get("seeds", 1)
        settled = ("not on every seed" if row["settled_at"] is None else f"step {format_number(row['settled_at'])}")
        settled += f" ({row.get('settled_seeds', 0)} of {format_count(seeds, 'seed')})"
        lines.append(f"{row['optimizer']} ({row['backend']}, {format_count(seeds, 'seed')}): lr {format_number(row['lr'])}, momentum "
                     f"{format_number(row['momentum'])}; train loss {format_number(row['final_train_loss'])}, test loss "
                     f"{format_number(row['final_test_loss'])}, test accuracy {format_number(row['final_test_accuracy'])}, "
                     f"settled {settled}" + (" (best)" if row.get("best") else ""))
    lines += model_verdicts.verdict_sentences(competing_runs(rows), comparisons)
    lines += [model_verdicts.RULES[name] for name in ("beats", "best", "overfitting", "settled")]
    return "\n".join(lines)


def add_model_slide(deck: Any, summary: Mapping[str, Any], name: str, label: str, race: Path,
                    poster: Path | None = None) -> None:
    """The race on the shared loss plane (an MP4 behind ``poster``, its last frame) across the content
    area, captioned with the verdict and as many of its reasons as fit, train and test loss first, their
    numbers in the notes (every verdict is there)."""
    rows = [row for row in summary.get("runs", []) if row["experiment"] == name and is_model_row(row)]
    if not rows:
        return
    comparisons = [row for row in summary.get("model_comparisons", []) if row["experiment"] == name]
    slide = titled_slide(deck, label, _notes(label, rows, comparisons))
    add_race_media(slide, race, poster)
    caption(slide, leading_clauses(model_verdicts.caption(competing_runs(rows), comparisons)))


def add_model_slides(deck: Any, inputs: DeckInputs) -> None:
    """The model wing's race slides: one per model experiment, in config order."""
    for name, race in inputs.model_races.items():
        add_model_slide(deck, inputs.summary, name, inputs.experiment_labels.get(name, name), race, inputs.posters.get(name))
    for name, figure in inputs.sharpness.items():
        sharpness_slide(deck, inputs.summary, name, inputs.experiment_labels.get(name, name), figure)


def sharpness_slide(deck: Any, summary: Mapping[str, Any], name: str, label: str, figure: Path) -> None:
    """The sharpness figure across the content area, captioned with the first full-batch run's
    measured share of records near its threshold; every run's sentence and the rule in the notes."""
    rows = [row for row in summary.get("runs", []) if row["experiment"] == name and row.get("sharpness")]
    if not rows or not figure.is_file():
        return
    slide = titled_slide(deck, f"Sharpness: {label}",
                         "\n".join([*sharpness_sentences(rows), rows[0]["sharpness"]["rule"]]))
    content_picture(slide, figure)
    measured = next((row for row in rows if row["sharpness"]["fraction_near"] is not None), None)
    if measured is None:
        caption(slide, "No run's sharpness reached its threshold's neighbourhood; the notes say where each went.")
        return
    record = measured["sharpness"]
    caption(slide, f"{measured.get('optimizer_label') or measured['optimizer']}: after first reaching "
                   f"{record['reach']:g} · {record['formula']}, {percent(record['fraction_near'])} % of later records lie "
                   f"within {round(100 * record['band'])} % of {record['formula']} = {format_number(record['threshold'], 3)}")
