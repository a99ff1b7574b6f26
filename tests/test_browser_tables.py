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
