"""Debian chromium driven by Playwright, offline: shared by the browser tests (not a test module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
CANVAS_SIGNATURE = "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" \
                   " let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0; return h; }"


def open_offline(browser: Any, uri: str, width: int = 1280, height: int = 900) -> tuple[Any, list[str], list[str]]:
    """``uri`` in a new page of ``browser`` with every non-file request aborted:
    (page, console errors, blocked request URLs), both lists filled as the page runs."""
    errors: list[str] = []
    blocked: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": height})
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def guard(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(uri, wait_until="load")
    return page, errors, blocked
