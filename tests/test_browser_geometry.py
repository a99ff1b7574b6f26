"""True geometry in the browser: the step scrubber draws the quadratic's 30° valley at 30°."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from offline_browser import ARGS, CHROMIUM, open_offline

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _scrubber_page(folder: Path, angle: float) -> Path:
    """A page holding one quadratic's scrubber exactly as the report builds it (contour image, data, script)."""
    from momentumlab.backends.numpy_backend import run
    from momentumlab.landscape import race_window
    from momentumlab.problems import make_problem
    from momentumlab.render import contour_png
    from momentumlab.report.context import script_colors
    from momentumlab.report.environment import make_environment
    from momentumlab.report.scrubber import scrubber_data
    from momentumlab.runs import RunKey

    problem = make_problem("quadratic", {"kappa": 100, "angle": angle})
    trajectory = run(problem, "momentum", 0.01, 0.9, (-4.0, 3.0), 400)
    runs = {RunKey("momentum", "numpy", "heavy ball", "momentum"): trajectory}
    extent = contour_png(problem, folder / "contour.png", 960, 600, race_window(problem, runs.values()))
    entry = {"name": "quadratic", "label": "quadratic", "contour": "contour.png", "has_optimum": True, "steps": 400,
             "scrubber": scrubber_data(runs, 400, extent), "explorer": None, "sweep": None}
    environment = make_environment(TEMPLATES)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
            + environment.get_template("_style.css.j2").render()
            + "</style></head><body><main style='width:960px'>"
            + environment.get_template("_scrubber.html.j2").render(e=entry)
            + "</main><script>" + environment.get_template("_script.js.j2").render(colors=script_colors())
            + "</script></body></html>")
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder / "index.html"


def test_the_scrubber_draws_the_valley_at_its_configured_angle(tmp_path: Path) -> None:
    from valley import valley_angle

    page_path = _scrubber_page(tmp_path, 30.0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page, errors, blocked = open_offline(browser, page_path.as_uri(), width=1280, height=800)
            stage = page.locator("[data-scrubber] .stage").first
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=stage.locator("img").element_handle(), timeout=10_000)
            slider = page.locator("[data-slider]").first
            slider.evaluate("s => { s.value = 0; s.dispatchEvent(new Event('input', {bubbles: true})); }")
            shot = np.asarray(Image.open(io.BytesIO(stage.screenshot())).convert("RGB"))
            assert errors == [] and blocked == []
        finally:
            browser.close()
    box = shot[3:-3, 3:-3]  # inside the stage's border
    Image.fromarray(box).save(tmp_path / "scrubber.png")
    width, height = box.shape[1], box.shape[0]
    assert width / height != pytest.approx(1.0, abs=0.2)  # a wide canvas: square extents would distort it
    assert valley_angle(box) == pytest.approx(30.0, abs=2.0)
