"""The slide deck, reopened with python-pptx: slides, GIFs, table values, notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from momentumlab.config import load_config
from momentumlab.records import best_run
from momentumlab.slides import error_table_rows

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


def test_error_table_cells_equal_the_summary(deck_and_summary):
    deck, summary, _ = deck_and_summary
    header, rows, _, records = error_table_rows(summary)
    found = [table for slide, table in tables(deck) if table.cell(0, 0).text == header[0]]
    assert found, "no final-error table"
    cells = [[found[0].cell(r, c).text for c in range(len(header))] for r in range(1, len(found[0].rows))]
    assert cells == rows
    for row, record in zip(cells, records):
        assert row[0] == record["label"] and row[1] == record["optimizer_label"]
        shown_loss = record["final_loss"] if record.get("f_star") is None else record["excess_loss"]  # f − f*
        if shown_loss is not None and row[4] != "< 1e-12":
            assert float(row[4]) == pytest.approx(shown_loss, rel=1e-3)
        if record["distance_to_optimum"] is not None and row[5] != "< 1e-12":
            assert float(row[5]) == pytest.approx(record["distance_to_optimum"], rel=1e-3, abs=1e-300)
        for cell in row[4:6]:
            assert cell == "< 1e-12" or cell == "—" or abs(float(cell)) == 0 or abs(float(cell)) >= 1e-12


def test_best_run_per_experiment_is_highlighted(deck_and_summary):
    deck, summary, _ = deck_and_summary
    header, rows, best, records = error_table_rows(summary)
    table = next(table for slide, table in tables(deck) if table.cell(0, 0).text == header[0])
    for index in range(len(rows)):
        bold = table.cell(index + 1, 0).text_frame.paragraphs[0].runs[0].font.bold
        assert bool(bold) == (index in best)
    experiments = {record["experiment"] for record in records}
    assert len(best) == len(experiments)
    for index in best:
        assert records[index] is best_run([r for r in summary["runs"] if r["experiment"] == records[index]["experiment"]])


def test_every_slide_has_notes_with_numbers(deck_and_summary):
    deck, _, _ = deck_and_summary
    for slide in deck.slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes) > 20
    experiment_notes = [s.notes_slide.notes_text_frame.text for s in list(deck.slides)[1:3]]
    assert all("lr" in note and "momentum" in note for note in experiment_notes)


def test_thinning_keeps_the_best_index_and_the_ends():
    from momentumlab.slides import _thin

    assert _thin(5, 16) == [0, 1, 2, 3, 4]
    thinned = _thin(1000, 12, keep=517)
    assert len(thinned) == 12 and 517 in thinned and thinned[0] == 0 and thinned[-1] == 999


def test_viridis_matches_matplotlib():
    from matplotlib import colormaps

    from momentumlab.slides import viridis

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

    from momentumlab.slides import DeckInputs, build_deck

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
    from momentumlab.slides import DIVERGED

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
    from momentumlab.slides import DIVERGED, viridis

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

    from momentumlab.slides import DeckInputs, build_deck

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
    from momentumlab.slides import _measured

    assert _measured({"measured_rate": None, "note": "converges in 1 step: no steady rate to fit"}).startswith(
        "not measured: converges in 1 step")
    assert _measured({"measured_rate": 0.5}) != ""
