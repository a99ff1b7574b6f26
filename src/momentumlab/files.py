"""Reading and writing the pipeline's files: every write is atomic.

A file is written under a unique temporary name beside its final path and renamed into
place only when complete, so an interrupted job never leaves a half-written output that
Snakemake (or a reader) would take for finished; on failure the temporary file is removed.
This is the only module that renames files into place.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np

Array = np.ndarray

# Zip entries carry this fixed time, so the same arrays give byte-identical files.
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def temporary_sibling(path: str | Path) -> Path:
    """A hidden name beside ``path``, unique to this process, that keeps its suffix."""
    path = Path(path)
    return path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")


@contextmanager
def atomic_paths(finals: Mapping[str, str | Path]) -> Iterator[dict[str, Path]]:
    """Temporary paths for several outputs, renamed into place together when the block ends.

    If the block raises, every temporary file is removed and no final path is touched.
    """
    temps = {}
    for key, final in finals.items():
        Path(final).parent.mkdir(parents=True, exist_ok=True)
        temps[key] = temporary_sibling(final)
    try:
        yield temps
        for key, temp in temps.items():
            os.replace(temp, finals[key])
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path for one output, renamed to ``path`` when the block ends without error."""
    with atomic_paths({"file": path}) as temps:
        yield temps["file"]


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON atomically, indented, keys in the order given, NaN refused."""
    write_text(path, json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n")


def read_json(path: str | Path) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_npz(path: str | Path, arrays: Mapping[str, Any]) -> None:
    """Write arrays to an uncompressed ``.npz`` atomically and byte-reproducibly.

    Stored, not deflated: float arrays barely compress, and deflating a million-point
    data set or a ten-million-step trajectory took longer than computing it.
    """
    with atomic_path(path) as temp:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED) as archive:
            for name in sorted(arrays):
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.array(arrays[name], order="C"), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, buffer.getvalue())


def read_npz(path: str | Path) -> dict[str, Array]:
    """Every array of an ``.npz`` file, loaded into memory, by name."""
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def relative_path(path: str | os.PathLike | None, folder: str | os.PathLike) -> str | None:
    """``path`` relative to ``folder`` with forward slashes, as a page links it (None stays None)."""
    if path is None:
        return None
    return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve())).as_posix()


def existing_relative(path: str | os.PathLike | None, folder: str | os.PathLike) -> str | None:
    """Like ``relative_path``, but None when the file was not written."""
    return relative_path(path, folder) if path is not None and Path(path).is_file() else None
