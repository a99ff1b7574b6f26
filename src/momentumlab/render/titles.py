"""Side-by-side panels whose text never overlaps a neighbour's nor leaves the figure.

Titles are wrapped at words to the room each panel has (its width and half the gap to each neighbour or
the edge), the font shrunk only when a single word is wider than that, and the plot area's top lowered
under the tallest title and the figure's title; the gap between panels is widened to hold the y tick
labels of the one and the last x tick label of the other.
"""

from __future__ import annotations

from typing import Any, Sequence

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

EDGE = 4.0  # pixels kept clear between two titles
MARGIN = 12.0  # pixels kept clear between a title and the figure's left or right edge
SMALLEST = 0.7  # the font is never shrunk below this share of its size


def title_room(figure: Figure, axes: Sequence[Axes]) -> list[float]:
    """The width in pixels each panel's centred title may take: its axes' width plus, on each side, the
    smaller of half the gap to the neighbouring axes less ``EDGE`` (or the margin to the figure's edge less
    ``MARGIN``)."""
    boxes = [ax.get_position().transformed(figure.transFigure) for ax in axes]
    width = figure.bbox.width
    room = []
    for i, box in enumerate(boxes):
        left = (box.x0 - boxes[i - 1].x1) / 2.0 - EDGE if i > 0 else box.x0 - MARGIN
        right = (boxes[i + 1].x0 - box.x1) / 2.0 - EDGE if i + 1 < len(boxes) else width - box.x1 - MARGIN
        room.append(box.width + 2.0 * max(0.0, min(left, right)))
    return room


def _width(text: str, font: FontProperties, renderer: Any) -> float:
    """The widest line of ``text`` in pixels."""
    return max(renderer.get_text_width_height_descent(line, font, ismath=False)[0] for line in text.split("\n"))


def _pieces(word: str, room: float, font: FontProperties, renderer: Any) -> list[str]:
    """``word`` cut into the fewest leading pieces each at most ``room`` pixels wide (one character at least)."""
    pieces, piece = [], ""
    for character in word:
        if piece and _width(piece + character, font, renderer) > room:
            pieces.append(piece)
            piece = ""
        piece += character
    return pieces + [piece]


def wrap_to_width(text: str, room: float, font: FontProperties, renderer: Any, break_words: bool = False) -> str:
    """``text`` with each of its lines broken at spaces so that no line is wider than ``room`` pixels where
    words allow; a word wider than ``room`` stays whole on its own line, or with ``break_words`` is cut."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        words = paragraph.split(" ")
        if break_words:
            words = [piece for word in words for piece in _pieces(word, room, font, renderer)]
        for word in words:
            trial = f"{line} {word}" if line else word
            if line and _width(trial, font, renderer) > room:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def fit_titles(figure: Figure, axes: Sequence[Axes], titles: Sequence[str], suptitle: Any = None,
               fontsize: Any = "medium") -> None:
    """Set each axes' title wrapped to its room (:func:`title_room`), shrinking the font (to ``SMALLEST`` at
    most) only if a word alone is too wide, and cutting such a word as the last resort, then lower the axes' top so that the tallest title sits under
    ``suptitle`` (a figure text, or the figure's top edge without one). Call after the axes' final widths."""
    renderer = figure.canvas.get_renderer()
    base = FontProperties(size=fontsize, weight=rcParams["axes.titleweight"])
    for ax, title, room in zip(axes, titles, title_room(figure, axes)):
        font = base.copy()
        text = wrap_to_width(title, room, font, renderer)
        while _width(text, font, renderer) > room and font.get_size_in_points() > base.get_size_in_points() * SMALLEST:
            font.set_size(font.get_size_in_points() * 0.95)
            text = wrap_to_width(title, room, font, renderer)
        if _width(text, font, renderer) > room:  # a word too wide even in the smallest font: cut it
            text = wrap_to_width(title, room, font, renderer, break_words=True)
        ax.set_title(text, fontsize=font.get_size_in_points())
    height = figure.bbox.height
    ceiling = height - EDGE if suptitle is None else suptitle.get_window_extent(renderer).y0 - EDGE
    tallest = max((ax.title.get_window_extent(renderer).height for ax in axes), default=0.0)
    if not axes:
        return
    pad = float(rcParams["axes.titlepad"]) * figure.dpi / 72.0 + EDGE  # axes' top to its title's bottom
    top = (ceiling - tallest - pad) / height
    figure.subplots_adjust(top=min(top, max(ax.get_position().y1 for ax in axes)))


def space_panels(figure: Figure, axes: Sequence[Axes]) -> None:
    """Widen the gap between side-by-side ``axes`` (one row, left to right) to the widest y tick label of a
    right-hand panel plus half the widest x tick label, and ``EDGE`` on either side, if it is narrower."""
    if len(axes) < 2:
        return
    figure.draw_without_rendering()  # places the ticks
    renderer = figure.canvas.get_renderer()

    def widest(labels: Any) -> float:
        return max((label.get_window_extent(renderer).width for label in labels if label.get_visible() and label.get_text()),
                   default=0.0)

    needed = (max(widest(ax.get_yticklabels()) for ax in axes[1:]) + max(widest(ax.get_xticklabels()) for ax in axes) / 2.0
              + float(rcParams["ytick.major.size"] + rcParams["ytick.major.pad"]) * figure.dpi / 72.0 + 2.0 * EDGE)
    boxes = [ax.get_position().transformed(figure.transFigure) for ax in axes]
    span, count = boxes[-1].x1 - boxes[0].x0, len(axes)
    if boxes[1].x0 - boxes[0].x1 < needed:
        width = (span - (count - 1) * needed) / count
        figure.subplots_adjust(wspace=needed / width)
