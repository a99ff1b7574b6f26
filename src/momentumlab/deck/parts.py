"""The deck's building blocks, shared by every wing's slides: the 16:9 page, type sizes, colours,
text, tables that never wrap a number, pictures and races.

Type: every slide title is ``TITLE_SIZE``, every line of body text ``BODY_SIZE`` or more; only
shapes named ``FOOTNOTE`` (definitions under a table) are smaller. A table holds at most
``MAX_TABLE_ROWS`` data rows: longer tables are split by ``pages``.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from PIL import Image
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from momentumlab import palette

SLIDE_WIDTH = Emu(12192000)  # exactly 16:9 (13.333 × 7.5 in), PowerPoint's widescreen size
SLIDE_HEIGHT = Emu(6858000)
MARGIN = Inches(0.5)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
CONTENT_TOP = Inches(1.25)
CAPTION_TOP = Inches(6.15)  # two 20 pt lines fit under it
FOOTNOTE_TOP = Inches(6.85)  # two 14 pt lines fit under it

COVER_TITLE_SIZE = 40  # the deck's name on the title slide
TITLE_SIZE = 28  # every other slide's title
BODY_SIZE = 20  # the smallest text a projector shows to the back row
FOOTNOTE_SIZE = 14
FOOTNOTE = "Footnote"  # the shape name of a slide's footnote, the one text allowed below BODY_SIZE
MAX_TABLE_ROWS = 6
NBSP = "\u00a0"

# Text width estimate, in ems per character: DejaVu Sans' widths (the widest common fallback for the
# theme font, and LibreOffice's here), so a cell sized by it holds its text on one line anywhere.
EM_WIDTHS = {**dict.fromkeys("0123456789", 0.64), **dict.fromkeys(" .,:;!|'()[]", 0.34), **dict.fromkeys("ijlft", 0.33),
             **dict.fromkeys("mMwW", 1.0), **dict.fromkeys("abcdeghknopqrsuvxyz", 0.62)}
EM_DEFAULT = 0.74  # capitals, symbols, Greek
BOLD_FACTOR = 1.15
CELL_MARGIN = Inches(0.08)
SHORT_CELL = 14
ROW_HEIGHT = Inches(0.55)
CELL_SLACK = Inches(0.15)  # a renderer's own padding and rounding inside a cell


def rgb_color(hex_color: str) -> RGBColor:
    """A ``#rrggbb`` colour as python-pptx's RGBColor."""
    return RGBColor(*palette.rgb(hex_color))


INK = rgb_color("#1B1F2A")
MUTED = rgb_color("#555B66")
HIGHLIGHT = rgb_color(palette.OKABE_ITO["green"])
HEADER = rgb_color(palette.OKABE_ITO["blue"])
DIVERGED = rgb_color("#BBBBBB")
WHITE = rgb_color("#FFFFFF")


@dataclass(frozen=True)
class DeckInputs:
    """What the deck is made of; all read from files earlier stages wrote."""

    title: str
    author: str
    config_title: str
    summary: Mapping[str, Any]
    compare_media: Mapping[str, Path]  # experiment name -> reports/<exp>/compare.mp4 (a still PNG without MP4s)
    experiment_labels: Mapping[str, str]
    date: _dt.date
    posters: Mapping[str, Path] = field(default_factory=dict)  # experiment name -> compare.png (the race's last frame)
    model_races: Mapping[str, Path] = field(default_factory=dict)  # model experiment -> its race on the loss plane
    sweep_figures: Mapping[str, Path] = field(default_factory=dict)  # swept 2-D experiment -> its sweep.png
    sharpness: Mapping[str, Path] = field(default_factory=dict)  # model experiment -> its sharpness figure


T = TypeVar("T")


def pages(items: Sequence[T], size: int = MAX_TABLE_ROWS) -> list[list[T]]:
    """``items`` split into the fewest pages of at most ``size``, as even as possible (10 → 5 + 5, not 6 + 4)."""
    count = max(1, math.ceil(len(items) / size))
    bounds = [round(i * len(items) / count) for i in range(count + 1)]
    return [list(items[bounds[i]:bounds[i + 1]]) for i in range(count)]


def unbreakable(text: str) -> str:
    """``text`` with the spaces inside numbers ("12 345") and before a unit sign ("≥ 2×") made non-breaking,
    so a line never ends in the middle of a number."""
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", NBSP, text)
    text = re.sub(r"(?<=\S) = (?=[\d−-])", f"{NBSP}={NBSP}", text)
    return re.sub(r"(?<=[≥≤<>]) (?=[\d−-])", NBSP, text)


def text_width(text: str, size: float, bold: bool = False) -> int:
    """An estimate of ``text``'s width on one line at ``size`` points, in EMU (generous: see ``EM_WIDTHS``)."""
    ems = sum(EM_WIDTHS.get(char, EM_DEFAULT) for char in text)
    return int(Pt(size) * ems * (BOLD_FACTOR if bold else 1.0))


