"""Report load benchmark (not a test): ``python benchmarks/report_load.py [reports/index.html]``.

Loads the report from disk in headless Debian chromium (network blocked) ``LOADS`` times and
prints ``heatmaps_drawn_ms: X``, the median time from navigation start until every sweep
explorer heatmap has drawn (the latest ``data-drawn`` stamp, ``performance.now()``), then
``explorer_js_bytes[<experiment>]: N`` for each explorer data file next to the page.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
LOADS = 5
DRAWN = "() => Math.max(...Array.from(document.querySelectorAll('[data-explorer]'), e => Number(e.dataset.drawn)))"


def drawn_times(page_path: Path, loads: int = LOADS) -> list[float]:
    """Milliseconds from navigation start until the last heatmap drew, one per fresh load."""
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            count = page.locator("[data-explorer]").count()
            if count == 0:
                raise SystemExit(f"{page_path} has no sweep explorer")
            page.wait_for_function(f"() => document.querySelectorAll('[data-explorer][data-drawn]').length === {count}")
            times.append(float(page.evaluate(DRAWN)))
            page.close()
        browser.close()
    return times


def main() -> None:
    page_path = Path(sys.argv[1] if len(sys.argv) > 1 else "reports/index.html")
    print(f"heatmaps_drawn_ms: {statistics.median(drawn_times(page_path)):.0f}")
    for script in sorted(page_path.parent.glob("*/explorer.js")):
        print(f"explorer_js_bytes[{script.parent.name}]: {script.stat().st_size}")


if __name__ == "__main__":
    main()
