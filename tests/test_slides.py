"""The slide deck, reopened with python-pptx: slides, GIFs, table values, notes."""

from __future__ import annotations

import math

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from momentumlab.config import load_config
from momentumlab.records import best_run, format_count, format_number

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def deck_and_summary(tiny_workflow):
    deck = Presentation(str(tiny_workflow / "reports" / "slides.pptx"))
    summary = json.loads((tiny_workflow / "reports" / "summary.json").read_text())
    return deck, summary, tiny_workflow


def pictures(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                yield shape


def tables(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                yield slide, shape.table


def test_deck_is_16_by_9_and_slide_count_follows_config(deck_and_summary):
    deck, summary, _ = deck_and_summary
    config = load_config(ROOT / "tests" / "tiny.yaml")
    assert deck.slide_width * 9 == deck.slide_height * 16
    experiments = len(config.experiments)
    table_slides = 1  # the tiny config has fewer runs than one table page holds
    effect_slides = len({row["experiment"] for row in summary.get("momentum_effect", [])})  # "what momentum adds"
    expected = (1 + experiments + table_slides + effect_slides + len(summary.get("sweeps", []))
                + (1 if summary.get("theory") else 0))
    assert len(deck.slides) == expected


def test_every_picture_is_an_animated_gif_identical_to_the_report_file(deck_and_summary, tmp_path):
    deck, _, workdir = deck_and_summary
    compare_gifs = {p.read_bytes() for p in (workdir / "reports").glob("*/compare.gif")}
    shapes = list(pictures(deck))
    assert len(shapes) == len(compare_gifs) > 0
    for shape in shapes:
        assert shape.image.content_type == "image/gif"
        blob = shape.image.blob
        assert blob in compare_gifs
        sample = tmp_path / "picture.gif"
        sample.write_bytes(blob)
        with Image.open(sample) as image:
            assert image.n_frames > 1


ERROR_HEADER = ["Experiment", "Optimizer", "lr", "Momentum", "Final loss (f − f*)", "Distance", "Settled at"]


def _reference_runs(summary):
    """Each experiment's runs on numpy (else its first backend), experiments in summary order."""
    experiments = list(dict.fromkeys(run["experiment"] for run in summary["runs"]))
    out = []
    for experiment in experiments:
        runs = [run for run in summary["runs"] if run["experiment"] == experiment]
        backends = [run["backend"] for run in runs]
        reference = "numpy" if "numpy" in backends else backends[0]
        out += [run for run in runs if run["backend"] == reference]
    return out


def _error_tables(deck):
    return [table for _, table in tables(deck) if [table.cell(0, c).text for c in range(len(table.columns))] == ERROR_HEADER]


def _title(slide):
    return next(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_error_table_cells_are_the_summarys_numpy_runs(deck_and_summary):
    deck, summary, _ = deck_and_summary
    found = _error_tables(deck)
    assert found, "no final-error table"
    cells = [[table.cell(r, c).text for c in range(len(ERROR_HEADER))] for table in found for r in range(1, len(table.rows))]
    expected = _reference_runs(summary)
    assert len(expected) >= 3 and all(run["backend"] == "numpy" for run in expected)
    assert [row[:2] for row in cells] == [[run["label"], run["optimizer_label"]] for run in expected]

    def floored(value, floor):  # the table's own rule, written out: "< 1e-12" below the floor
        return "< 1e-12" if value is not None and abs(value) < floor else format_number(value)

    for row, run in zip(cells, expected):
        assert row[2] == format_number(run["lr"]) and float(row[2]) == pytest.approx(run["lr"], rel=1e-3)
        if run["momentum"] is not None and run["method"] != "sgd" and run["method"] != "adagrad":
            assert row[3].endswith(f"= {format_number(run['momentum'])}")
        if run.get("f_star") is None:
            assert row[4] == format_number(run["final_loss"])
        else:
            excess = run["final_loss"] - run["f_star"]
            assert row[4] == floored(run["excess_loss"], 1e-12 * max(1.0, abs(run["f_star"])))
            if row[4] != "< 1e-12":
                assert float(row[4]) == pytest.approx(excess, rel=1e-3, abs=1e-12 * max(1.0, abs(run["f_star"])))
        floor = 1e-12 * max(1.0, math.hypot(*run["optimum"])) if run["optimum"] is not None else 0.0
        assert row[5] == floored(run["distance_to_optimum"], floor)
        if row[5] != "< 1e-12" and run["distance_to_optimum"] is not None:
            assert float(row[5]) == pytest.approx(run["distance_to_optimum"], rel=1e-3, abs=1e-300)
        steps = (f"diverged at {format_number(run['diverged_at'])}" if run["diverged"]
                 else format_number(run["settled_at"]))
        assert row[6] == steps


def test_best_run_per_experiment_is_highlighted(deck_and_summary):
    deck, summary, _ = deck_and_summary
    table = _error_tables(deck)[0]
    expected = _reference_runs(summary)
    winners = [best_run([r for r in summary["runs"] if r["experiment"] == experiment])
               for experiment in dict.fromkeys(run["experiment"] for run in expected)]
    assert all(winner is not None for winner in winners)
    for index, run in enumerate(expected):
        bold = table.cell(index + 1, 0).text_frame.paragraphs[0].runs[0].font.bold
        assert bool(bold) == any(run is winner for winner in winners), run["optimizer"]


MOMENTUM_NAMES = {"momentum": "μ", "nesterov": "μ", "adam": "β₁", "nadam": "β₁", "adamw": "β₁", "adamax": "β₁",
                  "lion": "β₁", "rmsprop": "RMSProp momentum"}


def _floored(value, floor):
    """The deck's floor rule written out: "< 1e-12" below the floor, else the number."""
    return "< 1e-12" if value is not None and abs(value) < floor else format_number(value)


def _check_run_statements(notes, runs):
    """The notes state each run, in order, with its settings and its outcome, and no other run."""
    assert len(re.findall(r"\(\w+, lr ", notes)) == len(runs), notes
    position = 0
    for run in runs:
        start = notes.find(f"{run['optimizer_label']} ({run['method']}, lr ", position)
        assert start >= 0, (run["optimizer"], run["backend"], notes)
        position = notes.find("\n", start) if "\n" in notes[start:] else len(notes)
        line = notes[start:position]
        assert f"lr {format_number(run['lr'])}, " in line and f", {run['backend']}; " in line
        name = MOMENTUM_NAMES.get(run["method"])
        assert (f"{name} = {format_number(run['momentum'])}, " if name else ", —, ") in line
        if run["diverged"]:
            assert f"diverged at step {format_number(run['diverged_at'])}" in line
            continue
        if run.get("f_star") is None:
            assert f"final loss {format_number(run['final_loss'])}, " in line
        else:
            assert f"final f − f* {_floored(run['final_loss'] - run['f_star'], 1e-12 * max(1.0, abs(run['f_star'])))}, " in line
        floor = 1e-12 * max(1.0, math.hypot(*run["optimum"])) if run["optimum"] is not None else 0.0
        assert f"distance {_floored(run['distance_to_optimum'], floor)}, " in line
        settled = run["settled_at"]
        assert line.endswith("not settled." if settled is None else f"settled at step {format_number(settled)}.")


def test_every_slide_has_notes_stating_the_summarys_numbers(deck_and_summary):
    deck, summary, _ = deck_and_summary
    runs = summary["runs"]
    labels = {run["experiment"]: run["label"] for run in runs}
    by_label = {label: experiment for experiment, label in labels.items()}
    slides = list(deck.slides)
    title_notes = slides[0].notes_slide.notes_text_frame.text
    assert title_notes.startswith(f"{_title(slides[0])}. {format_count(len(labels), 'experiment')} (")
    for word in [*labels.values(), *{run["method"] for run in runs}, *{run["backend"] for run in runs}]:
        assert word in title_notes
    kinds = []
    for slide in slides[1:]:
        title, notes = _title(slide), slide.notes_slide.notes_text_frame.text
        if title in by_label:
            kinds.append("race")
            experiment_runs = [run for run in runs if run["experiment"] == by_label[title]]
            first = experiment_runs[0]
            assert notes.startswith(f"{title}: {format_count(first['steps'], 'step')} from {first['start']}.")
            _check_run_statements(notes, experiment_runs)
        elif title.startswith("Final errors"):
            kinds.append("errors")
            _check_run_statements(notes, _reference_runs(summary))  # one page holds the tiny config's runs
            worst = max(row["max_abs_diff"] for row in summary["agreement"] if row["max_abs_diff"] is not None)
            assert ("max |Δθ| < 1e-12" if worst < 1e-12 else f"max |Δθ| = {format_number(worst, 2)}") in notes
        elif title.startswith("Where momentum works: "):
            kinds.append("sweep")
            sweep = next(s for s in summary["sweeps"] if labels[s["experiment"]] == title.split(": ", 1)[1])
            assert notes.startswith(f"{labels[sweep['experiment']]}: {sweep['method']} swept over {len(sweep['lr'])} learning rates "
                                    f"({format_number(sweep['lr'][0])} … {format_number(sweep['lr'][-1])}, log-spaced) × "
                                    f"{len(sweep['momentum'])} values of ")
            assert (f"Best pair: lr {format_number(sweep['best']['lr'])}, momentum {format_number(sweep['best']['momentum'])}."
                    in notes)
        elif title.startswith("What momentum adds: "):
            kinds.append("effect")
            assert notes.startswith(f"{title.split(': ', 1)[1]}: each optimizer against itself")
        elif title.startswith("Theory"):
            kinds.append("theory")
            for row in summary["theory"]:
                assert f"predicted {format_number(row['predicted_rate'])}" in notes
        else:
            pytest.fail(f"a slide whose notes no rule checks: {title!r}")
    assert kinds.count("race") == len(labels) and kinds.count("errors") >= 1
    assert kinds.count("sweep") == len(summary.get("sweeps", []))


def test_thinning_keeps_the_best_index_and_the_ends():
    from momentumlab.deck.slides import _thin

    assert _thin(5, 16) == [0, 1, 2, 3, 4]
    thinned = _thin(1000, 12, keep=517)
    assert len(thinned) == 12 and 517 in thinned and thinned[0] == 0 and thinned[-1] == 999


def test_viridis_matches_matplotlib():
    from matplotlib import colormaps

    from momentumlab.deck.slides import viridis

    for fraction in (0.0, 0.3, 0.5, 0.77, 1.0):
        expected = [round(255 * c) for c in colormaps["viridis"](fraction)[:3]]
        assert all(abs(a - b) <= 6 for a, b in zip(viridis(fraction), expected)), fraction


def _record(experiment="bowl", **values):
    record = {"experiment": experiment, "label": experiment, "problem": "quadratic", "start": [1.0, 1.0],
              "optimizer": "heavy", "optimizer_label": "heavy", "method": "momentum", "backend": "numpy", "lr": 0.1,
              "momentum": 0.9, "steps": 1, "final_loss": 0.5, "distance_to_optimum": 0.1,
              "settled_at": None, "diverged": False, "diverged_at": None}
    record.update(values)
    return record


def _deck(tmp_path, summary):
    import datetime

    from momentumlab.deck.slides import DeckInputs, build_deck

    inputs = DeckInputs(title="Deck", author="", config_title="", summary=summary, compare_media={},
                        experiment_labels={}, date=datetime.date(2026, 1, 1))
    build_deck(inputs, tmp_path / "deck.pptx")
    return Presentation(str(tmp_path / "deck.pptx"))


def _texts(slide):
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _sweep(**values):
    sweep = {"experiment": "bowl", "method": "momentum", "steps": 10, "lr": [0.01, 0.1, 1.0], "momentum": [0.0, 0.5],
             "has_optimum": True, "best": {"lr": 0.01, "momentum": 0.0}}
    sweep.update(values)
    return sweep


def _heatmap(deck):
    slide = next(s for s in deck.slides if any(t.startswith("Where momentum works") for t in _texts(s)))
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    cells = [[table.cell(r, c) for c in range(1, len(table.columns))] for r in range(1, len(table.rows))]
    return slide, cells[::-1]  # rows bottom-up, as in the summary's [momentum][lr] grids


def test_counts_are_pluralised_on_the_title_and_experiment_slides(tmp_path):
    deck = _deck(tmp_path, {"runs": [_record()]})
    title = " ".join(_texts(deck.slides[0]))
    assert "1 experiment (" in title and "1 experiments" not in title
    assert "optimizer: momentum" in title and "backend: numpy" in title
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "1 experiments" not in notes
    deck = _deck(tmp_path, {"runs": [_record("a"), _record("b", backend="tensorflow")]})
    assert "2 experiments (" in " ".join(_texts(deck.slides[0]))


def test_sweep_slide_without_a_minimum_colours_final_loss_and_crosses_only_diverged_cells(tmp_path):
    from momentumlab.deck.slides import DIVERGED

    loss = [[-0.5, -3.0, None], [0.2, None, None]]
    sweep = _sweep(has_optimum=False, final_distance=[[None] * 3] * 2, final_loss=loss,
                   best={"lr": 0.1, "momentum": 0.0}, diverged_fraction=0.5)
    slide, cells = _heatmap(_deck(tmp_path, {"runs": [_record(distance_to_optimum=None)], "sweeps": [sweep]}))
    for row, values in zip(cells, loss):
        for cell, value in zip(row, values):
            assert (cell.text == "×") == (value is None), (cell.text, value)
            assert (cell.fill.fore_color.rgb == DIVERGED) == (value is None)
    assert cells[0][1].text == "★"
    caption = _texts(slide)[-1]
    assert "final loss" in caption and "distance" not in caption


def test_sweep_slide_colours_an_exact_zero_distance(tmp_path):
    from momentumlab.deck.slides import DIVERGED, viridis

    distance = [[0.0, 1e-6, 1.0], [1e-3, None, 1e-2]]
    sweep = _sweep(final_distance=distance, final_loss=[[0.0, 1.0, 1.0], [1.0, None, 1.0]])
    slide, cells = _heatmap(_deck(tmp_path, {"runs": [_record()], "sweeps": [sweep]}))
    fills = [[cell.fill.fore_color.rgb for cell in row] for row in cells]
    assert fills[0][0] == fills[0][1] == viridis(0.0)  # 0 takes the colour of the smallest distance
    assert fills[0][2] == viridis(1.0) and fills[1][1] == DIVERGED
    assert [cell.text for row in cells for cell in row].count("×") == 1
    assert "0 = darkest" in _texts(slide)[-1]


def test_without_gifs_the_race_is_an_mp4_movie_with_its_poster(tmp_path):
    poster = tmp_path / "compare.png"
    Image.new("RGB", (32, 18), (200, 30, 30)).save(poster)
    movie = tmp_path / "compare.mp4"
    movie.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    import datetime

    from momentumlab.deck.slides import DeckInputs, build_deck

    inputs = DeckInputs(title="Deck", author="", config_title="", summary={"runs": [_record()]},
                        compare_media={"bowl": movie}, posters={"bowl": poster}, experiment_labels={},
                        date=datetime.date(2026, 1, 1))
    build_deck(inputs, tmp_path / "deck.pptx")
    deck = Presentation(str(tmp_path / "deck.pptx"))
    race = deck.slides[1]
    movies = [shape for shape in race.shapes if shape.shape_type == 16]  # MSO_SHAPE_TYPE.MEDIA
    assert len(movies) == 1 and not list(pictures(deck))
    parts = {rel.target_part.partname: rel.target_part.blob for rel in race.part.rels.values() if not rel.is_external}
    assert movie.read_bytes() in parts.values() and poster.read_bytes() in parts.values()


def test_an_mp4_only_config_still_builds_the_deck(tmp_path, snakemake_in):
    config = tmp_path / "mp4.yaml"
    config.write_text((ROOT / "tests" / "tiny.yaml").read_text().replace("formats: [gif, mp4]", "formats: [mp4]"))
    assert "formats: [mp4]" in config.read_text()
    result = snakemake_in(tmp_path, "-n", "--quiet", "rules", "--configfile", config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "build_slides" in result.stdout + result.stderr


def test_theory_slide_says_why_a_rate_was_not_measured():
    from momentumlab.deck.slides import _measured

    assert _measured({"measured_rate": None, "note": "converges in 1 step: no steady rate to fit"}).startswith(
        "not measured: converges in 1 step")
    assert _measured({"measured_rate": 0.5}) != ""
