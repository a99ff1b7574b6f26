"""Report load benchmark (not a test): ``python benchmarks/report_load.py [reports/index.html]``.

Loads the report from disk in headless Debian chromium (network blocked) ``LOADS`` times and
prints ``heatmaps_drawn_ms: X``, the median time from navigation start until every sweep
explorer heatmap has drawn (the latest ``data-drawn`` stamp, ``performance.now()``), then
``explorer_js_bytes[<experiment>]: N`` for each explorer data file next to the page, then the live
mode's recompute times: ``live_recompute_ms[<experiment>]``, the median of ``RECOMPUTES`` moves of the
start point (every configured run recomputed for the experiment's steps, as a drag does it) and
``live_point_ms[<experiment>]``, the same for a point dragged on the sweep's heatmap.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
LOADS = 5
RECOMPUTES = 21
# In the page: switch Live on, then time `count` start moves (a small step each) and `count` heatmap points.
LIVE = """([name, count]) => {
  const root = document.querySelector(`[data-scrubber][data-experiment="${name}"]`), api = root.momentumScrubber;
  api.setLive(true);
  const start = api.start(), median = xs => xs.sort((a, b) => a - b)[xs.length >> 1], moves = [], points = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    api.setStart([start[0] * (1 + 1e-3 * (i % 2)), start[1]]);
    moves.push(performance.now() - began);
  }
  const explorer = document.querySelector(`[data-explorer="${name}"]`);
  if (explorer && explorer.momentumExplorer && api.live.sweep) {
    const d = window.MOMENTUM_EXPLORER[name];
    for (let i = 0; i < count; i++) {
      const began = performance.now();
      explorer.momentumExplorer.setLivePoint({lr: d.lr[i % d.lr.length], momentum: d.momentum[i % d.momentum.length]});
      points.push(performance.now() - began);
    }
  }
  return {moves: median(moves), points: points.length ? median(points) : null, steps: api.live.steps};
}"""
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


def live_times(page_path: Path, count: int = RECOMPUTES) -> dict[str, dict]:
    """Per experiment with live data: the median milliseconds of a start move and of a heatmap point."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        names = page.evaluate("Array.from(document.querySelectorAll('[data-scrubber]'))"
                              ".filter(s => s.momentumScrubber && s.momentumScrubber.live).map(s => s.dataset.experiment)")
        times = {name: page.evaluate(LIVE, [name, count]) for name in names}
        browser.close()
    return times


def main() -> None:
    page_path = Path(sys.argv[1] if len(sys.argv) > 1 else "reports/index.html")
    print(f"heatmaps_drawn_ms: {statistics.median(drawn_times(page_path)):.0f}")
    for script in sorted(page_path.parent.glob("*/explorer.js")):
        print(f"explorer_js_bytes[{script.parent.name}]: {script.stat().st_size}")
    for name, times in live_times(page_path).items():
        print(f"live_recompute_ms[{name}]: {times['moves']:.2f}  (every configured run, {times['steps']} steps)")
        if times["points"] is not None:
            print(f"live_point_ms[{name}]: {times['points']:.2f}  (the sweep's method at one (η, μ), {times['steps']} steps)")


if __name__ == "__main__":
    main()
