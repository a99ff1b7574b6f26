"""Model experiments in the pipeline: the data set file, one training job, rows in summary.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from momentumlab.model.data import load_classification

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "tests" / "tiny_models.yaml"


def test_a_model_experiment_runs_through_the_workflow(tmp_path, snakemake_in):
    result = snakemake_in(tmp_path, "--cores", "2", "--configfile", CONFIG)  # the default target: the report
    assert result.returncode == 0, result.stderr[-3000:]
    data = load_classification(tmp_path / "results/moons/dataset.npz")
    assert data.kind == "moons" and data.params["n_points"] == 120 and data.class_names == ("class 0", "class 1")
    summary = json.loads((tmp_path / "reports/summary.json").read_text(encoding="utf-8"))
    assert [row["experiment"] for row in summary["runs"] if "model" not in row] == ["valley"]  # 2-D unchanged
    rows = [row for row in summary["runs"] if row["experiment"] == "moons"]
    assert [(row["optimizer"], row["backend"]) for row in rows] == [
        ("sgd", "numpy"), ("sgd", "tensorflow"), ("momentum", "numpy"), ("momentum", "tensorflow")]
    # one seed (the default): too few to call a winner, so no run is best and no comparison has a winner
    assert rows[0]["seeds"] == 1 and sum(row["best"] for row in rows) == 0
    comparisons = [row for row in summary["model_comparisons"] if row["experiment"] == "moons"]
    assert comparisons and all(row["too_few_seeds"] and row["winner"] is None for row in comparisons)
    for row in rows:
        assert row["dataset"] == "moons" and row["model"] == "mlp" and row["n_weights"] == 42
        assert row["batch_size"] == 16 and 0.5 < row["final_test_accuracy"] <= 1.0
        assert 0.5 < sum(row["explained_variance"]) <= 1.0
        assert row["distance_to_optimum"] is None and row["optimum"] is None  # no optimum is known
        assert row["final_loss"] == row["final_train_loss"] and row["epochs"] == 200 * 16 / 90
    agreement = [row for row in summary["agreement"] if row["experiment"] == "moons"]
    assert len(agreement) == 2 and all(row["max_abs_diff"] <= 1e-10 for row in agreement)
    assert all(row["seconds"] > 0 for row in rows)  # from logs/timings: results/ stays byte-reproducible
    assert "seconds" not in (tmp_path / "results/moons/model_summary.json").read_text(encoding="utf-8")
    assert (tmp_path / "reports/moons/loss_plane.png").stat().st_size > 10_000
    with np.load(tmp_path / "results/moons/model_runs.npz") as saved:
        assert saved["plane/loss"].shape == (51, 51)
        np.testing.assert_array_equal(saved["sgd-numpy/weights"][0], saved["initial_weights"][0])
    facts = json.loads((tmp_path / "reports/moons/media.json").read_text(encoding="utf-8"))
    assert sorted(facts) == ["compare.gif", "momentum-numpy.gif", "sgd-numpy.gif"]  # runs: the reference backend
    assert all(fact["frames"] == 4 and (fact["width"], fact["height"]) == (320, 180) for fact in facts.values())
    page = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert '<section id="moons"' in page and 'src="moons/loss_plane.png"' in page
    assert 'src="moons/compare.gif"' in page and 'src="moons/momentum-numpy.gif"' in page
    assert "MLP with hidden layers 8 (tanh)" in page and "(best)" in page


def test_a_config_of_model_experiments_only_builds_report_and_deck(tmp_path, snakemake_in):
    import yaml

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    del config["experiments"]["valley"]
    config["experiments"]["moons"]["backends"] = ["numpy"]
    config["slides"] = {"enabled": True}
    config["experiments"]["moons"]["sweep"] = {"enabled": True, "lr_points": 3, "momentum_points": 2, "steps": 20}
    config["experiments"]["edge"] = {  # still-only, with the sharpness figure and its slide
        "problem": "mlp", "dataset": {"kind": "moons", "n_points": 60, "noise": 0.2}, "params": {"hidden": [4]},
        "steps": 60, "record_every": 10, "backends": ["numpy"], "sweep": {"enabled": False}, "sharpness": True,
        "animations": False, "optimizers": {"sgd": {"method": "sgd", "lr": 0.5}}}
    (tmp_path / "only.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = snakemake_in(tmp_path, "--cores", "2", "--configfile", tmp_path / "only.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "reports/summary.json").read_text(encoding="utf-8"))
    assert [row["backend"] for row in summary["runs"]] == ["numpy"] * 3 and all("model" in r for r in summary["runs"])
    (edge,) = [row for row in summary["runs"] if row["experiment"] == "edge"]
    assert edge["sharpness"]["threshold"] == 4.0 and len(edge["sharpness"]["values"]) == 7
    assert (tmp_path / "reports/edge/sharpness.png").stat().st_size > 10_000
    assert not (tmp_path / "reports/edge/compare.gif").exists() and not (tmp_path / "reports/edge/sgd-numpy.gif").exists()
    (sweep,) = summary["sweeps"]
    assert sweep["kind"] == "model" and len(sweep["final_train_loss"]) == 2 and len(sweep["final_train_loss"][0]) == 3
    cells = [(row["lr"], row["momentum"]) for row in sweep["tf_spot_check"]]
    assert 2 <= len(cells) == len(set(cells)) <= 3 and sweep["compute_seconds"] > 0
    assert (tmp_path / "reports/moons/sweep.png").stat().st_size > 10_000
    page = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert "2 experiments," in page and 'id="overview"' not in page
    assert 'src="edge/sharpness.png"' in page and 'class="sharpness-measure">sgd: the sharpness starts at' in page
    from pptx import Presentation

    deck = Presentation(str(tmp_path / "reports/slides.pptx"))
    slide = next(s for s in deck.slides if any(getattr(sh, "text", "") == "moons" for sh in s.shapes))
    assert any(shape.shape_type == 13 for shape in slide.shapes)  # the race on the loss plane (a GIF picture)
    assert "Learning rate × momentum" in page and 'src="moons/sweep.png"' in page
    assert "momentum (numpy, 1 seed): lr 0.1" in slide.notes_slide.notes_text_frame.text
    sharp = next(s for s in deck.slides if any(getattr(sh, "text", "").startswith("Sharpness: edge") for sh in s.shapes))
    assert any(shape.shape_type == 13 for shape in sharp.shapes)  # the sharpness figure
    assert "sgd: the sharpness starts at" in sharp.notes_slide.notes_text_frame.text
    _a_click_on_the_model_sweep_draws_that_cells_curves(tmp_path / "reports/index.html")


def _a_click_on_the_model_sweep_draws_that_cells_curves(page_path) -> None:
    """The model sweep's explorer in a browser: a click names the cell's numbers and draws its curves."""
    from offline_browser import ARGS, CHROMIUM, open_offline

    if not CHROMIUM.exists():
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page, errors, blocked = open_offline(browser, page_path.as_uri())
        explorer = page.locator('[data-explorer="moons"]')
        canvas = explorer.locator("canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        canvas.click(position={"x": box["width"] * 5 / 6, "y": box["height"] / 4})  # η's last column, μ's top row
        assert page.locator('[data-curves][data-experiment="moons"]').get_attribute("data-drawn-cells") == "5"
        info = explorer.locator("[data-explorer-info]").text_content()
        assert "test accuracy" in info and "the sweep ran 20 steps; the experiment runs" in info
        figure = page.locator('img[src="edge/sharpness.png"]')  # the still-only experiment's sharpness figure
        figure.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=figure.element_handle(), timeout=10_000)
        assert figure.evaluate("img => img.naturalWidth") > 0
        assert errors == [] and blocked == []
        browser.close()
