"""The deck as LibreOffice prints it (soffice → PDF → pdftoppm / pdftotext), converted once per session on
the tiny config: each race shows its final still, no text is below 20 pt but the footnotes, no number wraps."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation

from momentumlab.deck import parts

EMU_PER_POINT = 12700
DPI = 144
# PDF export with pictures kept lossless (LibreOffice's default re-encodes them as JPEG at quality 90).
LOSSLESS_PDF = 'pdf:impress_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"}}'
MEDIA = 16  # MSO_SHAPE_TYPE.MEDIA
# The largest colour difference (0…255) left on all but 1 % of a race's picture in the PDF (rendered at DPI,
# cropped to the movie's frame) against compare.png, both averaged down to half of compare.png's pixels
# (``difference``), at the best of a few one-pixel shifts (``registered_difference``). Measured for the final
# still: 26–29 (tiny config), 29–51 (default config); for the race's first frame (step 0: no paths, no
# curves): 243–252 and 159–254.
STILL_TOLERANCE = 80.0
SHIFT = 2  # pixels at DPI: 1 pt

needs_office = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                  reason="LibreOffice and poppler-utils are needed")


@pytest.fixture(scope="session")
def deck_pdf(tiny_workflow, tmp_path_factory):
    """The tiny deck, its PDF (one LibreOffice conversion per session) and a page renderer."""
    folder = tmp_path_factory.mktemp("deck_pdf")
    deck = tiny_workflow / "reports" / "slides.pptx"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", LOSSLESS_PDF,
                    "--outdir", str(folder), str(deck)], check=True, capture_output=True, timeout=300)
    return Presentation(str(deck)), folder / "slides.pdf", tiny_workflow


def page_image(pdf: Path, page: int, folder: Path) -> Image.Image:
    """Page ``page`` (1-based) at ``DPI``: ``DPI / 72`` pixels per point."""
    stem = folder / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile", "-png", str(pdf), str(stem)],
                   check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def difference(picture: Image.Image, still: Image.Image) -> float:
    """The 99th percentile over pixels of the largest channel difference (0…255) of ``picture`` and ``still``,
    both box-averaged to half of ``still``'s pixels (so resampling and a sub-pixel offset barely count, while
    a missing path or curve, a few per cent of the pixels, does)."""
    size = (still.width // 2, still.height // 2)
    a, b = (np.asarray(image.convert("RGB").resize(size, Image.BOX), dtype=float) for image in (picture, still))
    return float(np.percentile(np.abs(a - b).max(axis=2), 99))


def registered_difference(page: Image.Image, box: list[int], still: Image.Image) -> float:
    """The smallest ``difference`` of ``still`` and the page cropped to ``box`` moved by up to ``SHIFT`` pixels
    each way (LibreOffice places a shape to 1/100 mm, the crop box is rounded to pixels)."""
    shifts = range(-SHIFT, SHIFT + 1)
    return min(difference(page.crop([box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy]), still)
               for dx in shifts for dy in shifts)


@needs_office
def test_each_race_slide_in_the_pdf_shows_the_races_final_still(deck_pdf, tmp_path):
    deck, pdf, workdir = deck_pdf
    labels = {}
    for folder in (workdir / "reports").iterdir():
        if (folder / "compare.png").exists():
            labels[folder.name] = folder
    seen = 0
    for number, slide in enumerate(deck.slides, start=1):
        movies = [shape for shape in slide.shapes if shape.shape_type == MEDIA]
        if not movies:
            continue
        (movie,) = movies
        box = [round(v / EMU_PER_POINT * DPI / 72) for v in (movie.left, movie.top, movie.left + movie.width, movie.top + movie.height)]
        page = page_image(pdf, number, tmp_path)
        poster = next(blob for blob in (rel.target_part.blob for rel in slide.part.rels.values() if not rel.is_external)
                      if blob[:8] == b"\x89PNG\r\n\x1a\n")
        folder = next(f for f in labels.values() if (f / "compare.png").read_bytes() == poster)
        with Image.open(folder / "compare.png") as still, Image.open(folder / "compare.gif") as gif:
            gif.seek(0)
            first = gif.convert("RGB")
            assert registered_difference(page, box, still) <= STILL_TOLERANCE, folder.name
            assert registered_difference(page, box, first) > STILL_TOLERANCE, folder.name  # step 0 would be caught
        seen += 1
    assert seen == len(labels) > 0


def _words(pdf: Path, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, yMin, yMax, height, word) of every word pdftotext finds, in points."""
    out = tmp_path / "words.html"
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(out)], check=True)
    words, page = [], 0
    for line in out.read_text(encoding="utf-8").splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            top, bottom = float(match.group(1)), float(match.group(2))
            words.append((page, top, bottom, bottom - top, match.group(3)))
    return words


@needs_office
def test_no_text_in_the_pdf_is_below_20_pt_except_the_footnotes(deck_pdf, tmp_path):
    """A word's box in pdftotext is proportional to its font size (the font's ascent + descent); the ratio is
    read off the slide titles, set in ``TITLE_SIZE``. Every word above ``FOOTNOTE_TOP`` is then at least
    ``BODY_SIZE``; the footnotes below it are smaller, and are seen."""
    deck, pdf, _ = deck_pdf
    footnote_top = parts.FOOTNOTE_TOP / EMU_PER_POINT
    words = _words(pdf, tmp_path)
    titles = [next(w for w in words if w[0] == page)[3] for page in range(2, len(deck.slides) + 1)]
    assert max(titles) - min(titles) < 0.5  # one title size
    per_point = titles[0] / parts.TITLE_SIZE
    small = [w for w in words if w[3] / per_point < parts.BODY_SIZE - 0.5 and w[1] < footnote_top - 1]
    assert not small, small[:10]
    footnotes = [w for w in words if w[1] >= footnote_top - 1]
    assert footnotes and all(abs(w[3] / per_point - parts.FOOTNOTE_SIZE) < 0.5 for w in footnotes)


@needs_office
def test_no_number_in_a_table_wraps_in_the_pdf(deck_pdf, tmp_path):
    """Every table cell holding a digit appears whole on one line of its page's text."""
    deck, pdf, _ = deck_pdf
    checked = 0
    for number, slide in enumerate(deck.slides, start=1):
        cells = [cell.text for shape in slide.shapes if shape.has_table for row in list(shape.table.rows)[1:]
                 for cell in row.cells if re.search(r"\d", cell.text) and len(cell.text) <= parts.SHORT_CELL]
        if not cells:
            continue
        out = tmp_path / f"page-{number}.txt"
        subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), str(out)], check=True)
        lines = [" ".join(line.split()) for line in out.read_text(encoding="utf-8").splitlines()]
        for text in cells:
            assert any(" ".join(text.split()) in line for line in lines), (number, text)
            checked += 1
    assert checked