def text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: int, *, bold: bool = False,
             color: RGBColor = INK, align: Any = PP_ALIGN.LEFT, name: str | None = None) -> Any:
    """A text box on ``slide``, one paragraph per line of ``text``."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def titled_slide(deck: Any, title: str, notes: str) -> Any:
    """A blank slide with ``title`` (``TITLE_SIZE``) at the top and ``notes`` as its speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank layout
    text_box(slide, MARGIN, Inches(0.3), CONTENT_WIDTH, Inches(0.8), title, TITLE_SIZE, bold=True)
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def first_clause(text: str) -> str:
    """``text`` up to its first "; " outside brackets (a sentence's first clause, closed with a full stop):
    a long verdict on a slide, the whole of it in the notes."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", index):
            return text[:index] + "."
    return text


CAPTION_CHARS = 150  # about two 20 pt lines across the content width


def _clauses(text: str) -> list[str]:
    """``text`` split at every "; " outside brackets, each bracketed aside dropped."""
    clauses, current, depth = [], "", 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", index):
            clauses.append(current)
            current = ""
        elif depth == 0 and char != ")" and not text.startswith("; ", index - 1):
            current += char
    clauses.append(current)
    return [" ".join(clause.split()).replace(" ,", ",").replace(" .", ".").rstrip(".") for clause in clauses]


def leading_clauses(text: str, limit: int = CAPTION_CHARS) -> str:
    """As many of ``text``'s clauses (split at "; " outside brackets, their bracketed numbers dropped: those go
    to the notes) as fit in ``limit`` characters, at least the first: every verdict a caption has room for,
    not only the first, so a slide never shows the winner on one measure and hides the loser on another."""
    clauses = _clauses(text)
    kept = clauses[:1]
    for clause in clauses[1:]:
        if len("; ".join([*kept, clause])) + 1 > limit:
            break
        kept.append(clause)
    return "; ".join(kept) + "."


def caption(slide: Any, text: str) -> None:
    """The muted, centred lines (``BODY_SIZE``) under a slide's content."""
    text_box(slide, MARGIN, CAPTION_TOP, CONTENT_WIDTH, FOOTNOTE_TOP - CAPTION_TOP, unbreakable(text), BODY_SIZE,
             color=MUTED, align=PP_ALIGN.CENTER)


def footnote(slide: Any, text: str) -> None:
    """A definition at the foot of the slide (``FOOTNOTE_SIZE``, the one text allowed below ``BODY_SIZE``)."""
    text_box(slide, MARGIN, FOOTNOTE_TOP, CONTENT_WIDTH, SLIDE_HEIGHT - FOOTNOTE_TOP, text, FOOTNOTE_SIZE,
             color=MUTED, align=PP_ALIGN.CENTER, name=FOOTNOTE)


def style_cell(cell: Any, text: str, size: int, *, bold: bool = False, fill: RGBColor | None = None,
               color: RGBColor = INK) -> None:
    """One table cell's text, size, weight, fill and colour, centred with small margins."""
    cell.text = text
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    cell.margin_left = cell.margin_right = CELL_MARGIN
    cell.margin_top = cell.margin_bottom = Inches(0.03)


LONGEST_WORD = 18  # characters of one word kept on one line in a table cell


