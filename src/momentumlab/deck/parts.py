"""The deck's building blocks, shared by every wing's slides: the 16:9 page, colours, text, tables, races."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from momentumlab import palette

SLIDE_WIDTH = Emu(12192000)  # exactly 16:9 (13.333 × 7.5 in), PowerPoint's widescreen size
SLIDE_HEIGHT = Emu(6858000)
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.35)
CAPTION_TOP = Inches(6.75)


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
    compare_media: Mapping[str, Path]  # experiment name -> reports/<exp>/compare.gif (or .mp4 without GIFs)
    experiment_labels: Mapping[str, str]
    date: _dt.date
    posters: Mapping[str, Path] = field(default_factory=dict)  # experiment name -> compare.png (an MP4's poster)
    model_races: Mapping[str, Path] = field(default_factory=dict)  # model experiment -> its race on the loss plane
    sharpness: Mapping[str, Path] = field(default_factory=dict)  # model experiment -> its sharpness figure


def text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: int, *, bold: bool = False,
             color: RGBColor = INK, align: Any = PP_ALIGN.LEFT) -> Any:
    """A one-paragraph text box on ``slide``."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    return box


def titled_slide(deck: Any, title: str, notes: str) -> Any:
    """A blank slide with ``title`` on one line at the top and ``notes`` as its speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank layout
    size = 34 if len(title) <= 40 else 28 if len(title) <= 48 else 24  # one line, above the content
    text_box(slide, MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.9), title, size, bold=True)
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def caption(slide: Any, text: str) -> None:
    """The muted, centred line under a slide's content."""
    text_box(slide, MARGIN, CAPTION_TOP, SLIDE_WIDTH - 2 * MARGIN, Inches(0.55), text, 18, color=MUTED, align=PP_ALIGN.CENTER)


def style_cell(cell: Any, text: str, size: int, *, bold: bool = False, fill: RGBColor | None = None,
               color: RGBColor = INK) -> None:
    """One table cell's text, size, weight, fill and colour, centred with small margins."""
    cell.text = text
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)


def table(slide: Any, header: Sequence[str], rows: Sequence[Sequence[str]], highlighted: Iterable[int], size: int = 16,
          widths: Sequence[float] | None = None) -> Any:
    """A table across the content area: a blue header row, the ``highlighted`` rows green and bold."""
    height = Inches(0.45) * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, CONTENT_TOP, SLIDE_WIDTH - 2 * MARGIN, height)
    cells = shape.table
    for column, inches in enumerate(widths or ()):
        cells.columns[column].width = Inches(inches)
    marked = set(highlighted)
    for column, name in enumerate(header):
        style_cell(cells.cell(0, column), name, size, bold=True, fill=HEADER, color=WHITE)
    for row_index, row in enumerate(rows, start=1):
        best = row_index - 1 in marked
        for column, text in enumerate(row):
            style_cell(cells.cell(row_index, column), text, size, bold=best, fill=HIGHLIGHT if best else None,
                       color=WHITE if best else INK)
    return cells


def add_race_media(slide: Any, media: Path, poster: Path | None) -> None:
    """A race across the content area, 16:9: a GIF as a picture, an MP4 as a movie behind its poster."""
    height = CAPTION_TOP - CONTENT_TOP - Inches(0.1)
    width = Emu(int(height * 16 / 9))
    left = int((SLIDE_WIDTH - width) / 2)
    if media.suffix == ".mp4":
        slide.shapes.add_movie(str(media), left, CONTENT_TOP, width, height,
                               poster_frame_image=str(poster) if poster else None, mime_type="video/mp4")
    else:
        slide.shapes.add_picture(str(media), left, CONTENT_TOP, width, height)
