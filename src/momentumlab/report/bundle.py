"""A single-file copy of the report: every local asset inlined as a ``data:`` URI."""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path

_ATTRIBUTE = re.compile(r'\b(src|href|poster)="([^"]*)"')
_TYPES = {".gif": "image/gif", ".png": "image/png", ".mp4": "video/mp4", ".json": "application/json",
          ".js": "text/javascript"}


def data_uri(path: str | Path) -> str:
    """The file at ``path`` as a base64 ``data:`` URI."""
    path = Path(path)
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def is_local(reference: str) -> bool:
    """Whether an attribute value points at a file next to the report (not a fragment or URL)."""
    return bool(reference) and not reference.startswith("#") and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", reference)


def inline_assets(page: str, base_dir: str | Path) -> str:
    """``page`` with each local src/href/poster replaced by the file's data URI."""
    base_dir = Path(base_dir)

    def replace(match: re.Match[str]) -> str:
        attribute, reference = match.group(1), html.unescape(match.group(2))
        if not is_local(reference):
            return match.group(0)
        return f'{attribute}="{data_uri(base_dir / reference)}"'

    return _ATTRIBUTE.sub(replace, page)