def rigid_text(text: str) -> str:
    """The part of a cell that must stay on one line: all of a short cell (≤ ``SHORT_CELL`` characters: numbers,
    "diverged at 17", "β₁ = 0.9"), else its longest word (a name may wrap between words; numbers are kept whole by
    ``unbreakable``). A word of letters longer than ``LONGEST_WORD`` (a label without spaces) may break inside
    itself, so no label the schema admits makes a table wider than its slide; a number never breaks."""
    rigid = text if len(text) <= SHORT_CELL else max(text.split(" "), key=len)
    if len(rigid) > max(SHORT_CELL, LONGEST_WORD) and any(character.isalpha() for character in rigid):
        return rigid[:LONGEST_WORD]
    return rigid


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], size: int, total: int) -> list[int]:
    """Widths (EMU) summing to ``total``: each column at least as wide as its cells' rigid parts on one line
    (``rigid_text``; a header wraps between words), the rest shared in proportion to how much more each column
    needs to hold its cells unwrapped. Raises ValueError when the rigid parts alone do not fit."""
    rigid, full = [], []
    for column, name in enumerate(header):
        words = max(text_width(word, size, bold=True) for word in name.split() or [""])
        rigid.append(max([words, *(text_width(rigid_text(row[column]), size) for row in rows)]) + 2 * CELL_MARGIN + CELL_SLACK)
        full.append(max([words, *(text_width(row[column], size) for row in rows)]) + 2 * CELL_MARGIN + CELL_SLACK)
    spare = total - sum(rigid)
    if spare < 0:
        raise ValueError(f"table columns {list(header)} need {sum(rigid) / 914400:.2f} in, {total / 914400:.2f} in available")
    wanted = [f - r for f, r in zip(full, rigid)]
    share = min(1.0, spare / sum(wanted)) if sum(wanted) else 0.0
    widths = [int(r + w * share) for r, w in zip(rigid, wanted)]
    left = total - sum(widths)
    widths = [w + left // len(widths) for w in widths]
    widths[-1] += total - sum(widths)
    return widths


LINE_HEIGHT = 1.3  # a line of text in a table cell, in font sizes (LibreOffice, DejaVu Sans: measured ~1.25)
CELL_PADDING = Inches(0.1)  # top + bottom margins of a cell, and a renderer's own


def table_height(header: Sequence[str], rows: Sequence[Sequence[str]], size: int = BODY_SIZE) -> int:
    """An estimate of the height (EMU) ``table`` gives ``rows``: each row as tall as its most wrapped cell
    (its generous text width over the cell's room), at least ``ROW_HEIGHT``."""
    rows = [[unbreakable(text) for text in row] for row in rows]
    widths = column_widths(header, rows, size, CONTENT_WIDTH)

    def lines(text: str, width: int, bold: bool) -> int:
        room, needed = max(1, width - 2 * CELL_MARGIN - CELL_SLACK), text_width(text, size, bold)
        return 1 if needed <= room or rigid_text(text) == text else math.ceil(needed / room)

    total = 0
    for row, bold in [(header, True), *((row, False) for row in rows)]:
        tallest = max(lines(text, width, bold) for text, width in zip(row, widths))
        total += max(ROW_HEIGHT, int(Pt(size) * LINE_HEIGHT * tallest + CELL_PADDING))
    return total


def table_pages(header: Sequence[str], items: Sequence[T], row: Callable[[T], Sequence[str]],
                room: int = FOOTNOTE_TOP - CONTENT_TOP, size: int = BODY_SIZE) -> list[list[T]]:
    """``items`` in the fewest even pages (``pages``) whose tables of ``row(item)`` fit in ``room`` (EMU) and hold
    at most ``MAX_TABLE_ROWS`` rows each: long cells wrap, so a page may hold fewer."""
    for size_per_page in range(MAX_TABLE_ROWS, 1, -1):
        chunks = pages(items, size_per_page)
        if all(table_height(header, [row(item) for item in chunk], size) <= room for chunk in chunks):
            return chunks
    return pages(items, 1)


def table(slide: Any, header: Sequence[str], rows: Sequence[Sequence[str]], highlighted: Iterable[int] = (),
          size: int = BODY_SIZE, top: int = CONTENT_TOP) -> Any:
    """A table across the content area: a blue header row, the ``highlighted`` rows green and bold.

    At most ``MAX_TABLE_ROWS`` rows (split longer tables with ``pages``); every cell on one line."""
    if len(rows) > MAX_TABLE_ROWS:
        raise ValueError(f"{len(rows)} table rows on one slide; at most {MAX_TABLE_ROWS}")
    rows = [[unbreakable(text) for text in row] for row in rows]
    widths = column_widths(header, rows, size, CONTENT_WIDTH)
    row_height = ROW_HEIGHT
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, top, CONTENT_WIDTH, row_height * (len(rows) + 1))
    cells = shape.table
    for column, width in enumerate(widths):
        cells.columns[column].width = width
    for row in cells.rows:
        row.height = row_height
    marked = set(highlighted)
    for column, name in enumerate(header):
        style_cell(cells.cell(0, column), name, size, bold=True, fill=HEADER, color=WHITE)
    for row_index, row in enumerate(rows, start=1):
        best = row_index - 1 in marked
        for column, text in enumerate(row):
            style_cell(cells.cell(row_index, column), text, size, bold=best, fill=HIGHLIGHT if best else None,
                       color=WHITE if best else INK)
    return cells


def fitted(image_size: tuple[int, int], width: int, height: int) -> tuple[int, int]:
    """The largest (width, height) with ``image_size``'s aspect inside ``width`` × ``height``."""
    scale = min(width / image_size[0], height / image_size[1])
    return int(image_size[0] * scale), int(image_size[1] * scale)


def content_picture(slide: Any, path: Path, bottom: int = CAPTION_TOP) -> Any:
    """A still picture centred in the content area (above ``bottom``), at its own aspect ratio."""
    with Image.open(path) as image:
        width, height = fitted(image.size, CONTENT_WIDTH, bottom - CONTENT_TOP - Inches(0.1))
    return slide.shapes.add_picture(str(path), int((SLIDE_WIDTH - width) / 2), CONTENT_TOP, width, height)


def add_race_media(slide: Any, media: Path, poster: Path | None) -> Any:
    """A race in the content area at its poster's aspect ratio: an MP4 as a movie whose poster frame is
    the race's last frame (so a PDF or a printout shows the result), any other file as a still picture."""
    if media.suffix != ".mp4" or poster is None:
        return content_picture(slide, poster if media.suffix == ".gif" and poster else media)
    with Image.open(poster) as image:
        width, height = fitted(image.size, CONTENT_WIDTH, CAPTION_TOP - CONTENT_TOP - Inches(0.1))
    return slide.shapes.add_movie(str(media), int((SLIDE_WIDTH - width) / 2), CONTENT_TOP, width, height,
                                  poster_frame_image=str(poster), mime_type="video/mp4")
