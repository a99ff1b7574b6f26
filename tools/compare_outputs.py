"""Compare two builds of the default report: same summary.json (timing aside), same pictures.

    python tools/compare_outputs.py BEFORE_DIR AFTER_DIR [--allow GLOB ...]

Each directory is a project root after ``snakemake``. ``summary.json`` must be equal except
timing fields (``seconds``, ``compute_seconds``); every ``reports/**/*.png`` must be
pixel-identical unless it matches an ``--allow`` glob (an intended visible change).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

TIMING_FIELDS = {"seconds", "compute_seconds"}


def without_timing(value: Any) -> Any:
    """``value`` with every timing field removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k not in TIMING_FIELDS}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    return value


def json_differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Paths at which two JSON values differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = [f"{where}.{k}: only in {'before' if k in before else 'after'}" for k in before.keys() ^ after.keys()]
        for k in before.keys() & after.keys():
            out += json_differences(before[k], after[k], f"{where}.{k}")
        return out
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items before, {len(after)} after"]
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in json_differences(b, a, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {before!r} → {after!r}"]


def pixels(path: Path, frame: int = 0) -> np.ndarray:
    """The RGB pixels of one frame of an image file."""
    with Image.open(path) as image:
        image.seek(frame)
        return np.asarray(image.convert("RGB"))


def image_difference(before: Path, after: Path) -> str | None:
    """Why two PNG files differ in pixels, or None when they are identical."""
    a, b = pixels(before), pixels(after)
    if a.shape != b.shape:
        return f"size {a.shape[1]}×{a.shape[0]} → {b.shape[1]}×{b.shape[0]}"
    changed = np.any(a != b, axis=-1)
    return None if not changed.any() else f"{int(changed.sum())} pixels differ"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--allow", action="append", default=[], help="glob of PNGs that may change (relative path)")
    args = parser.parse_args(argv)
    problems: list[str] = []
    summaries = [without_timing(json.loads((root / "reports/summary.json").read_text())) for root in (args.before, args.after)]
    problems += [f"summary.json{d}" for d in json_differences(*summaries)]
    before_pngs = {p.relative_to(args.before).as_posix() for p in (args.before / "reports").rglob("*.png")}
    after_pngs = {p.relative_to(args.after).as_posix() for p in (args.after / "reports").rglob("*.png")}
    problems += [f"{name}: only in {'before' if name in before_pngs else 'after'}" for name in sorted(before_pngs ^ after_pngs)]
    allowed = []
    for name in sorted(before_pngs & after_pngs):
        difference = image_difference(args.before / name, args.after / name)
        if difference is None:
            continue
        if any(fnmatch.fnmatch(name, pattern) for pattern in args.allow):
            allowed.append(f"{name}: {difference} (allowed)")
        else:
            problems.append(f"{name}: {difference}")
    for line in allowed + problems:
        print(line)
    print(f"{len(before_pngs & after_pngs)} posters compared, {len(allowed)} allowed changes, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
