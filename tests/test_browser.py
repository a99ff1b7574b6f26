"""The report in a real browser: offline, every image and video loads, the scrubber moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from offline_browser import ARGS, CANVAS_SIGNATURE, CHROMIUM, open_offline

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser_page(tiny_workflow: Path):
    """The tiny report loaded from disk, with every non-file request aborted and recorded."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page, errors, blocked = open_offline(browser, (tiny_workflow / "reports" / "index.html").as_uri())
        yield page, blocked, errors
        browser.close()


def test_no_network_request_and_no_console_error(browser_page) -> None:
    page, blocked, errors = browser_page
    page.wait_for_timeout(300)
    assert blocked == []
    assert errors == []


def test_every_image_decodes(browser_page) -> None:
    page = browser_page[0]
    images = page.locator("main img:visible")  # (the lightbox's picture is empty until opened)
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
    slider.evaluate("s => { s.value = 0; s.dispatchEvent(new Event('input', {bubbles: true})); }")
    at_start = step.text_content()
    assert at_start.startswith("step 0 of ")
    play = scrubber.locator("[data-play]")
    play.click()  # from step 0, so only Play can move the slider
    page.wait_for_function("s => Number(s.value) > 0", arg=slider.element_handle(), timeout=5_000)
    assert step.text_content() != at_start and play.get_attribute("aria-pressed") == "true"
    play.click()  # pause: the slider stays where it is
    paused = slider.input_value()
    page.wait_for_timeout(200)
    assert slider.input_value() == paused and play.get_attribute("aria-pressed") == "false"
    page.screenshot(path=str(tiny_workflow / "report-1280.png"), full_page=True)
    assert (tiny_workflow / "report-1280.png").stat().st_size > 10_000


def test_sortable_table_reorders_rows(browser_page) -> None:
    page = browser_page[0]
    table = page.locator("table.sortable").nth(1)
    header = table.locator("thead th button").nth(4)  # final loss
    cells = table.locator("tbody tr td:nth-child(5)")

    def column() -> list[float]:
        return [float(value) for value in cells.evaluate_all("cells => cells.map(c => c.dataset.sort)")]

    header.click()
    assert table.locator("thead th").nth(4).get_attribute("aria-sort") == "ascending"
    ascending = column()
    header.click()
    assert table.locator("thead th").nth(4).get_attribute("aria-sort") == "descending"
    descending = column()
    assert len(set(ascending)) > 1, "the test needs distinct values to see a reordering"
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)


FORMAT_CHECKS = [0, -0.0, 1, 12, 999, 1000, 12345, -1234567, 10**14, 1e15, 1e16, 0.5, 1 / 3, -2 / 3, 0.1 + 0.2,
                 1.0625, 1.1875, 2.675, 12.5, 9999.5, 0.00099996, 0.001, 0.000999, 1e-7, 1.5e-7, 3.14159e-9,
                 123456.7, 5e-324, 1.7976931348623157e308, 25000.5, None, True, False]


def test_the_pages_number_format_is_records_format_number(browser_page) -> None:
    from momentumlab.records import format_number

    rng = np.random.default_rng(13)
    values = FORMAT_CHECKS + [float(v) for v in rng.choice([-1, 1], 300) * 10 ** rng.uniform(-12, 12, 300)]
    shown = browser_page[0].evaluate("values => values.map(v => [2, 3, 4].map(d => formatNumber(v, d)))", values)
    expected = [[format_number(value, digits) for digits in (2, 3, 4)] for value in values]
    assert [(v, s) for v, s, e in zip(values, shown, expected) if s != e] == []
    assert shown[FORMAT_CHECKS.index(1.0625)][2] == "1.063" and shown[FORMAT_CHECKS.index(12.5)][0] == "13"


