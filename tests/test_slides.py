"""The slide deck, reopened with python-pptx: a lecture of races (MP4 behind their last frame), rules,
summary tables of at most six rows, sweep heatmaps and notes stating the summary's numbers."""

from __future__ import annotations

import datetime
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Pt

from momentumlab.config import load_config
from momentumlab.deck import parts
from momentumlab.records import best_run, format_count, format_number

ROOT = Path(__file__).resolve().parents[1]
PICTURE, MEDIA = 13, 16  # MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.MEDIA


@pytest.fixture(scope="module")
def deck_and_summary(tiny_workflow):
    deck = Presentation(str(tiny_workflow / "reports" / "slides.pptx"))
    summary = json.loads((tiny_workflow / "reports" / "summary.json").read_text())
    return deck, summary, tiny_workflow


def shapes_of(deck, kind):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.shape_type == kind:
                yield slide, shape


def tables(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                yield slide, shape.table


def _title(slide):
    return next(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _texts(slide):
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _parts(slide):
    return {rel.target_part.partname: rel.target_part.blob for rel in slide.part.rels.values() if not rel.is_external}


def _swept(summary):
    return [s for s in summary.get("sweeps", []) if s.get("kind") != "model"]


def test_deck_is_16_by_9_and_slide_count_follows_config(deck_and_summary):
    deck, summary, _ = deck_and_summary
    config = load_config(ROOT / "tests" / "tiny.yaml")
    assert deck.slide_width * 9 == deck.slide_height * 16
    experiments = len(config.experiments)
    glance = math.ceil(experiments / parts.MAX_TABLE_ROWS)
    effect = math.ceil(len(summary.get("momentum_effect", [])) / parts.MAX_TABLE_ROWS)
    theory = math.ceil(len(summary.get("theory", [])) / parts.MAX_TABLE_ROWS)
    assert len(deck.slides) == 2 + experiments + glance + effect + len(_swept(summary)) + theory


def test_every_race_is_its_mp4_behind_the_races_last_frame(deck_and_summary, tmp_path):
    """pptx level: each race slide holds the report's compare.mp4 and, as its poster, compare.png, which is the
    MP4's last frame (decoded with ffmpeg; mean absolute difference ≤ 6 of 255, H.264 rounding)."""
    import subprocess

    import imageio_ffmpeg

    deck, summary, workdir = deck_and_summary
    labels = {run["label"]: run["experiment"] for run in summary["runs"]}
    movies = list(shapes_of(deck, MEDIA))
    assert len(movies) == len(labels) > 0
    for slide, _ in movies:
        folder = workdir / "reports" / labels[_title(slide)]
        blobs = _parts(slide).values()
        assert (folder / "compare.mp4").read_bytes() in blobs and (folder / "compare.png").read_bytes() in blobs
        last = tmp_path / "last.png"
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(folder / "compare.mp4"),
                        "-update", "1", str(last)], check=True)  # each decoded frame overwrites the last
        with Image.open(last) as frame, Image.open(folder / "compare.png") as poster:
            a = np.asarray(frame.convert("RGB"), dtype=float)
            b = np.asarray(poster.convert("RGB").resize(frame.size), dtype=float)
        assert np.abs(a - b).mean() <= 6, slide


def sized_runs(slide):
    """(shape, run) for every text run with an explicit size, in text boxes and table cells."""
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else []
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        for frame in frames:
            for paragraph in frame.paragraphs:
                for run in paragraph.runs:
                    if run.font.size is not None:
                        yield shape, run


def check_type(deck):
    """No sized run below BODY_SIZE except in shapes named FOOTNOTE; every slide title (the first text box of
    every slide but the cover) in one size. Returns the title sizes seen."""
    small = [(index, run.text, run.font.size.pt) for index, slide in enumerate(deck.slides)
             for shape, run in sized_runs(slide) if run.font.size < Pt(parts.BODY_SIZE) and shape.name != parts.FOOTNOTE]
    assert not small, small
    titles = {next(shape for shape in slide.shapes if shape.has_text_frame).text_frame.paragraphs[0].runs[0].font.size
              for slide in list(deck.slides)[1:]}
    assert len(titles) == 1, titles
    return titles


def test_no_text_below_20_pt_but_footnotes_and_one_title_size(deck_and_summary):
    deck, _, _ = deck_and_summary
    assert check_type(deck) == {Pt(parts.TITLE_SIZE)}
    footnotes = [shape for slide in deck.slides for shape in slide.shapes if shape.name == parts.FOOTNOTE]
    assert footnotes and all(run.font.size == Pt(parts.FOOTNOTE_SIZE) for s in footnotes
                             for p in s.text_frame.paragraphs for run in p.runs)


