"""Compare two builds: every results/ file, summary.json (timing aside) and every picture.

    python tools/compare_outputs.py BEFORE_DIR AFTER_DIR [--allow GLOB ...]

Each directory is a project root after ``snakemake``. What must be equal:

- every file under ``results/``: an ``.npz`` has the same keys and, for each key, the same dtype
  and an equal array (``np.array_equal``, NaN equal to NaN); a ``.json`` file is equal apart from
  timing fields; any other file is equal byte for byte. A file on one side only is a difference.
- ``reports/summary.json``, apart from timing fields.
- every ``reports/**/*.png``, pixel for pixel, unless it matches an ``--allow`` glob (an intended
  visible change).

Timing fields (``TIMING_FIELDS``) are wall-clock measurements that differ between two builds of the
same commit: ``seconds`` (per run) and ``compute_seconds`` (per sweep) in summary.json. Under
``results/`` only ``<experiment>/model_sweep.json`` has one (``compute_seconds``, null in the default
build); two builds of the default config at one commit wrote byte-identical ``results/`` trees.

One line is printed per difference, then a count line; the exit status is 1 on any difference.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
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


def _same_scalar(before: Any, after: Any) -> bool:
    # A diverged run records NaN; two NaNs are the same result although NaN != NaN.
    if isinstance(before, float) and isinstance(after, float) and math.isnan(before) and math.isnan(after):
        return True
    return type(before) is type(after) and before == after


def json_differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Paths at which two JSON values differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = [f"{where}.{k}: only in {'before' if k in before else 'after'}" for k in sorted(before.keys() ^ after.keys())]
        for k in sorted(before.keys() & after.keys()):
            out += json_differences(before[k], after[k], f"{where}.{k}")
        return out
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items before, {len(after)} after"]
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in json_differences(b, a, f"{where}[{i}]")]
    return [] if _same_scalar(before, after) else [f"{where}: {before!r} → {after!r}"]


def json_file_differences(before: Path, after: Path) -> list[str]:
    """Where two JSON files differ, timing fields aside."""
    values = [without_timing(json.loads(path.read_text())) for path in (before, after)]
    return json_differences(*values)


def arrays_equal(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether two arrays have the same dtype, shape and elements (NaN equal to NaN)."""
    if before.dtype != after.dtype or before.shape != after.shape:
        return False
    equal_nan = before.dtype.kind in "fc"
    return bool(np.array_equal(before, after, equal_nan=equal_nan))


def npz_differences(before: Path, after: Path) -> list[str]:
    """Which keys of two .npz archives are missing on one side or hold different arrays."""
    with np.load(before, allow_pickle=False) as b, np.load(after, allow_pickle=False) as a:
        out = [f"[{k}]: only in {'before' if k in b.files else 'after'}" for k in sorted(set(b.files) ^ set(a.files))]
        for k in sorted(set(b.files) & set(a.files)):
            x, y = b[k], a[k]
            if x.dtype != y.dtype:
                out.append(f"[{k}]: dtype {x.dtype} → {y.dtype}")
            elif x.shape != y.shape:
                out.append(f"[{k}]: shape {x.shape} → {y.shape}")
            elif not arrays_equal(x, y):
                out.append(f"[{k}]: {_count_changed(x, y)} elements differ")
        return out


def _count_changed(before: np.ndarray, after: np.ndarray) -> int:
    same = before == after
    if before.dtype.kind in "fc":
        same |= np.isnan(before) & np.isnan(after)
    return int(np.size(same) - np.count_nonzero(same))


def file_differences(before: Path, after: Path) -> list[str]:
    """How two result files differ: by array for .npz, timing aside for .json, else by bytes."""
    if before.suffix == ".npz":
        return npz_differences(before, after)
    if before.suffix == ".json":
        return json_file_differences(before, after)
    return [] if before.read_bytes() == after.read_bytes() else [": bytes differ"]


def _relative_files(root: Path, folder: str, pattern: str) -> set[str]:
    base = root / folder
    return {p.relative_to(root).as_posix() for p in base.rglob(pattern) if p.is_file()} if base.is_dir() else set()


def _one_sided(before: set[str], after: set[str]) -> list[str]:
    return [f"{name}: only in {'before' if name in before else 'after'}" for name in sorted(before ^ after)]


def results_differences(before_root: Path, after_root: Path) -> list[str]:
    """One line per difference between the ``results/`` trees of two project roots."""
    before, after = _relative_files(before_root, "results", "*"), _relative_files(after_root, "results", "*")
    out = _one_sided(before, after)
    for name in sorted(before & after):
        out += [f"{name}{d}" for d in file_differences(before_root / name, after_root / name)]
    return out


def summary_differences(before_root: Path, after_root: Path) -> list[str]:
    """Where the two ``reports/summary.json`` files differ, timing aside."""
    before, after = before_root / "reports/summary.json", after_root / "reports/summary.json"
    if not (before.is_file() and after.is_file()):
        return [] if before.is_file() == after.is_file() else [f"reports/summary.json: only in {'before' if before.is_file() else 'after'}"]
    return [f"summary.json{d}" for d in json_file_differences(before, after)]


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


def picture_differences(before_root: Path, after_root: Path, allow: list[str]) -> tuple[list[str], list[str], int]:
    """(allowed changes, differences, pictures compared) between the ``reports/**/*.png`` files."""
    before, after = _relative_files(before_root, "reports", "*.png"), _relative_files(after_root, "reports", "*.png")
    allowed, problems = [], _one_sided(before, after)
    for name in sorted(before & after):
        difference = image_difference(before_root / name, after_root / name)
        if difference is None:
            continue
        if any(fnmatch.fnmatch(name, pattern) for pattern in allow):
            allowed.append(f"{name}: {difference} (allowed)")
        else:
            problems.append(f"{name}: {difference}")
    return allowed, problems, len(before & after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--allow", action="append", default=[], help="glob of PNGs that may change (relative path)")
    args = parser.parse_args(argv)
    results = results_differences(args.before, args.after)
    allowed, pictures, compared = picture_differences(args.before, args.after, args.allow)
    problems = results + summary_differences(args.before, args.after) + pictures
    for line in allowed + problems:
        print(line)
    result_files = len(_relative_files(args.before, "results", "*") | _relative_files(args.after, "results", "*"))
    print(f"{result_files} result files and {compared} pictures compared, {len(allowed)} allowed changes, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
