"""records: one best-run rule that the report and the deck both apply, one number format,
and a report and deck that load without matplotlib."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation

from momentumlab.config import parse_config
from momentumlab.records import best_run, competing_runs, format_number, rank_order, reference_backend
from momentumlab.report import render_report, report_context
from momentumlab.deck.slides import DeckInputs, build_deck

ROOT = Path(__file__).resolve().parents[1]


def run(experiment: str, optimizer: str, backend: str = "numpy", **values: object) -> dict:
    """A ``runs`` row of summary.json (a run that finished, never within the tolerance)."""
    record = {"experiment": experiment, "label": experiment, "problem": "quadratic", "problem_params": {},
              "start": [-4.0, 3.0], "optimizer": optimizer, "optimizer_label": optimizer, "method": "momentum",
              "backend": backend, "lr": 0.01, "momentum": 0.9, "momentum_key": "momentum", "steps": 100,
              "final_params": [0.0, 0.0], "final_loss": 0.5, "optimum": [0.0, 0.0], "distance_to_optimum": 0.1,
              "tolerance": 1e-3, "settled_at": None, "diverged": False, "diverged_at": None, "seconds": 0.1}
    record.update(values)
    return record


def model_run(experiment: str, optimizer: str, backend: str = "numpy", **values: object) -> dict:
    """A model run's row of summary.json's ``runs``."""
    record = {"experiment": experiment, "label": experiment, "problem": "mlp", "model": "mlp", "dataset": "moons",
              "n_weights": 10, "optimizer_label": optimizer, "start": None, "final_params": None, "optimum": None,
              "distance_to_optimum": None, "tolerance": 0.01,
              "batch_size": None, "optimizer": optimizer, "method": "momentum", "backend": backend, "lr": 0.1,
              "momentum": 0.9, "steps": 400, "final_train_loss": 0.3, "final_test_loss": 0.3,
              "final_train_accuracy": 0.9, "final_test_accuracy": 0.9, "lowest_train_loss": 0.09,
              "steps_to_tolerance": None, "settled_at": None, "seeds": 3, "settled_seeds": 0, "diverged_seeds": 0,
              "best_test_step": 400, "best_test_loss": 0.3, "train_loss_at_best_test": 0.3, "overfitting": False,
              "overfitting_seeds": 0,
              "diverged": False, "diverged_at": None, "best": False,
              "explained_variance": [0.6, 0.3], "max_off_plane_distance": 0.1}
    record.update(values)
    record["final_loss"] = record["final_train_loss"]
    for metric in ("final_train_loss", "final_test_loss", "final_train_accuracy", "final_test_accuracy"):
        record.setdefault(f"{metric}_range", [record[metric], record[metric]])  # 3 seeds: a "best" needs them
    return record


SADDLE = {"problem": "saddle", "optimum": None, "distance_to_optimum": None}
RUNS = [
    # fewest steps wins over a smaller final distance
    run("race", "slow", settled_at=30, distance_to_optimum=1e-12),
    run("race", "fast", settled_at=12, distance_to_optimum=1e-4),
    # a TensorFlow twin ending closer by rounding does not win
    run("twins", "plain", distance_to_optimum=2.6e-4), run("twins", "plain", "tensorflow", distance_to_optimum=2.6e-4),
    run("twins", "heavy", settled_at=155, distance_to_optimum=1.2e-14),
    run("twins", "heavy", "tensorflow", settled_at=155, distance_to_optimum=3.7e-15),
    # an exact tie goes to the run listed first
    run("tie", "first", settled_at=20, distance_to_optimum=1e-6),
    run("tie", "second", settled_at=20, distance_to_optimum=1e-6),
    # nobody reaches the tolerance: the closest; the run that reached it and then diverged is never best
    run("never", "far"), run("never", "near", distance_to_optimum=0.01),
    run("never", "wild", settled_at=2, distance_to_optimum=None, diverged=True, diverged_at=3),
    # no optimum: the lowest final loss of the runs that stayed in the box
    run("saddle", "low", **SADDLE, final_loss=-2.5), run("saddle", "high", **SADDLE, final_loss=-1.0),
    run("saddle", "gone", **SADDLE, final_loss=-100.0, diverged=True, diverged_at=7),
    # every run diverged: no winner
    run("blowup", "first", diverged=True, diverged_at=5), run("blowup", "second", diverged=True, diverged_at=9),
]
MODEL_RUNS = [
    model_run("moons", "plain", final_train_loss=0.093),
    model_run("moons", "plain", "tensorflow", final_train_loss=0.093),
    model_run("moons", "heavy", steps_to_tolerance=390, final_train_loss=0.0941547131950544, best=True),
    model_run("moons", "heavy", "tensorflow", steps_to_tolerance=390, final_train_loss=0.0941547131950540),
    model_run("spirals", "plain", final_train_loss=0.6),
    model_run("spirals", "heavy", final_train_loss=0.5, best=True),
    model_run("spirals", "wild", final_train_loss=0.1, diverged=True, diverged_at=40),
]
WINNERS = {"race": "fast", "twins": "heavy", "tie": "first", "never": "near", "saddle": "low", "blowup": None,
           "moons": "heavy", "spirals": "heavy"}


def test_best_run_prefers_reaching_tolerance_then_closeness() -> None:
    runs = [run("a", "a", distance_to_optimum=1e-5), run("a", "b", settled_at=50, distance_to_optimum=1e-3),
            run("a", "c", settled_at=10, diverged=True, diverged_at=11)]
    assert best_run(runs)["optimizer"] == "b"
    assert best_run(runs[:1] + [run("a", "d", distance_to_optimum=1e-2)])["optimizer"] == "a"
    assert best_run([]) is None


def test_numpy_is_the_reference_backend_wherever_it_is_listed() -> None:
    assert reference_backend(["tensorflow", "numpy"]) == "numpy"
    assert reference_backend(["tensorflow"]) == "tensorflow"
    assert reference_backend([]) is None
    # the TensorFlow twins come first and end closer by rounding: the numpy runs still compete
    runs = [run("twins", "heavy", "tensorflow", distance_to_optimum=1e-15), run("twins", "plain", "tensorflow", distance_to_optimum=1e-9),
            run("twins", "heavy", distance_to_optimum=2e-15), run("twins", "plain", distance_to_optimum=1e-9)]
    assert [(r["optimizer"], r["backend"]) for r in competing_runs(runs)] == [("heavy", "numpy"), ("plain", "numpy")]
    assert best_run(runs) is runs[2]


def test_rank_order_puts_other_backends_then_diverged_runs_last() -> None:
    order = rank_order(diverged=[True, False, False, False], settled_at=[1, -1, 5, 5],
                       error=[0.0, 1e-9, np.nan, 0.5], reference=[True, True, True, False])
    assert order.tolist() == [2, 1, 0, 3]


def _deck_and_page(tmp_path: Path) -> tuple[Presentation, str]:
    summary = {"title": "Winners", "runs": RUNS + MODEL_RUNS, "agreement": []}
    config = parse_config({"title": "Winners", "experiments": {"race": {"problem": "quadratic", "optimizers": {
        "sgd": {"method": "sgd", "lr": 0.01}}}}}).data
    names = list(dict.fromkeys(row["experiment"] for row in RUNS))
    media = {name: {"runs": {}, "compare": {}} for name in names}
    page = render_report(ROOT / "templates", report_context(summary, config, media, tmp_path))
    picture = tmp_path / "race.gif"
    Image.new("RGB", (32, 18), (40, 90, 160)).save(picture)
    models = {row["experiment"]: picture.with_suffix(".png") for row in MODEL_RUNS}
    Image.new("RGB", (64, 28), (40, 90, 160)).save(picture.with_suffix(".png"))
    build_deck(DeckInputs(title="Winners", author="", config_title="", summary=summary,
                          compare_media={name: picture for name in names}, experiment_labels={},
                          date=datetime.date(2026, 1, 1), model_races=models), tmp_path / "deck.pptx")
    return Presentation(str(tmp_path / "deck.pptx")), page


def _report_winners(page: str) -> dict[str, str | None]:
    """The overview's "Best run" column and each model section's "(best)" row."""
    overview = page.split('id="overview"', 1)[1].split("</table>", 1)[0]
    winners: dict[str, str | None] = {}
    for name, cell in re.findall(r'<a href="#([^"]+)">.*?</td>\s*<td>.*?</td>\s*<td class="wrap-cell">(.*?)</td>',
                                 overview, re.S):
        winners[name] = None if cell == "—" else cell
    for name in dict.fromkeys(row["experiment"] for row in MODEL_RUNS):
        section = page.split(f'<section id="{name}"', 1)[1].split("</section>", 1)[0]
        best = re.findall(r'<td class="wrap-cell">(\S+) <strong>\(best\)</strong></td>\s*<td>(\w+)</td>', section)
        winners[name] = f"{best[0][0]} ({best[0][1]})" if best else None
    return winners


def _deck_winners(deck: Presentation) -> tuple[dict[str, str | None], dict[str, str]]:
    """The optimizer each race's (or model's) caption names, and each row of the "results at a glance" table."""
    captions: dict[str, str | None] = {}
    highlighted: dict[str, str] = {}
    for slide in deck.slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        title = texts[0]
        if title in WINNERS:
            caption = texts[-1]
            captions[title] = None if caption.startswith(("Every optimizer", "Every run")) else caption.split()[0]
        for shape in slide.shapes:
            if shape.has_table and shape.table.cell(0, 1).text == "Best run":
                for row in list(shape.table.rows)[1:]:
                    highlighted[row.cells[0].text] = row.cells[1].text
    return captions, highlighted


def test_the_report_and_the_deck_name_the_same_best_run(tmp_path: Path) -> None:
    deck, page = _deck_and_page(tmp_path)
    report = _report_winners(page)
    captions, highlighted = _deck_winners(deck)
    assert set(report) == set(captions) == set(WINNERS)
    for experiment, winner in WINNERS.items():
        expected = None if winner is None else f"{winner} (numpy)"
        assert report[experiment] == expected, experiment
        assert captions[experiment] == winner, experiment
        if experiment not in ("moons", "spirals"):
            assert highlighted.get(experiment) == (winner or "every run diverged"), experiment
    for name in ("moons", "spirals"):  # the summary's own mark, set by the same rule when it was written
        rows = [row for row in MODEL_RUNS if row["experiment"] == name]
        assert best_run(rows) is next(row for row in rows if row["best"])


@pytest.mark.parametrize("value, text", [
    (None, "—"), (True, "yes"), (0, "0"), (-0.0, "0"), (12, "12"), (12345, "12 345"), (-1234567.0, "-1 234 567"),
    (0.5, "0.5"), (1 / 3, "0.3333"), (1.0625, "1.063"), (0.001, "0.001"), (0.000123456, "1.235e-4"),
    (3.14159e-9, "3.142e-9"), (9999.5, "1e4"), (123456.7, "1.235e5"), (1e15, "1e15"), (float("inf"), "inf"),
])
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


def test_format_number_rounds_halves_away_from_zero_at_any_precision() -> None:
    assert format_number(12.5, 2) == "13" and format_number(-12.5, 2) == "-13"  # exact binary halves
    assert format_number(0.5, 1) == "0.5" and format_number(2.675, 3) == "2.67"  # 2.675 is 2.67499… in binary


def test_the_report_and_the_deck_load_without_matplotlib() -> None:
    code = ("import momentumlab.report, momentumlab.deck.slides, momentumlab.deck.model_slides, sys; "
            "loaded = sorted(m for m in sys.modules if m.startswith('matplotlib')); assert not loaded, loaded")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