def test_no_table_has_more_than_six_data_rows_and_every_cell_fits_its_column(deck_and_summary):
    deck, _, _ = deck_and_summary
    found = list(tables(deck))
    assert found
    for _, table in found:
        assert len(table.rows) - 1 <= parts.MAX_TABLE_ROWS
        for row in list(table.rows)[1:]:
            for column, cell in zip(table.columns, row.cells):
                size = cell.text_frame.paragraphs[0].runs[0].font.size.pt
                assert parts.text_width(parts.rigid_text(cell.text), size) + 2 * parts.CELL_MARGIN + parts.CELL_SLACK <= column.width, cell.text


def test_the_rules_slide_states_each_update_as_the_optimizers_compute_it():
    """Each rule on the slide, transcribed here, is one step of the optimizer it names."""
    from momentumlab.deck.rules import UPDATE_RULES
    from momentumlab.optim import sgd
    from momentumlab.schedules import Schedule

    theta, g, state, lr, mu = np.array([1.0, -2.0]), np.array([0.3, 0.7]), np.array([0.05, -0.1]), 0.1, 0.9
    expected = {  # rule text -> (optimizer class, the rule computed by hand: new θ, new state)
        "θ ← θ − η g": (sgd.SGD, theta - lr * g, state),
        "v ← μ v − η g,   θ ← θ + v": (sgd.Momentum, theta + (mu * state - lr * g), mu * state - lr * g),
        "b ← μ b + g,   θ ← θ − η b": (sgd.MomentumGradientUnits, theta - lr * (mu * state + g), mu * state + g),
        "v ← μ v − η g,   θ ← θ + μ v − η g": (sgd.Nesterov, theta + mu * (mu * state - lr * g) - lr * g, mu * state - lr * g),
        "b ← μ b + g,   θ ← θ − η (g + μ b)": (sgd.NesterovGradientUnits, theta - lr * (g + mu * (mu * state + g)),
                                                mu * state + g),
    }
    assert [rule for _, rule in UPDATE_RULES] == list(expected)
    for rule, (cls, new_theta, new_state) in expected.items():
        optimizer = cls(learning_rate=lr, momentum=mu, schedule=Schedule(), options={})
        params, after = optimizer.step(theta.copy(), g.copy(), state.copy(), 0)
        assert np.allclose(params, new_theta, rtol=1e-15, atol=1e-15), rule
        if cls is not sgd.SGD:
            assert np.allclose(after, new_state, rtol=1e-15, atol=1e-15), rule


def test_glance_notes_state_every_run_and_the_agreement(deck_and_summary):
    deck, summary, _ = deck_and_summary
    slides = [s for s in deck.slides if _title(s).startswith("Results at a glance")]
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in slides)
    _check_run_statements(notes, _reference_runs(summary))
    worst = max(row["max_abs_diff"] for row in summary["agreement"] if row["max_abs_diff"] is not None)
    assert ("max |Δθ| < 1e-12" if worst < 1e-12 else f"max |Δθ| = {format_number(worst, 2)}") in notes
    cells = [[c.text.replace(parts.NBSP, " ") for c in row.cells] for s in slides for shape in s.shapes if shape.has_table
             for row in list(shape.table.rows)[1:]]
    for row, (experiment, runs) in zip(cells, _by_experiment(_reference_runs(summary)).items()):
        best = best_run(runs)
        assert row[0] == runs[0]["label"] and row[1] == best["optimizer_label"]
        assert row[2] == format_number(best["settled_at"])


def _by_experiment(runs):
    out = {}
    for run in runs:
        out.setdefault(run["experiment"], []).append(run)
    return out


