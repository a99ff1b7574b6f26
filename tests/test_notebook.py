"""examples/tour.ipynb runs headless on the project's own Python and its HTML export works offline."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from offline_browser import ARGS, CHROMIUM, open_offline

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TOUR = EXAMPLES / "tour.ipynb"
# What each code cell of the tour must show, by the first line of its source.
EXPECTED = {
    "from momentumlab.api": None,
    "lines = race(": "video",
    "banana = race(": "image",
    "quadratic = race(": "video",
    "quadratic.table()": "table",
    "sweep(": "explorer",
    "forms = Config": "image",
    "moons = train(": "video",
    "moons.table()": "table",
}


def kernel_manager(folder: Path):
    """A kernel on this very interpreter (the project's venv), importing this checkout's package."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec = folder / "momentumlab"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Momentum Lab (project venv)", "language": "python",
        "env": {"PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"},
    }))
    return KernelManager(kernel_name="momentumlab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder)]))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The tour executed top to bottom, and its export with the offline template."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    folder = tmp_path_factory.mktemp("tour")
    notebook = nbformat.read(TOUR, as_version=4)
    client = NotebookClient(notebook, km=kernel_manager(folder / "kernels"), timeout=300, store_widget_state=False,
                            resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(EXAMPLES)], template_file="offline.html.j2")
    body, _ = exporter.from_notebook_node(notebook)
    page = folder / "tour.html"
    page.write_text(body, encoding="utf-8")
    return notebook, page


def shown(outputs: list) -> str:
    """Which kind of picture or table the outputs hold."""
    kinds = []
    for output in outputs:
        data = output.get("data", {})
        html = data.get("text/html", "")
        if "<video" in html and "data:video/mp4;base64," in html or "image/gif" in data:
            kinds.append("video")
        if "image/png" in data:
            kinds.append("image")
        if "data-explorer" in html and "window.MOMENTUM_EXPLORER" in html or "data:text/javascript" in html:
            kinds.append("explorer")
        if "<table" in html:
            kinds.append("table")
    return " ".join(kinds)


def test_the_stored_tour_has_no_outputs():
    notebook = nbformat.read(TOUR, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert 12 <= len(notebook.cells) <= 20


def test_every_cell_of_the_tour_shows_its_output(executed):
    notebook, _ = executed
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) == len(EXPECTED)
    for cell, (first, kind) in zip(code, EXPECTED.items()):
        assert cell.source.startswith(first), cell.source
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        if kind:
            assert kind in shown(cell.outputs), (cell.source, [list(o.get("data", {})) for o in cell.outputs])


def test_the_exported_tour_plays_offline(executed):
    from playwright.sync_api import sync_playwright

    _, page_path = executed
    text = page_path.read_text(encoding="utf-8")
    remote = re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(https?:[^"]*)"', text)
    assert remote == []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, errors, blocked = open_offline(browser, page_path.as_uri())
            videos = page.locator("video")
            assert videos.count() == 3
            for index in range(videos.count()):
                page.wait_for_function("v => v.readyState >= 2", arg=videos.nth(index).element_handle(), timeout=15000)
            explorer = page.locator("[data-explorer]").first
            info = explorer.locator("[data-explorer-info]")
            page.wait_for_function("e => e.textContent.includes('(★ the best pair)')", arg=info.element_handle(),
                                   timeout=15000)
            canvas = explorer.locator("[data-explorer-canvas]")
            box = canvas.bounding_box()
            canvas.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
            assert info.text_content().startswith("η = ")
            label = page.locator("[data-cell-label]").first
            assert label.is_visible() and label.text_content().startswith("Sweep cell: η = ")
            explorer.locator("[data-explorer-theory]").click()
            assert info.text_content().startswith("Polyak optimum: η* = ")
            assert errors == [] and blocked == []
        finally:
            browser.close()
