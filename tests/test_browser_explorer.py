"""The sweep explorer in a real browser (offline): click, pin, keyboard, URL hash, phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from momentumlab.cell_yaml import fill
from momentumlab.palette import THEORY_COLOR
from offline_browser import ARGS, CANVAS_SIGNATURE, CHROMIUM, open_offline

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

# η and μ of cell k as the page prints them (its own number format).
PAIR = ("([name, k]) => { const d = window.MOMENTUM_EXPLORER[name], P = d.lr.length;"
        " return ['η = ' + formatNumber(d.lr[k % P]), 'μ = ' + formatNumber(d.momentum[Math.floor(k / P)])]; }")


@pytest.fixture(scope="module")
def browser(tiny_workflow: Path):
    """A headless chromium; ``open(width, hash)`` gives (page, errors, blocked) with the network blocked."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        uri = (tiny_workflow / "reports" / "index.html").as_uri()

        def open_page(width: int = 1280, fragment: str = "", height: int = 900):
            return open_offline(chromium, uri + fragment, width, height)

        yield open_page
        chromium.close()


def _grid(page, name: str) -> dict:
    return page.evaluate("n => { const d = window.MOMENTUM_EXPLORER[n];"
                         " return {P: d.lr.length, Q: d.momentum.length, kept: Object.keys(d.paths).map(Number),"
                         " diverged: d.diverged_at.map(v => v !== null)}; }", name)


def _click_cell(page, explorer, grid: dict, k: int, **options) -> None:
    canvas = explorer.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    p, q = k % grid["P"], k // grid["P"]
    canvas.click(position={"x": (p + 0.5) / grid["P"] * box["width"],
                           "y": (grid["Q"] - 1 - q + 0.5) / grid["Q"] * box["height"]}, **options)


def _stable_cells(grid: dict) -> list[int]:
    return [k for k in grid["kept"] if not grid["diverged"][k]]


def _scrubber(page, name: str):
    return page.locator(f'[data-scrubber][data-experiment="{name}"]')


