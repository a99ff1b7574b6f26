"""What a notebook cell shows: animations as inline video or GIF, stills, tables, progress bars."""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from momentumlab.config import Animation
from momentumlab.records import format_number

# A notebook cell is about 800 px wide; fewer frames than the report keep a call to seconds.
NOTEBOOK_ANIMATION = Animation(width=720, height=405, fps=20, frames=60, hold_seconds=1.0, formats=("mp4",))
ANIMATION_FORMATS = ("mp4", "gif")


def animation_settings(fmt: str, width: int | None, height: int | None, frames: int | None) -> Animation:
    """The notebook's animation settings for one format, with any size or frame count given."""
    if fmt not in ANIMATION_FORMATS:
        raise ValueError(f"unknown animation format {fmt!r}; known: {list(ANIMATION_FORMATS)}")
    base = NOTEBOOK_ANIMATION
    return Animation(width=width or base.width, height=height or base.height, fps=base.fps,
                     frames=frames or base.frames, hold_seconds=base.hold_seconds, formats=(fmt,))


def rendered(render: Callable[[Mapping[str, Path], Path], None], fmt: str | None) -> bytes:
    """The bytes ``render(outputs, poster)`` writes: the animation in ``fmt``, or the poster if None."""
    with tempfile.TemporaryDirectory(prefix="momentumlab-api-") as folder:
        outputs = {} if fmt is None else {fmt: Path(folder) / f"animation.{fmt}"}
        poster = Path(folder) / "frames.png"  # the progress bar is named after it
        render(outputs, poster)
        return (outputs[fmt] if fmt else poster).read_bytes()


def animation_output(data: bytes, fmt: str) -> Any:
    """An inline animation: an HTML5 video (base64 MP4) or a GIF image."""
    from IPython.display import HTML, Image

    if fmt == "gif":
        return Image(data=data, format="gif")
    source = base64.b64encode(data).decode("ascii")
    return HTML(f'<video controls autoplay loop muted playsinline style="max-width:100%" '
                f'src="data:video/mp4;base64,{source}"></video>')


def image_output(data: bytes) -> Any:
    """An inline PNG."""
    from IPython.display import Image

    return Image(data=data, format="png")


def data_uri(data: bytes, mime: str) -> str:
    """``data`` as a ``data:`` URI (what an output cell can load without a file or a network)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


class Table:
    """Rows of plain values shown as an HTML table in a notebook (numbers as the report prints them)."""

    def __init__(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
        self.rows = [dict(row) for row in rows]
        self.columns = list(columns)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(column)}</th>" for column in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in self.columns) + "</tr>"
                       for row in self.rows)
        return f'<table class="momentumlab-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        lines = [" | ".join(self.columns)]
        lines += [" | ".join(_cell(row.get(c)) for c in self.columns) for row in self.rows]
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(format_number(v) for v in value) + ")"
    return value if isinstance(value, str) else format_number(value)


def progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    """``items`` with a progress bar (a widget in a notebook, text elsewhere)."""
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc=description, leave=False)
