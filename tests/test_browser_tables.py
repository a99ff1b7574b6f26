"""Every table of the report fits the 1280 px page: the widest runs table (five tuned optimizers on a quadratic,
RMSProp with momentum among them) has no column scrolled out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_browser import ARGS, CHROMIUM, open_offline

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# each table's scroll width and its container's width; the runs tables' header cells
OVERFLOW = """() => [...document.querySelectorAll('.table-wrap')].map(wrap => ({
    section: wrap.closest('section') ? wrap.closest('section').id : '', runs: [...wrap.querySelectorAll('thead th')].some(th => th.textContent.includes('Final θ')),
    scroll: wrap.scrollWidth, client: wrap.clientWidth,
    headers: [...wrap.querySelectorAll('thead th')].map(th => th.textContent.trim())}))"""


def overflowing_tables(report: Path) -> list[dict]:
    """The tables of ``report`` at 1280×800 (all of them, the overflowing ones marked by scroll > client)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page, errors, blocked = open_offline(browser, report.as_uri(), width=1280, height=800)
            return page.evaluate(OVERFLOW)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def tables_report(tmp_path_factory: pytest.TempPathFactory, snakemake_in) -> Path:
    """The report of tests/tiny_tables.yaml (a dozen seconds: no sweep panels beyond tuning, gif only)."""
    workdir = tmp_path_factory.mktemp("tiny_tables")
    result = snakemake_in(workdir, "reports/index.html", "--cores", "2", "--configfile", REPO / "tests" / "tiny_tables.yaml")
    if result.returncode != 0:
        pytest.fail(f"the tiny tables workflow failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return workdir / "reports" / "index.html"


@pytest.mark.slow  # a dozen seconds of pipeline: the cheap variant below renders the table template alone
def test_the_widest_runs_table_fits_1280_px(tables_report: Path) -> None:
    html = tables_report.read_text(encoding="utf-8")
    assert "RMSProp momentum = " in html  # the long cell that once pushed the table out of its column
    tables = overflowing_tables(tables_report)
    runs = [table for table in tables if table["runs"]]
    assert runs, "the report has a runs table"
    assert [t for t in tables if t["scroll"] > t["client"]] == []
    # every run used numpy: no Backend column, and the note says why
    assert all(not any(h.startswith("Backend") for h in t["headers"]) for t in runs)
    assert "Every run here used the numpy backend, so the table has no backend column." in html


def _worst_row(method: str, backend: str, index: int) -> dict:
    """A runs-table row as wide as a generated config can make it: long label, every number long, tuned on
    the grid's edge with a schedule, diverged late."""
    return {"optimizer_label": f"a rather long optimizer label number {index}", "method": method, "backend": backend,
            "lr": 0.000123456789, "momentum": 0.987654321, "momentum_key": "momentum", "final_loss": 1.23456789e-7,
            "final_params": [-0.00123456789, -0.000987654321], "optimum": [1.0, 1.0], "distance_to_optimum": 1.2345e-5,
            "settled_at": 123456, "diverged": index % 2 == 1, "diverged_at": 123456, "seconds": 12.3456789,
            "lr_chosen": "the lowest final loss of the sweep", "tuned_at_edge": ["lr", "momentum"],
            "schedule": {"kind": "piecewise"}}


@pytest.mark.parametrize("has_optimum", [True, False])
def test_the_widest_possible_runs_table_fits_1280_px(tmp_path: Path, has_optimum: bool) -> None:
    """The runs table of any config (both backends, RMSProp's long momentum name, every flag) fits the page."""
    from momentumlab.report.environment import make_environment

    environment = make_environment(REPO / "templates")
    runs = [_worst_row(method, backend, i) for i, (method, backend) in enumerate(
        [(m, b) for m in ("rmsprop", "momentum", "adam") for b in ("numpy", "tensorflow")])]
    entry = {"runs": runs, "has_optimum": has_optimum, "tolerance": 1e-3, "problem": "saddle"}
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
            + environment.get_template("_style.css.j2").render()
            + "</style></head><body><main><section id='worst'>"
            + environment.get_template("_runs_table.html.j2").render(e=entry, stability_rule="")
            + "</section></main></body></html>")
    path = tmp_path / "index.html"
    path.write_text(page, encoding="utf-8")
    tables = overflowing_tables(path)
    assert [t["runs"] for t in tables] == [True] and tables[0]["client"] >= 1100  # the 1280 px page's column
    assert tables[0]["scroll"] <= tables[0]["client"], tables[0]
    assert any(h.startswith("Backend") for h in tables[0]["headers"])  # two backends: the column is there