def test_grouped_numbers_never_break_across_lines(browser_page) -> None:
    """The scrubber's legend broke "at step 5 000" into "5" / "000" on a phone: groups join with no-break spaces."""
    kept = browser_page[0].evaluate("keepNumbers('f − f* 0.007 at step 5 000 of 12 345 678, 2 runs')")
    assert kept == "f − f* 0.007 at step 5\u00a0000 of 12\u00a0345\u00a0678, 2 runs"


def _page_at(browser_page, width: int, uri: str):
    """Another page of the same browser, ``width`` CSS pixels wide, loaded from ``uri`` offline."""
    page, _, _ = open_offline(browser_page[0].context.browser, uri, width)
    return page


def test_tables_fit_the_content_column_at_1280_px(browser_page, tiny_workflow: Path) -> None:
    page = _page_at(browser_page, 1280, (tiny_workflow / "reports" / "index.html").as_uri())
    try:
        widths = page.evaluate(
            "() => Array.from(document.querySelectorAll('.table-wrap')).map(wrap =>"
            " [wrap.closest('section').id, wrap.querySelector('table').scrollWidth, wrap.clientWidth])"
        )
    finally:
        page.close()
    assert len(widths) >= 4
    assert [row for row in widths if row[1] > row[2]] == [], "tables that need horizontal scrolling"


def test_loss_plots_take_the_full_content_width_on_a_phone(browser_page, tiny_workflow: Path) -> None:
    page = _page_at(browser_page, 390, (tiny_workflow / "reports" / "index.html").as_uri())
    try:
        content, plots = page.evaluate(
            "() => { const main = document.querySelector('main'), style = getComputedStyle(main);"
            " const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);"
            " const plots = Array.from(document.querySelectorAll('#overview .grid img'))"
            "   .map(img => [img.getBoundingClientRect().width, img.naturalWidth]);"
            " return [content, plots]; }"
        )
    finally:
        page.close()
    assert len(plots) == 2
    for shown, natural in plots:
        assert shown >= content - 4, (shown, content)
        assert natural <= 2 * shown  # drawn for a small screen: its text is not shrunk to a third


def test_scrubber_shows_a_zero_loss_as_0(tmp_path: Path, browser_page) -> None:
    from momentumlab.files import write_text

    from report_builders import synthetic  # a report whose runs end at loss exactly 0

    _, page_text = synthetic(tmp_path)
    write_text(tmp_path / "reports" / "index.html", page_text)
    page = _page_at(browser_page, 1280, (tmp_path / "reports" / "index.html").as_uri())
    try:
        readout = page.locator("[data-scrubber] [data-readout]").first.text_content()
    finally:
        page.close()
    assert "loss 0 at step 20" in readout and "e+0" not in readout


SIZES = [(1280, 800), (390, 844)]


@pytest.fixture(params=SIZES, ids=["1280x800", "390x844"])
def sized_page(request, browser_page, tiny_workflow: Path):
    """The tiny report in a page of one of ``SIZES``."""
    width, height = request.param
    page, errors, _ = open_offline(browser_page[0].context.browser, (tiny_workflow / "reports" / "index.html").as_uri(),
                                   width, height)
    yield page, errors
    page.close()


def test_race_videos_have_no_overlay_controls_and_play_from_the_bar_below(sized_page) -> None:
    page, errors = sized_page
    players = page.locator(".player")
    assert players.count() > 0
    for index in range(players.count()):
        player = players.nth(index)
        video, button = player.locator("video"), player.locator("button.play")
        assert video.get_attribute("controls") is None  # native controls would sit over the legend
        player.scroll_into_view_if_needed()
        picture, bar = video.bounding_box(), button.bounding_box()
        assert bar["y"] >= picture["y"] + picture["height"] - 0.5, (picture, bar)
        button.click()
        page.wait_for_function("v => !v.paused", arg=video.element_handle(), timeout=5_000)
        assert button.get_attribute("aria-pressed") == "true"
        button.click()
        page.wait_for_function("v => v.paused", arg=video.element_handle(), timeout=5_000)
        assert button.get_attribute("aria-pressed") == "false"
    assert errors == []


