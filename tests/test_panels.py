"""Finding a still figure's panels in its pixels, so that a phone can stack them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from momentumlab.report.panels import figure_panels, panel_spans


def _figure(path: Path, boxes: list[tuple[int, int]], title: bool = True, width: int = 1000) -> Path:
    """A white figure with grey panels spanning ``boxes`` (x ranges) and a title across all of them."""
    image = Image.new("RGB", (width, 300), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.rectangle([100, 5, 900, 20], fill="black")  # a title wider than any gutter
    for left, right in boxes:
        draw.rectangle([left, 40, right, 290], fill=(90, 90, 90))
    image.save(path)
    return path


def test_panels_split_at_the_wide_gutters_not_at_a_colour_bars_gap(tmp_path: Path) -> None:
    # panel 1 with its colour bar 10 px apart, a 40 px gutter, panel 2, a 40 px gutter, panel 3
    figure = _figure(tmp_path / "three.png", [(10, 300), (310, 330), (370, 640), (680, 990)])
    spans = panel_spans(figure)
    assert [(round(a * 1000), round(b * 1000)) for a, b in spans] == [(0, 350), (350, 660), (660, 1000)]
    facts = figure_panels(figure)
    assert facts["width"] == 1000 and facts["height"] == 300 and 20 <= facts["title"] <= 40


def test_one_panel_or_a_sliver_is_not_split(tmp_path: Path) -> None:
    assert panel_spans(_figure(tmp_path / "one.png", [(10, 990)])) == [(0.0, 1.0)]
    assert panel_spans(_figure(tmp_path / "sliver.png", [(10, 80), (120, 990)])) == [(0.0, 1.0)]  # 10 % is no panel
    assert panel_spans(tmp_path / "missing.png") == [(0.0, 1.0)] and panel_spans(None) == [(0.0, 1.0)]
