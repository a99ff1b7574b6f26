"""The HTML report: escaping, outline, alt text, optional sections, assets, contour mapping."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from momentumlab.problems import make_problem
from momentumlab.render import contour_png
from momentumlab.palette import run_styles
from momentumlab.runs import RunKey
from momentumlab.report import inline_assets, json_for_script, render_report, scrubber_data
from momentumlab.trajectory import Trajectory

from report_builders import CONFIG, EVIL, TEMPLATES, run, synthetic, write_image

ROOT = Path(__file__).resolve().parents[1]


class Outline(HTMLParser):
    """Headings, images (with their attributes) and every src/href on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.references: list[str] = []
        self.script_types: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attributes)
        if tag == "script":
            self.script_types.append(attributes.get("type"))
        for key in ("src", "href", "poster"):
            if attributes.get(key):
                self.references.append(attributes[key])


def parse(page: str) -> Outline:
    outline = Outline()
    outline.feed(page)
    return outline


def test_labels_with_markup_render_as_text(tmp_path: Path) -> None:
    _, page = synthetic(tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert EVIL not in page
    assert "alert(1)</script>" not in page
    # Two scripts: the scrubber's JSON and the page's own code; nothing injected.
    assert parse(page).script_types == ["application/json", None]


def test_json_for_script_escapes_markup_characters() -> None:
    text = str(json_for_script({"label": "</script><b>&"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"label": "</script><b>&"}


def test_headings_form_an_outline_and_images_have_alt_text(tmp_path: Path) -> None:
    outline = parse(synthetic(tmp_path)[1])
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    for before, after in zip(outline.headings, outline.headings[1:]):
        assert after <= before + 1, outline.headings
    assert len(outline.images) >= 5
    assert all(image.get("alt", "").strip() for image in outline.images)


def test_media_paths_are_relative_and_exist(tmp_path: Path) -> None:
    _, page = synthetic(tmp_path)
    local = [ref for ref in parse(page).references if not ref.startswith("#")]
    assert local
    for reference in local:
        assert not re.match(r"^[a-z]+:", reference) and not reference.startswith("/"), reference
        assert (tmp_path / "reports" / reference).is_file(), reference


def test_sweep_and_theory_sections_only_when_present(tmp_path: Path) -> None:
    _, page = synthetic(tmp_path / "plain")
    assert "Learning rate × momentum sweep" not in page and "sweep.png" not in page
    assert "Theory vs measurement" not in page
    extra = {
        "sweeps": [{"experiment": "bowl", "lr": [0.01, 0.1], "momentum": [0.0, 0.9],
                    "final_distance": [[1, 2], [3, 4]], "settled_at": [[None, 3], [4, 5]],
                    "best": {"lr": 0.1, "momentum": 0.9}}],
        "theory": [{"experiment": "bowl", "method": "momentum", "lr": 0.0331, "momentum": 0.669,
                    "predicted_rate": 0.8, "measured_rate": 0.81}],
    }
    _, page = synthetic(tmp_path / "full", extra)
    assert "Learning rate × momentum sweep" in page and 'src="bowl/sweep.png"' in page
    assert "Theory vs measurement" in page and "0.81" in page
    # the theory rows are runs at Polyak's parameters, not the configured runs: the table says which
    assert "0.0331" in page and "0.669" in page and "not one of the" in page


def test_scrubber_downsamples_and_keeps_the_last_valid_step() -> None:
    steps = 5000
    finished = Trajectory(params=np.zeros((steps + 1, 2)), loss=np.ones(steps + 1), steps=steps)
    diverged = Trajectory(params=np.ones((1234, 2)), loss=np.ones(1234), steps=steps, diverged_at=1234)
    data = scrubber_data({RunKey("a", "numpy"): finished, RunKey("a", "tensorflow"): diverged}, steps, {"x": [0, 1], "y": [0, 1]})
    assert len(data["steps"]) == 1000 and data["steps"][0] == 0 and data["steps"][-1] == steps
    first, second = data["runs"]
    styles = run_styles([RunKey("a", "numpy"), RunKey("a", "tensorflow")])
    assert len(first["x"]) == 1000 and not first["dashed"] and second["dashed"]
    assert [first["color"], second["color"]] == [styles[RunKey("a", "numpy")].color, styles[RunKey("a", "tensorflow")].color]
    assert second["last_step"] == 1233 and second["diverged_at"] == 1234
    assert len(second["x"]) == sum(s <= 1233 for s in data["steps"]) + (1233 not in data["steps"])


def test_inline_assets_embeds_every_local_file(tmp_path: Path) -> None:
    _, page = synthetic(tmp_path)
    single = inline_assets(page, tmp_path / "reports")
    references = parse(single).references
    assert references and all(ref.startswith(("data:", "#")) for ref in references)
    assert 'src="data:image/png;base64,' in single


def test_contour_png_maps_pixels_to_parameters_exactly(tmp_path: Path) -> None:
    problem = make_problem("rosenbrock", {"a": 1, "b": 100})
    window = ((-2.0, 4.0), (-1.0, 3.0))
    extent = contour_png(problem, tmp_path / "contour.png", width=600, height=400, window=window)
    assert extent == {"x": [-2.0, 4.0], "y": [-1.0, 3.0], "width": 600, "height": 400}
    image = np.asarray(Image.open(tmp_path / "contour.png").convert("RGB")).astype(int)
    assert image.shape == (400, 600, 3)
    # The optimum (1, 1) is drawn as a white star: its centre pixel must be white.
    u = round((1.0 - (-2.0)) / 6.0 * 600)
    v = round((3.0 - 1.0) / 4.0 * 400)
    assert image[v, u].min() >= 245
    assert image[v + 40, u + 40].min() < 245
    # No margins: the image edges are contour colours, not the figure's white.
    assert image[0, :].min() < 245 and image[-1, :].min() < 245


def test_workflow_report_is_offline_and_snakemake_report_builds(tiny_workflow: Path) -> None:
    page = (tiny_workflow / "reports" / "index.html").read_text(encoding="utf-8")
    for reference in parse(page).references:
        if not reference.startswith("#"):
            assert (tiny_workflow / "reports" / reference).is_file(), reference
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    snakemake = Path(__import__("sys").executable).with_name("snakemake")
    result = subprocess.run(
        [str(snakemake), "-s", str(ROOT / "Snakefile"), "--report", "reports/snakemake-report.html",
         "--configfile", str(ROOT / "tests" / "tiny.yaml")],
        cwd=tiny_workflow, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tiny_workflow / "reports" / "snakemake-report.html").stat().st_size > 10_000


def visible_text(page: str) -> str:
    """The page's text without tags, scripts' JSON or runs of white space."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_problem_without_a_minimum_speaks_of_loss_not_distance(tmp_path: Path) -> None:
    saddle = {"problem": "saddle", "optimum": None, "distance_to_optimum": None, "final_loss": -2.5}
    runs = [run("sgd", "numpy", **saddle), run("heavy", "numpy", **saddle, diverged=True, diverged_at=7)]
    sweep = {"experiment": "bowl", "lr": [0.01, 0.1], "momentum": [0.0, 0.9], "has_optimum": False, "steps": 1,
             "final_distance": [[None, None], [None, None]], "final_loss": [[-1.5, -4.25], [None, -2.0]],
             "settled_at": [[None, None], [None, None]], "diverged_fraction": 0.25,
             "best": {"lr": 0.1, "momentum": 0.0, "final_distance": None, "settled_at": None}}
    context, page = synthetic(tmp_path, {"sweeps": [sweep]}, runs=runs)
    text = visible_text(page)
    assert not context["experiments"][0]["has_optimum"]
    assert "optimum" not in text.split("Overview", 1)[1].split("Media for slides")[0].replace(
        "tolerance of an optimum", ""), "a saddle section mentions an optimum"
    assert "no minimum" in text and "Distance to optimum" not in text
    assert "Lowest final loss: learning rate 0.1, μ 0, final loss -4.25." in text
    assert "each run for 1 step." in text
    assert "star marks the optimum" not in page


def test_a_problem_with_a_minimum_keeps_its_distance_columns(tmp_path: Path) -> None:
    context, page = synthetic(tmp_path)
    text = visible_text(page)
    assert context["experiments"][0]["has_optimum"]
    assert "Distance" in text and "Settled at" in text and "nearest optimum (0, 0)" in text
    assert "20 steps, tolerance 0.001" in text


@pytest.mark.parametrize("loss, caption", [
    (np.linspace(10, 0, 21), "symmetric-log"),
    (np.geomspace(10, 1e-3, 21), "loss per step, log axes."),
])
def test_the_loss_plot_caption_names_its_axes(tmp_path: Path, loss: np.ndarray, caption: str) -> None:
    text = visible_text(synthetic(tmp_path, loss=loss)[1])
    assert caption in text
    assert ("symmetric-log" in text) == (caption == "symmetric-log")


def test_counts_are_pluralised(tmp_path: Path) -> None:
    runs = [run("sgd", "numpy", steps=1), run("heavy", "numpy", steps=1)]
    context, page = synthetic(tmp_path, runs=runs)
    context["experiments"][0]["steps"] = 1
    text = visible_text(render_report(TEMPLATES, context))
    assert "1 step," in text and "1 steps" not in text
    assert "1 experiment," in text and "1 experiments" not in text
    assert "0 of 2 runs" in text
    text = visible_text(synthetic(tmp_path / "one", runs=[run("heavy", "numpy")])[1])
    assert "0 of 1 run" in text and "1 runs" not in text


@pytest.mark.parametrize("formats", [["gif", "mp4"], ["mp4"], ["gif"]])
def test_the_slide_media_text_matches_the_formats(tmp_path: Path, formats: list) -> None:
    context, _ = synthetic(tmp_path)
    assert context["slide_media"], "the synthetic report has GIFs for slides"
    context["animation"] = {**context["animation"], "formats": formats}
    text = visible_text(render_report(TEMPLATES, context)).split("Media for slides", 2)[-1]
    assert ("GIFs loop forever" in text) == ("gif" in formats)
    assert ("MP4s (H.264) play once" in text) == ("mp4" in formats)


def test_scrubber_draws_slow_runs_on_top_as_the_race_does() -> None:
    from momentumlab.backends.numpy_backend import run as run_optimizer

    problem = make_problem("quadratic", {"kappa": 100, "angle": 30})  # the default race: sgd shares nesterov's path
    runs = {RunKey(method, "numpy"): run_optimizer(problem, method, 0.01, 0.0 if method == "sgd" else 0.9, (-4.0, 3.0), 400)
            for method in ("sgd", "momentum", "nesterov")}
    data = scrubber_data(runs, 400, {"x": [-5, 5], "y": [-5, 5]})
    order = [item["label"] for item in data["runs"]]
    assert order == ["nesterov · numpy", "momentum · numpy", "sgd · numpy"]  # lowest final loss at the bottom
    widths = [item["width"] for item in data["runs"]]
    assert widths == sorted(widths, reverse=True) and data["runs"][0]["halo"] == 0 < data["runs"][-1]["halo"]


@pytest.mark.parametrize(("method", "momentum", "named"), [
    ("momentum", 0.9, ", μ = 0.9)"), ("adam", 0.8, ", β₁ = 0.8)"), ("rmsprop", 0.5, ", RMSProp momentum = 0.5)"),
    ("adagrad", 0.0, "η = 0.01)"), ("sgd", 0.0, "η = 0.01)"),
])
def test_a_slide_media_caption_names_each_methods_momentum_parameter(method, momentum, named):
    from momentumlab.report.slide_media import _caption

    run = {"optimizer_label": "x", "method": method, "lr": 0.01, "momentum": momentum, "backend": "numpy", "steps": 10}
    caption = _caption({"label": "E", "start": [0, 0], "steps": 10}, run)
    assert named in caption and (method in ("momentum", "rmsprop", "adam") or "= 0)" not in caption)


def test_race_caption_claims_dashed_twins_only_when_drawn(tmp_path: Path) -> None:
    """Races draw the reference backend only by default: the caption must not describe dashed TensorFlow lines."""
    context, page = synthetic(tmp_path / "numpy")
    assert not context["experiments"][0]["twins_drawn"]
    assert "TensorFlow runs are dashed" not in page
    twins = [run("sgd", "numpy"), run("sgd", "tensorflow")]
    agreement = {"agreement": [{"experiment": "bowl", "optimizer": "sgd", "max_abs_diff": 1e-15}]}
    context, page = synthetic(tmp_path / "twins", agreement, runs=twins)
    assert not context["experiments"][0]["twins_drawn"]  # the default config draws no twins
    assert "TensorFlow runs are dashed" not in page and "only the reference backend" in page


def test_a_loss_at_the_floor_compares_at_or_below_the_scrubbers_floor() -> None:
    """Linear regression (f* = 7.907…) ends at rounding: the scrubber printed "f − f* 7.907e-12" beside the table's
    "< 1e-12", because the shipped losses are rounded to 7 digits (up, here) and the floor was not."""
    from momentumlab.floors import LossFloor

    f_star = 7.907361520932311
    trajectory = Trajectory(params=np.zeros((3, 2)), loss=np.array([10.0, 8.0, f_star]), steps=2)
    extent = {"x": [-1.0, 1.0], "y": [-1.0, 1.0], "width": 8, "height": 6}
    data = scrubber_data({RunKey("m", "numpy"): trajectory}, 2, extent, view=LossFloor(f_star))
    assert data["runs"][0]["loss"][-1] <= data["loss_floor"]