def _reference_runs(summary):
    """Each experiment's runs on numpy (else its first backend), experiments in summary order."""
    out = []
    for runs in _by_experiment(summary["runs"]).values():
        backends = [run["backend"] for run in runs]
        reference = "numpy" if "numpy" in backends else backends[0]
        out += [run for run in runs if run["backend"] == reference]
    return out


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
            _check_run_statements(notes.split("Every run:", 1)[1], experiment_runs)
            best = best_run(experiment_runs)
            point = (f"it settles first, from step {format_number(best['settled_at'])} on." if best["settled_at"] is not None
                     else f"it ends closest, {_floored(best['distance_to_optimum'], 1e-12 * max(1.0, math.hypot(*best['optimum'])))} "
                          "from the optimum, without settling.")
            assert f"• Point at {best['optimizer_label']}: {point}" in notes
        elif title == "The update rules":
            kinds.append("rules")
        elif title.startswith("Results at a glance"):
            kinds.append("glance")
        elif title.startswith("η × μ sweep: "):
            kinds.append("sweep")
            sweep = next(s for s in summary["sweeps"] if labels[s["experiment"]] == title.split(": ", 1)[1])
            assert notes.startswith(f"{labels[sweep['experiment']]}: {sweep['method']} swept over {len(sweep['lr'])} learning rates "
                                    f"({format_number(sweep['lr'][0])} … {format_number(sweep['lr'][-1])}, log-spaced) × "
                                    f"{len(sweep['momentum'])} values of ")
            assert (f"Best pair: lr {format_number(sweep['best']['lr'])}, momentum {format_number(sweep['best']['momentum'])}."
                    in notes)
            assert f"• Point at the best cell: lr {format_number(sweep['best']['lr'])}" in notes
        elif title.startswith("What momentum adds"):
            kinds.append("effect")
            assert notes.startswith("Each optimizer against itself")
        elif title.startswith("Theory"):
            kinds.append("theory")
            for row in summary["theory"]:
                assert f"predicted {format_number(row['predicted_rate'])}" in notes
        else:
            pytest.fail(f"a slide whose notes no rule checks: {title!r}")
    assert kinds.count("race") == len(labels) and kinds.count("rules") == 1 and kinds.count("glance") >= 1
    assert kinds.count("sweep") == len(_swept(summary))


def test_sweep_slides_show_the_heatmap_figure_not_a_table(deck_and_summary):
    deck, summary, workdir = deck_and_summary
    sweeps = [s for s in deck.slides if _title(s).startswith("η × μ sweep")]
    assert len(sweeps) == len(_swept(summary)) > 0
    figures = {p.read_bytes() for p in (workdir / "reports").glob("*/sweep.png")}
    for slide in sweeps:
        assert not any(shape.has_table for shape in slide.shapes)
        pictures = [shape for shape in slide.shapes if shape.shape_type == PICTURE]
        assert len(pictures) == 1 and pictures[0].image.blob in figures


def _record(experiment="bowl", **values):
    record = {"experiment": experiment, "label": experiment, "problem": "quadratic", "start": [1.0, 1.0],
              "optimizer": "heavy", "optimizer_label": "heavy", "method": "momentum", "backend": "numpy", "lr": 0.1,
              "momentum": 0.9, "steps": 1, "final_loss": 0.5, "distance_to_optimum": 0.1,
              "settled_at": None, "diverged": False, "diverged_at": None}
    record.update(values)
    return record


def _deck(tmp_path, summary, **inputs):
    from momentumlab.deck.slides import DeckInputs, build_deck

    values = {"compare_media": {}, "experiment_labels": {}, **inputs}
    build_deck(DeckInputs(title="Deck", author="", config_title="", summary=summary, date=datetime.date(2026, 1, 1),
                          **values), tmp_path / "deck.pptx")
    return Presentation(str(tmp_path / "deck.pptx"))


def _effect(experiment, optimizer, with_, without):
    return {"experiment": experiment, "optimizer": optimizer, "optimizer_label": optimizer, "method": "momentum",
            "momentum_key": "momentum", "momentum": 0.9, "steps_with": with_, "steps_without": without,
            "steps_ratio": without / with_, "steps_ratio_at_least": None, "diverged_without": False}


def test_ten_momentum_effects_fill_two_slides_of_five_rows(tmp_path):
    names = [f"e{i}" for i in range(10)]
    media = {}
    for name in names:
        media[name] = tmp_path / f"{name}.png"
        Image.new("RGB", (32, 18)).save(media[name])
    summary = {"runs": [_record(name) for name in names], "momentum_effect": [_effect(n, "heavy", 10, 40 + i) for i, n in enumerate(names)]}
    deck = _deck(tmp_path, summary, compare_media=media)
    effect = [s for s in deck.slides if _title(s).startswith("What momentum adds")]
    assert [_title(s) for s in effect] == ["What momentum adds (1/2)", "What momentum adds (2/2)"]
    assert [len(next(sh for sh in s.shapes if sh.has_table).table.rows) - 1 for s in effect] == [5, 5]
    glance = [s for s in deck.slides if _title(s).startswith("Results at a glance")]
    assert len(glance) == 2
    check_type(deck)