def test_clicking_a_cell_plays_it_in_the_scrubber_and_the_hash_restores_it(browser) -> None:
    page, errors, blocked = browser()
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    grid = _grid(page, name)
    scrubber = _scrubber(page, name)
    signature = scrubber.locator("canvas").evaluate(CANVAS_SIGNATURE)
    info = explorer.locator("[data-explorer-info]")
    text = info.text_content()
    assert "(★ the best pair)" in text and text.count("best pair") == 1  # the best cell is marked, and named once
    steps = page.evaluate("n => [window.MOMENTUM_EXPLORER[n].steps, window.MOMENTUM_EXPLORER[n].experiment_steps]", name)
    assert f"the sweep ran {steps[0]} steps; the experiment runs {steps[1]}" in text if steps[0] != steps[1] else "as the experiment" in text
    k = _stable_cells(grid)[1]
    eta, mu = page.evaluate(PAIR, [name, k])
    canvas = explorer.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + (k % grid["P"] + 0.5) / grid["P"] * box["width"],
                    box["y"] + (grid["Q"] - 1 - k // grid["P"] + 0.5) / grid["Q"] * box["height"])
    hovered = info.text_content()
    assert eta in hovered and "never" not in hovered and "final loss" in hovered  # hover
    _click_cell(page, explorer, grid, k)
    label = scrubber.locator("[data-cell-label]")
    assert eta in label.text_content() and mu in label.text_content()
    page.wait_for_timeout(300)
    assert scrubber.locator("canvas").evaluate(CANVAS_SIGNATURE) != signature
    fragment = page.evaluate("location.hash")
    assert fragment == f"#explore={name}:{k // grid['P']}.{k % grid['P']}:"
    assert eta in explorer.locator("[data-explorer-info]").text_content()
    explorer.locator("[data-explorer-use]").click()
    lines = explorer.locator("[data-explorer-yaml]").text_content()
    assert "{method: momentum, lr: " in lines and ", momentum: " in lines
    data = page.evaluate("n => window.MOMENTUM_EXPLORER[n]", name)  # the same cell's config written by Python
    python = fill(data["yaml"], data["lr"][k % grid["P"]], data["momentum"][k // grid["P"]])
    assert yaml.safe_load(lines) == yaml.safe_load(python)
    page.reload(wait_until="load")
    assert page.evaluate("location.hash") == fragment
    restored = _scrubber(page, name).locator("[data-cell-label]")
    assert restored.is_visible() and eta in restored.text_content() and mu in restored.text_content()
    assert errors == [] and blocked == []
    page.close()


def test_two_pinned_cells_race(browser) -> None:
    page, errors, _ = browser()
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    grid = _grid(page, name)
    canvas = _scrubber(page, name).locator("canvas")
    signature = canvas.evaluate(CANVAS_SIGNATURE)
    first, second = _stable_cells(grid)[:2]
    _click_cell(page, explorer, grid, first, modifiers=["Shift"])
    _click_cell(page, explorer, grid, second, modifiers=["Shift"])
    page.wait_for_timeout(300)
    swept = _scrubber(page, name).locator("[data-readout] li", has_text="sweep η")
    assert swept.count() == 2
    assert canvas.evaluate(CANVAS_SIGNATURE) != signature
    assert page.evaluate("location.hash").endswith(f":{first // grid['P']}.{first % grid['P']},"
                                                    f"{second // grid['P']}.{second % grid['P']}")
    assert errors == []
    page.close()


def test_arrow_keys_and_enter_play_a_neighbour(browser) -> None:
    page, errors, _ = browser()
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    grid = _grid(page, name)
    start = page.evaluate("n => { const d = window.MOMENTUM_EXPLORER[n]; return d.best[0] * d.lr.length + d.best[1]; }", name)
    explorer.locator("canvas").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    p, q = max(start % grid["P"] - 1, 0), max(start // grid["P"] - 1, 0)
    eta, mu = page.evaluate(PAIR, [name, q * grid["P"] + p])
    label = _scrubber(page, name).locator("[data-cell-label]").text_content()
    assert eta in label and mu in label
    assert page.evaluate("location.hash") == f"#explore={name}:{q}.{p}:"
    assert errors == []
    page.close()


def test_a_click_works_on_a_phone(browser, tiny_workflow: Path) -> None:
    page, errors, _ = browser(390)
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    grid = _grid(page, name)
    box = explorer.locator("canvas").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    k = _stable_cells(grid)[0]
    _click_cell(page, explorer, grid, k)
    eta, mu = page.evaluate(PAIR, [name, k])
    label = _scrubber(page, name).locator("[data-cell-label]").text_content()
    assert eta in label and mu in label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the colour bar's labels are absolutely placed: their column must reserve the widest ("≤ 1.01e-11" spilled 20 px)
    assert explorer.locator("[data-explorer-barticks]").evaluate(
        "t => Array.from(t.children).every(s => s.getBoundingClientRect().right <= t.getBoundingClientRect().right + 1)")
    explorer.screenshot(path=str(tiny_workflow / "explorer-390.png"))
    assert errors == []
    page.close()


def test_the_single_file_copy_carries_the_explorer_data(browser, tiny_workflow: Path, tmp_path: Path) -> None:
    from momentumlab.files import write_text
    from momentumlab.report import inline_assets

    reports = tiny_workflow / "reports"
    single = inline_assets((reports / "index.html").read_text(encoding="utf-8"), reports)
    assert 'src="data:text/javascript;base64,' in single and 'explorer.js">' not in single
    write_text(tmp_path / "single.html", single)
    page, errors, blocked = browser()
    page.goto((tmp_path / "single.html").as_uri(), wait_until="load")
    names = page.evaluate("Object.keys(window.MOMENTUM_EXPLORER || {}).sort()")
    assert names == sorted(page.locator("[data-explorer]").evaluate_all("els => els.map(e => e.dataset.explorer)"))
    assert page.locator("[data-explorer][data-drawn]").count() == len(names) > 0
    assert errors == [] and blocked == []
    page.close()


def test_a_cell_without_a_kept_path_says_so(browser, tiny_workflow: Path) -> None:
    """Above the cap only every k-th cell keeps a path: here the data file is thinned to k = 2."""
    import json

    page, errors, _ = browser()
    name = page.locator("[data-explorer]").first.get_attribute("data-explorer")
    script = (tiny_workflow / "reports" / name / "explorer.js").read_text(encoding="utf-8")
    head, _, body = script.partition(f'window.MOMENTUM_EXPLORER["{name}"] = ')
    data = json.loads(body.rstrip().rstrip(";"))
    data["paths"] = {k: v for k, v in data["paths"].items() if int(k) % 2 == 0}
    data["stride"] = 2
    thinned = f'{head}window.MOMENTUM_EXPLORER["{name}"] = {json.dumps(data)};\n'
    page.route(f"**/{name}/explorer.js", lambda route: route.fulfill(body=thinned, content_type="text/javascript"))
    page.reload(wait_until="load")
    explorer = page.locator(f'[data-explorer="{name}"]')
    grid = _grid(page, name)
    k = next(k for k in range(grid["P"] * grid["Q"]) if k % 2 == 1 and not grid["diverged"][k])
    _click_cell(page, explorer, grid, k)
    assert "path not kept" in explorer.locator("[data-explorer-info]").text_content()
    assert "(path not kept)" in _scrubber(page, name).locator("[data-cell-label]").text_content()
    assert errors == []
    page.close()


def test_after_a_click_the_heatmap_and_the_animation_it_drives_are_both_in_view(browser, tiny_workflow: Path) -> None:
    page, errors, _ = browser(1280, height=800)
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    grid = _grid(page, name)
    _click_cell(page, explorer, grid, _stable_cells(grid)[0])
    page.wait_for_timeout(200)
    inside = ("el => { const r = el.getBoundingClientRect();"
              " return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }")
    assert explorer.locator("canvas").evaluate(inside)
    assert _scrubber(page, name).locator(".stage").evaluate(inside)
    page.screenshot(path=str(tiny_workflow / "explorer-1280.png"))
    assert errors == []
    page.close()


def _numpy_final(problem, entry: dict, start, steps: int, point: dict | None = None):
    """The numpy backend's run of a live entry of the page's data (at the dragged ``point`` if given)."""
    from momentumlab.backends.numpy_backend import run
    from momentumlab.optim import MOMENTUM_KEY
    from momentumlab.schedules import Schedule

    lr, momentum = (point["lr"], point["momentum"]) if point else (entry["lr"], entry["momentum"])
    schedule = {k: v for k, v in entry["schedule"].items() if k != "factor"}
    return run(problem, entry["method"], lr, momentum if MOMENTUM_KEY[entry["method"]] else None, start, steps,
               schedule=Schedule.from_mapping(schedule), options=entry["options"])


def _close(final, reference) -> None:
    assert reference.diverged_at is None
    expected = reference.params[-1]
    assert max(abs(a - b) for a, b in zip(final, expected)) <= 1e-12 * max(1.0, max(abs(v) for v in expected))


def test_live_mode_drags_the_start_and_a_sweep_point_and_matches_numpy(browser, tiny_workflow: Path) -> None:
    from momentumlab.config import load_config
    from momentumlab.layout import dataset
    from momentumlab.runner import problem_for

    config = load_config(Path(__file__).with_name("tiny.yaml"))
    page, errors, blocked = browser(1280, height=800)
    explorer = page.locator("[data-explorer]").first
    name = explorer.get_attribute("data-explorer")
    experiment = next(e for e in config.experiments if e.name == name)
    problem = problem_for(experiment, tiny_workflow / dataset(name))
    scrubber = _scrubber(page, name)
    scrubber.locator("[data-live]").click()
    assert scrubber.locator("[data-live-info]").is_visible()
    live = scrubber.evaluate("s => s.momentumScrubber.live")
    # drag the start point (the hollow circle) a third of the way towards the canvas centre
    canvas = scrubber.locator(".stage canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    extent = scrubber.evaluate("s => JSON.parse(s.querySelector('[data-scrubber-data]').textContent).extent")
    to_screen = lambda x, y: (box["x"] + (x - extent["x"][0]) / (extent["x"][1] - extent["x"][0]) * box["width"],  # noqa: E731
                              box["y"] + (extent["y"][1] - y) / (extent["y"][1] - extent["y"][0]) * box["height"])
    sx, sy = to_screen(*live["start"])
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + (box["x"] + box["width"] / 2 - sx) / 3, sy + (box["y"] + box["height"] / 2 - sy) / 3, steps=5)
    page.mouse.up()
    page.wait_for_timeout(100)
    start = scrubber.evaluate("s => s.momentumScrubber.start()")
    assert start != live["start"]
    results = scrubber.evaluate("s => { const r = s.momentumScrubber.liveResults(); const o = {};"
                                " for (const k in r) o[k] = r[k].final; return o; }")
    assert set(results) == {entry["optimizer"] for entry in live["runs"]}
    for entry in live["runs"]:
        _close(results[entry["optimizer"]], _numpy_final(problem, entry, start, live["steps"], None))
    # drag on the heatmap: the sweep's method at a point between cells, from the dragged start
    heat = explorer.locator("canvas")
    hbox = heat.bounding_box()
    page.mouse.move(hbox["x"] + hbox["width"] * 0.3, hbox["y"] + hbox["height"] * 0.55)
    page.mouse.down()
    page.mouse.move(hbox["x"] + hbox["width"] * 0.37, hbox["y"] + hbox["height"] * 0.6, steps=4)
    page.mouse.up()
    page.wait_for_timeout(100)
    result = explorer.evaluate("e => e.momentumExplorer.liveResult()")
    point = result["point"]
    assert point["lr"] not in page.evaluate("n => window.MOMENTUM_EXPLORER[n].lr", name)  # off the grid
    _close(result["final"], _numpy_final(problem, live["sweep"], start, live["steps"], point))
    assert "Live run at η = " in scrubber.locator("[data-cell-label]").text_content()
    assert errors == [] and blocked == []
    page.close()


def test_the_colour_bar_has_a_few_labels_that_do_not_overlap(browser) -> None:
    page, errors, _ = browser(1280, height=800)
    for explorer in page.locator("[data-explorer]").all():
        name = explorer.get_attribute("data-explorer")
        scale = page.evaluate("n => window.MOMENTUM_EXPLORER[n].colour", name)
        spans = explorer.locator("[data-explorer-barticks] span")
        texts = spans.all_text_contents()
        boxes = sorted((span.bounding_box() for span in spans.all()), key=lambda box: box["y"])
        height = explorer.locator("canvas").bounding_box()["height"]
        assert 2 <= len(texts) <= max(2, min(6, height // 30)), (name, texts)
        assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(boxes, boxes[1:])), (name, texts)
        if scale["clipped"]:
            assert texts[-1] == scale["bottom"] and texts[-1].startswith("≤")  # the bottom: everything at or below it
    assert errors == []
    page.close()


# Pixels of colour rgb within r of (x, y) on the explorer canvas (canvas pixels), as offsets from (x, y).
_PIXELS = ("([name, x, y, r, rgb]) => { const c = document.querySelector(`[data-explorer='${name}'] canvas`),"
           " d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];"
           " x = Math.round(x); y = Math.round(y);"
           " for (let j = Math.max(0, y - r); j < Math.min(c.height, y + r); j++)"
           "  for (let i = Math.max(0, x - r); i < Math.min(c.width, x + r); i++) {"
           "   const k = 4 * (j * c.width + i);"
           "   if ((i - x) ** 2 + (j - y) ** 2 <= r * r && Math.abs(d[k] - rgb[0]) + Math.abs(d[k + 1] - rgb[1]) + Math.abs(d[k + 2] - rgb[2]) < 40)"
           "    out.push((i - x) + ',' + (j - y)); }"
           " return out; }")


def test_polyaks_mark_and_the_best_star_stay_legible_when_they_are_neighbours(browser) -> None:
    page, errors, _ = browser(1280, height=800)
    name = next(e.get_attribute("data-explorer") for e in page.locator("[data-explorer]").all()
                if page.evaluate("n => { const d = window.MOMENTUM_EXPLORER[n]; return !!(d.best && d.key); }",
                                 e.get_attribute("data-explorer")))
    d = page.evaluate("n => { const d = window.MOMENTUM_EXPLORER[n], c = document.querySelector(`[data-explorer='${n}'] canvas`);"
                      " return {P: d.lr.length, Q: d.momentum.length, best: d.best, lr: d.lr, mu: d.momentum, w: c.width, h: c.height}; }",
                      name)
    theory_rgb = [int(THEORY_COLOR[i:i + 2], 16) for i in (1, 3, 5)]  # report.context: the theory colour
    q, p = d["best"]
    cell_w, cell_h = d["w"] / d["P"], d["h"] / d["Q"]
    star = ((p + 0.5) * cell_w, (d["Q"] - 1 - q + 0.5) * cell_h + 1)
    size = max(min(cell_w, cell_h), 18)
    side = 1 if p + 1 < d["P"] else -1
    far = (0 if p > d["P"] // 2 else d["P"] - 1, 0 if q > d["Q"] // 2 else d["Q"] - 1)  # the opposite corner

    def marks(theory_p: float, theory_q: int) -> tuple[set, set]:
        """The star's white pixels and the Polyak mark's pixels with Polyak's pair at cell (theory_p, theory_q)."""
        lr = d["lr"][0] * (d["lr"][-1] / d["lr"][0]) ** (theory_p / (d["P"] - 1))  # a log-spaced axis, between cells too
        page.evaluate("([n, lr, mu]) => { window.MOMENTUM_EXPLORER[n].theory = {label: 'Polyak optimum', lr: lr, momentum: mu,"
                      " steps: 0, path_steps: [], path: [], note: ''}; window.dispatchEvent(new Event('resize')); }",
                      [name, lr, d["mu"][theory_q]])
        x, y = (theory_p + 0.5) * cell_w, (d["Q"] - 1 - theory_q + 0.5) * cell_h
        return (set(page.evaluate(_PIXELS, [name, star[0], star[1], round(0.5 * size), [255, 255, 255]])),
                set(page.evaluate(_PIXELS, [name, x, y, round(0.9 * size), theory_rgb])))

    star_alone, theory_alone = marks(*far)
    assert len(star_alone) > 0.5 * size and len(theory_alone) > 0.5 * size
    for offset in (0.5, 0.9):  # Polyak's pair this many mark sizes beside the best cell's centre: a neighbour on a fine grid
        star_shown, theory_shown = marks(p + side * offset * size / cell_w, q)
        assert len(star_alone & star_shown) >= 0.9 * len(star_alone), offset  # the star is on top, whole
        assert len(theory_alone & theory_shown) >= 0.6 * len(theory_alone), offset  # most of Polyak's mark shows
    assert errors == []
    page.close()


def test_the_legend_samples_each_region_curve_in_its_colour_and_dashes(browser) -> None:
    """A white curve ("at the minimum") was keyed by a black glyph, and ━ ╍ ┈ looked alike: each curve's key is
    now an SVG line in the curve's own colour and dashes over its halo, as the canvas draws it."""
    from momentumlab.palette import REGION_COLORS, REGION_DASHES, REGION_HALO

    page, errors, _ = browser(1280, height=800)
    samples = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-explorer-legend] svg[data-region-sample]')).map(s => ({"
        " kind: s.getAttribute('data-region-sample'), lines: Array.from(s.querySelectorAll('line')).map(l =>"
        " [l.getAttribute('stroke'), l.getAttribute('stroke-dasharray')]) }))")
    regions = page.evaluate("() => Object.values(window.MOMENTUM_EXPLORER).flatMap(d => (d.regions || []).map(r => [r.kind, r.where]))")
    assert len(samples) == len(regions) > 0
    for sample, (kind, where) in zip(samples, regions):
        dash = " ".join(f"{2 * d:g}" for d in REGION_DASHES[kind]) if REGION_DASHES[kind] else None
        assert sample["kind"] == kind
        assert sample["lines"] == [[REGION_HALO, dash], [REGION_COLORS[where], dash]], sample
    assert len({sample["lines"][1][1] for sample in samples}) == len({kind for kind, _ in regions})  # one dash per kind
    assert errors == []
    page.close()