def test_every_thumbnail_enlarges_in_the_lightbox(sized_page) -> None:
    page, errors = sized_page
    loose = page.evaluate("() => Array.from(document.querySelectorAll('main img'))"
                          ".filter(img => !img.closest('a.enlarge') && !img.closest('.stage')).map(img => img.src)")
    assert loose == [], "pictures that cannot be enlarged"
    links = page.locator("a.enlarge:visible")
    assert links.count() > 0
    viewport = page.viewport_size
    for index in sorted({0, links.count() // 2, links.count() - 1}):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        shown = link.locator("img").bounding_box()["width"]
        link.click()
        box = page.locator("#lightbox")
        page.wait_for_function("d => d.open && d.querySelector('img').complete", arg=box.element_handle(), timeout=5_000)
        large = box.locator("img").bounding_box()
        painted = box.locator("img").evaluate(  # object-fit: contain paints the picture inside the element's box
            "i => Math.min(i.clientWidth / i.naturalWidth, i.clientHeight / i.naturalHeight) * i.naturalWidth")
        assert painted > shown or painted >= viewport["width"] * 0.9, (shown, painted)
        assert 0 <= large["x"] and large["x"] + large["width"] <= viewport["width"] + 0.5
        assert 0 <= large["y"] and large["y"] + large["height"] <= viewport["height"] + 0.5
        page.keyboard.press("Escape")
        page.wait_for_function("d => !d.open", arg=box.element_handle(), timeout=5_000)
    assert errors == []


def test_media_for_slides_is_a_gallery_with_download_links(sized_page) -> None:
    page, _ = sized_page
    section = page.locator("#slide-media")
    assert section.locator("table").count() == 0
    cards = section.locator(".card")
    assert cards.count() > 0
    files = section.locator(".card-links a[download]")
    assert files.count() >= cards.count()
    hrefs = files.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(href.endswith((".gif", ".mp4")) for href in hrefs) and len(set(hrefs)) == len(hrefs)


def test_tables_scroll_in_their_own_box_with_the_first_column_fixed(browser_page, tiny_workflow: Path) -> None:
    page, _, _ = open_offline(browser_page[0].context.browser, (tiny_workflow / "reports" / "index.html").as_uri(), 390, 844)
    try:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # the page itself never scrolls sideways
        wide = page.locator(".table-wrap").filter(has=page.locator("table"))
        scrolled = 0
        for index in range(wide.count()):
            wrap = wide.nth(index)
            if wrap.evaluate("w => w.scrollWidth <= w.clientWidth"):
                continue
            wrap.scroll_into_view_if_needed()
            wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
            page.wait_for_timeout(50)
            left = wrap.bounding_box()["x"]
            first = wrap.locator("tbody tr").first.locator("td, th").first.bounding_box()
            last = wrap.locator("tbody tr").first.locator("td, th").last.bounding_box()
            assert abs(first["x"] - left) <= 2, (first, left)  # the key column stays in view
            assert last["x"] + last["width"] <= left + wrap.bounding_box()["width"] + 2  # the far column came in
            scrolled += 1
        assert scrolled > 0, "no table wider than a phone: the test would not see the sticky column"
    finally:
        page.close()


def test_every_table_fits_the_1280_px_page(browser_page) -> None:
    """The tiny report's runs tables (one with a Backend column: numpy and TensorFlow) scroll nowhere at 1280 px."""
    page = browser_page[0]
    page.set_viewport_size({"width": 1280, "height": 800})
    tables = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(w => [
        w.closest('section') ? w.closest('section').id : '', w.scrollWidth, w.clientWidth,
        [...w.querySelectorAll('thead th')].some(th => th.textContent.includes('Final θ'))])""")
    assert any(runs for *_, runs in tables)
    assert [(section, scroll, client) for section, scroll, client, _ in tables if scroll > client] == []
