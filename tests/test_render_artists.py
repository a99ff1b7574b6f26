"""The moving artists on their own: growing curves and the glyph-outline status text."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.text import Text

from momentumlab.render.artists import HALO_COLOR, GlyphText, GrowingCurve, Look, Trace
from momentumlab.render.style import new_figure

POINTS = np.column_stack([np.arange(5.0) * 10, np.arange(5.0) ** 2])
LINE = Look(color="#0072B2", linewidth=2.0)
HEAD = Look(color="#0072B2", marker="o", markersize=8, markeredgecolor="white")
CROSS = Look(color="#C0392B", marker="X", markersize=12)
CLIP = new_figure(200, 100).bbox


def _shown(artist):
    return np.column_stack(artist.get_data()) if artist.get_visible() else None


def test_a_growing_curve_shows_the_prefix_and_a_head_on_its_last_point():
    curve = GrowingCurve(POINTS, LINE, HEAD, CLIP)
    line, head = curve.update(2)
    assert np.array_equal(_shown(line), POINTS[:3])
    assert np.array_equal(_shown(head), POINTS[2:3])
    for step, index in ((-4, 0), (0, 0), (4, 4), (99, 4)):  # before the start, after the end
        line, head = curve.update(step)
        assert np.array_equal(_shown(line), POINTS[: index + 1]) and np.array_equal(_shown(head), POINTS[index : index + 1])


@pytest.mark.parametrize("diverged", [False, True])
def test_a_diverged_curve_swaps_its_head_for_the_cross_only_at_its_end(diverged):
    curve = GrowingCurve(POINTS, LINE, HEAD, CLIP, diverged=diverged, diverged_head=CROSS)
    _, head, cross = curve.update(3)
    assert head.get_visible() and not cross.get_visible()
    _, head, cross = curve.update(4)
    assert head.get_visible() is not diverged and cross.get_visible() is diverged
    assert cross.get_marker() == "X" and np.array_equal(cross.get_xydata(), POINTS[4:5])


def test_a_haloed_trace_draws_a_wider_white_line_first_in_display_pixels():
    artists = Trace(Look(color="#E69F00", linewidth=1.5, dashes=(2.5, 1.8), halo=0.4), CLIP).show(POINTS)
    halo, line = artists
    assert halo.get_color() == HALO_COLOR and halo.get_linestyle() == "-"
    assert halo.get_linewidth() == pytest.approx(1.5 + 2 * 0.4) and line.get_linewidth() == 1.5
    assert line.get_linestyle() == "--"
    assert all(artist.get_transform().is_affine and artist.get_transform().get_matrix()[0, 0] == 1 for artist in artists)
    assert len(Trace(LINE, CLIP).artists) == 1


def _ink(figure):
    """The bounding box (x0, y0, x1, y1 from the top left) and the count of dark pixels."""
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3].min(axis=-1)
    rows, columns = np.nonzero(pixels < 128)
    return (columns.min(), rows.min(), columns.max(), rows.max()), len(rows)


def _drawn(artist_for, text, ha="right"):
    figure = new_figure(800, 100)
    figure.canvas.draw()
    artist = artist_for(figure, ha)
    artist.set_text(text)
    artist.draw(figure.canvas.get_renderer())
    return figure


def _anchor(ha):
    return 0.95 if ha == "right" else 0.05


def _glyphs(figure, ha):
    return GlyphText(figure, _anchor(ha), 0.8, size=14, ha=ha)


def _matplotlib_text(figure, ha):
    text = Text(_anchor(ha), 0.8, "", transform=figure.transFigure, ha=ha, va="top", fontsize=14,
                family="DejaVu Sans Mono")
    text.set_figure(figure)
    return text


@pytest.mark.parametrize("ha", ["right", "left"])
def test_glyph_text_looks_like_matplotlib_text(ha):
    text = "step   120 / 5,000  loss 0.0123"
    (left, top, right, bottom), ink = _ink(_drawn(_glyphs, text, ha))
    (expected_left, expected_top, expected_right, expected_bottom), expected_ink = _ink(_drawn(_matplotlib_text, text, ha))
    anchored, expected_anchored = (right, expected_right) if ha == "right" else (left, expected_left)
    assert abs(anchored - expected_anchored) <= 2
    assert abs(top - expected_top) <= 2 and abs(bottom - expected_bottom) <= 2
    # matplotlib's hinting rounds each advance to whole pixels; the outlines keep the font's own
    assert right - left == pytest.approx(expected_right - expected_left, rel=0.08)
    assert ink == pytest.approx(expected_ink, rel=0.15)


def test_glyph_text_width_is_the_monospace_advance_and_spaces_only_move_the_ink():
    figure = new_figure(400, 100)
    glyphs = GlyphText(figure, 0.1, 0.8, size=14)
    assert glyphs.width_for(20) == pytest.approx(20 * glyphs.width_for(1))
    glyphs.set_text("0" * 20)
    ink = glyphs.get_path().get_extents(glyphs.get_transform())
    assert glyphs.width_for(19) < ink.width < glyphs.width_for(20)
    assert ink.x0 == pytest.approx(0.1 * 400, abs=2)
    glyphs.set_text("12")
    tight = glyphs.get_path().get_extents(glyphs.get_transform())
    glyphs.set_text("1 2")
    spaced = glyphs.get_path().get_extents(glyphs.get_transform())
    assert spaced.width - tight.width == pytest.approx(glyphs.width_for(1), abs=1.0)
    glyphs.set_text("   ")
    assert len(glyphs.get_path().vertices) == 1  # nothing to fill

