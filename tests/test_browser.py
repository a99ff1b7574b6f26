"""The report in a real browser: offline, every image and video loads, the scrubber moves."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

CANVAS_SIGNATURE = "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" \
                   " let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0; return h; }"


@pytest.fixture(scope="module")
def browser_page(tiny_workflow: Path):
    """The tiny report loaded from disk, with every non-file request aborted and recorded."""
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto((tiny_workflow / "reports" / "index.html").as_uri(), wait_until="load")
        yield page, blocked, errors
        browser.close()


def test_no_network_request_and_no_console_error(browser_page) -> None:
    page, blocked, errors = browser_page
    page.wait_for_timeout(300)
    assert blocked == []
    assert errors == []


def test_every_image_decodes(browser_page) -> None:
    page = browser_page[0]
    images = page.locator("img")
    assert images.count() > 0
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle(), timeout=10_000)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")


def test_every_video_can_play(browser_page) -> None:
    page = browser_page[0]
    videos = page.locator("video")
    assert videos.count() > 0
    for index in range(videos.count()):
        video = videos.nth(index)
        video.scroll_into_view_if_needed()
        assert video.evaluate("v => v.canPlayType('video/mp4')") != ""
        played = video.evaluate(
            "v => v.play().then(() => { const ok = v.readyState >= 2; v.pause(); return ok; })"
        )
        assert played, video.locator("source").get_attribute("src")


def test_scrubber_moves_the_markers(browser_page, tiny_workflow: Path) -> None:
    page = browser_page[0]
    scrubber = page.locator("[data-scrubber]").first
    scrubber.scroll_into_view_if_needed()
    canvas, slider, step = scrubber.locator("canvas"), scrubber.locator("[data-slider]"), scrubber.locator("[data-step]")
    assert scrubber.locator("[data-controls]").is_visible()
    before_pixels, before_step = canvas.evaluate(CANVAS_SIGNATURE), step.text_content()
    readout_before = scrubber.locator("[data-readout]").text_content()
    middle = int(slider.get_attribute("max")) // 3
    slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input', {bubbles: true})); }", middle)
    assert canvas.evaluate(CANVAS_SIGNATURE) != before_pixels
    assert step.text_content() != before_step and step.text_content().startswith("step ")
    assert scrubber.locator("[data-readout]").text_content() != readout_before
    scrubber.locator("[data-play]").click()
    page.wait_for_timeout(200)
    assert int(slider.input_value()) > 0
    page.screenshot(path=str(tiny_workflow / "report-1280.png"), full_page=True)
    assert (tiny_workflow / "report-1280.png").stat().st_size > 10_000


def test_sortable_table_reorders_rows(browser_page) -> None:
    page = browser_page[0]
    table = page.locator("table.sortable").nth(1)
    header = table.locator("thead th button").nth(4)  # final loss
    header.click()
    first = table.locator("tbody tr").first.locator("td").nth(4).get_attribute("data-sort")
    header.click()
    assert table.locator("thead th").nth(4).get_attribute("aria-sort") == "descending"
    last = table.locator("tbody tr").first.locator("td").nth(4).get_attribute("data-sort")
    assert float(first) <= float(last)