def test_pages_are_even_and_numbers_never_break():
    assert [len(p) for p in parts.pages(list(range(10)))] == [5, 5]
    assert [len(p) for p in parts.pages(list(range(13)))] == [4, 5, 4]
    assert parts.pages([]) == [[]]
    assert parts.unbreakable("step 12 345 of 1 000, ≥ 2×") == "step 12\u00a0345 of 1\u00a0000, ≥\u00a02×"
    assert parts.unbreakable("lr 0.01 momentum 0.9") == "lr 0.01 momentum 0.9"  # two numbers, not one
    assert parts.unbreakable("heavy (μ = 0.9)") == "heavy (μ\u00a0=\u00a00.9)"
    assert parts.first_clause("a is best. On 5 seeds: x (1; 2); y.") == "a is best. On 5 seeds: x (1; 2)."
    assert parts.first_clause("Every run diverged.") == "Every run diverged."
    # a model slide keeps the test-loss verdict beside the train-loss one (the moons deck showed momentum
    # "beats sgd on train loss" and hid "sgd beats momentum on test loss, 5 of 5 seeds")
    verdict = ("m is best by the rule. On 5 paired seeds: m beats s on train loss (0.08 vs 0.09, median; better on 4 "
               "of 5 seeds); s beats m on test loss (0.11 vs 0.2, median; better on 5 of 5 seeds); m: test loss lowest "
               "at step 135 (0.13), then rises to 0.2 while its train loss falls from 0.12 to 0.08: overfitting.")
    assert parts.leading_clauses(verdict) == ("m is best by the rule. On 5 paired seeds: m beats s on train loss; "
                                              "s beats m on test loss.")
    assert parts.leading_clauses("Every run diverged.") == "Every run diverged."
    with pytest.raises(ValueError, match="need"):
        parts.column_widths(["a"], [["1" * 200]], 20, parts.CONTENT_WIDTH)
    # a label without spaces (the schema admits any) breaks inside itself rather than overflow the slide
    widths = parts.column_widths(["Experiment", "Best run"], [["x" * 60, "momentum"]], 20, parts.CONTENT_WIDTH)
    assert sum(widths) == parts.CONTENT_WIDTH and min(widths) > 0


def test_a_table_of_seven_rows_is_refused(tmp_path):
    from pptx import Presentation as New

    deck = New()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    with pytest.raises(ValueError, match="at most 6"):
        parts.table(slide, ["x"], [["1"]] * 7)


def test_race_points_name_the_winner_the_laggards_and_the_schedule_cuts():
    from momentumlab.deck.talking_points import race_points

    schedule = {"kind": "piecewise", "boundaries": [60, 120]}
    runs = [_record(optimizer="a", optimizer_label="a", settled_at=40, distance_to_optimum=1e-4, schedule=schedule),
            _record(optimizer="b", optimizer_label="b", settled_at=100, distance_to_optimum=1e-4, schedule=schedule),
            _record(optimizer="c", optimizer_label="c", diverged=True, diverged_at=17, distance_to_optimum=None)]
    points = race_points(runs, [_effect("bowl", "a", 40, 160)])
    assert points == ["• Point at a: it settles first, from step 40 on.",
                      "• b settles at step 100: 2.5× as many steps as a.",
                      "• c diverges at step 17: its path leaves the picture.",
                      "• The learning rate is cut at steps 60, 120: point at the kinks in the loss curves.",
                      "• With μ set from 0.9 to 0, a settles at step 160: momentum makes it 4× faster."]


def test_counts_are_pluralised_on_the_title_and_experiment_slides(tmp_path):
    deck = _deck(tmp_path, {"runs": [_record()]})
    title = " ".join(_texts(deck.slides[0]))
    assert "1 experiment (" in title and "1 experiments" not in title
    assert "optimizer: momentum" in title and "backend: numpy" in title
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "1 experiments" not in notes
    deck = _deck(tmp_path, {"runs": [_record("a"), _record("b", backend="tensorflow")]})
    assert "2 experiments (" in " ".join(_texts(deck.slides[0]))


def test_without_mp4s_the_race_is_its_last_frame_as_a_still(tmp_path):
    poster = tmp_path / "compare.png"
    Image.new("RGB", (32, 18), (200, 30, 30)).save(poster)
    gif = tmp_path / "compare.gif"
    Image.new("RGB", (32, 18), (10, 10, 10)).save(gif)
    deck = _deck(tmp_path, {"runs": [_record()]}, compare_media={"bowl": gif}, posters={"bowl": poster})
    race = next(s for s in deck.slides if _title(s) == "bowl")
    pictures = [shape for shape in race.shapes if shape.shape_type == PICTURE]
    assert len(pictures) == 1 and pictures[0].image.blob == poster.read_bytes()
    assert pictures[0].width * 18 == pytest.approx(pictures[0].height * 32, rel=1e-3)  # its own aspect


