"""The deck's slide for a model experiment: its race on the loss plane, a caption naming the best run,
and speaker notes with every run's numbers (from summary.json's model rows of ``runs``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab.deck.parts import DeckInputs, add_race_media, caption, titled_slide
from momentumlab.records import best_run, format_count, format_number, is_model_row


def _notes(label: str, rows: Sequence[Mapping[str, Any]], best: Mapping[str, Any] | None) -> str:
    first = rows[0]
    batch = f"batches of {first['batch_size']}" if first["batch_size"] else "full batch"
    lines = [f"{label}: {first['model']} with {format_count(first['n_weights'], 'weight')} on {first['dataset']}, "
             f"{batch}, {format_count(first['steps'], 'step')}, one shared start and batch order."]
    for row in rows:
        reached = "never" if row["steps_to_tolerance"] is None else f"step {format_number(row['steps_to_tolerance'])}"
        lines.append(f"{row['optimizer']} ({row['backend']}): lr {format_number(row['lr'])}, momentum "
                     f"{format_number(row['momentum'])}; train loss {format_number(row['final_train_loss'])}, test "
                     f"accuracy {format_number(row['final_test_accuracy'])}, reached {reached}"
                     + (" (best)" if row is best else ""))
    return "\n".join(lines)


def add_model_slide(deck: Any, summary: Mapping[str, Any], name: str, label: str, race: Path,
                    poster: Path | None = None) -> None:
    """The race on the shared loss plane (GIF, or MP4 behind ``poster``) across the content
    area, captioned with the best run."""
    rows = [row for row in summary.get("runs", []) if row["experiment"] == name and is_model_row(row)]
    if not rows:
        return
    best = best_run(rows)
    slide = titled_slide(deck, label, _notes(label, rows, best))
    add_race_media(slide, race, poster)
    caption(slide, model_caption(best))


def add_model_slides(deck: Any, inputs: DeckInputs) -> None:
    """The model wing's race slides: one per model experiment, in config order."""
    for name, race in inputs.model_races.items():
        add_model_slide(deck, inputs.summary, name, inputs.experiment_labels.get(name, name), race, inputs.posters.get(name))


def model_caption(best: Mapping[str, Any] | None) -> str:
    """The caption under a model experiment's figure: its best run by the best-run rule."""
    if best is None:
        return "Every run diverged."
    when = f"at step {format_number(best['steps_to_tolerance'])}" if best["steps_to_tolerance"] is not None else "first"
    return (f"{best['optimizer']} reaches the lowest training loss {when}; "
            f"test accuracy {format_number(best['final_test_accuracy'])}.")