def test_a_gif_only_config_still_builds_the_deck(tmp_path, snakemake_in):
    config = tmp_path / "gif.yaml"
    config.write_text((ROOT / "tests" / "tiny.yaml").read_text().replace("formats: [gif, mp4]", "formats: [gif]"))
    assert "formats: [gif]" in config.read_text()
    result = snakemake_in(tmp_path, "-n", "--quiet", "rules", "--configfile", config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "build_slides" in result.stdout + result.stderr


def test_theory_slide_says_when_a_rate_was_not_measured():
    from momentumlab.deck.results import measured_text

    assert measured_text({"measured_rate": None, "note": "converges in 1 step: no steady rate to fit"}) == "not measured"
    assert measured_text({"measured_rate": 0.5}) == "0.5"


def test_long_cells_put_fewer_rows_on_a_slide_so_the_table_clears_the_footnote():
    header = ["Experiment", "Optimizer", "Settled at"]
    long = ["A rather long experiment name (κ = 100) that wraps onto three lines or more in its column",
            "rmsprop (RMSProp momentum = 0.2605), a long optimizer label too", "398"]
    short = ["Bowl", "heavy (μ = 0.9)", "12"]
    room = parts.FOOTNOTE_TOP - parts.CONTENT_TOP
    assert parts.table_height(header, [long] * 6) > room >= parts.table_height(header, [short] * 6)
    chunks = parts.table_pages(header, list(range(6)), lambda _: long)
    assert len(chunks) > 1 and all(parts.table_height(header, [long] * len(c)) <= room for c in chunks)
    assert parts.table_pages(header, list(range(6)), lambda _: short) == [list(range(6))]


def test_sweep_points_name_the_swept_axis():
    """An Adam sweep's talking points said "momentum 0.99" for β₁ (and called a tuned run "configured")."""
    from momentumlab.deck.talking_points import sweep_points

    sweep = {"method": "adam", "best": {"lr": 0.01, "momentum": 0.99}, "diverged_fraction": 0.0}
    points = sweep_points(sweep, [{"optimizer_label": "adam", "lr": 0.02, "momentum": 0.9}])
    assert points == ["• Point at the best cell: lr 0.01, β₁ 0.99.", "• No cell of the grid diverged.",
                      "• The adam run sits at lr 0.02, β₁ 0.9."]
    assert "μ 0.5" in sweep_points({"method": "momentum", "best": {"lr": 0.1, "momentum": 0.5}})[0]


def test_a_model_race_is_a_movie_behind_its_last_frame_as_the_2d_races_are(tmp_path: Path) -> None:
    """tests/tiny_models.yaml with MP4s: the deck wired from ``layout.slide_inputs`` shows the model race (as the 2-D
    race) as an MP4 movie whose poster frame is the race's compare.png, so a PDF export shows the result."""
    import yaml

    from momentumlab import layout
    from momentumlab.config import parse_config
    from momentumlab.deck.slides import build_deck, deck_inputs
    from test_records import model_run, run

    raw = yaml.safe_load((Path(__file__).parent / "tiny_models.yaml").read_text())
    raw["animation"]["formats"] = ["gif", "mp4"]
    config = parse_config(raw)
    inputs = layout.slide_inputs(config, tmp_path)
    assert set(inputs.model_races) == {"moons"}
    for colour, race in zip(((40, 90, 160), (200, 120, 30)), [*inputs.races.values(), *inputs.model_races.values()]):
        Path(race.poster).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 36), colour).save(race.poster)
        Path(race.media).write_bytes(b"\x00\x00\x00\x18ftypmp42")  # embedded as it is: no player reads it here
    runs = [run("valley", "momentum"), model_run("moons", "sgd"), model_run("moons", "momentum", best=True)]
    Path(inputs.summary).write_text(json.dumps({"title": "Tiny models", "runs": runs, "agreement": []}))
    build_deck(deck_inputs(config, inputs, datetime.date(2026, 1, 1)), tmp_path / "deck.pptx")
    posters = {}
    for slide in Presentation(str(tmp_path / "deck.pptx")).slides:
        for shape in slide.shapes:
            if shape.shape_type == 16:  # MSO_SHAPE_TYPE.MEDIA: a movie
                blip = shape._element.xpath(".//p:blipFill/a:blip/@r:embed")[0]
                posters[slide.part.related_part(blip).blob] = shape
    for race in [*inputs.races.values(), *inputs.model_races.values()]:
        assert Path(race.poster).read_bytes() in posters, race.media  # each race: a movie behind its compare.png
