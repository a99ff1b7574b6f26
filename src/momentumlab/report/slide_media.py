"""The report's "Media for slides" table: every animation with its size, length and a caption."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from momentumlab.media_info import MediaInfo, media_info
from momentumlab.records import format_count, format_number
from momentumlab.verdicts import momentum_text


def _caption(experiment: Mapping[str, Any], run: Mapping[str, Any] | None) -> str:
    if run is None and experiment.get("start") is None:
        return (f"{experiment['label']}: every run on the shared loss plane of {format_count(experiment['n_weights'], 'weight')} "
                f"for {format_count(experiment['steps'], 'step')}.")
    if run is None:
        return (f"{experiment['label']}: every optimizer racing from {tuple(experiment['start'])} "
                f"for {format_count(experiment['steps'], 'step')}.")
    named = momentum_text(run)  # each method's own name: μ, β₁, RMSProp's momentum ("—" for none)
    momentum = f", {named}" if named != "—" else ""
    return (f"{experiment['label']}: {run['optimizer_label']} ({run['method']}, η = {format_number(run['lr'])}{momentum}) "
            f"on {run['backend']}, {format_count(run['steps'], 'step')}.")


def _row(path: str | None, out_dir: Path, experiment: Mapping[str, Any], run: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if path is None or Path(path).suffix not in (".gif", ".mp4"):
        return None
    facts = experiment.get("media_facts", {}).get(Path(path).name)  # read where the render job wrote them
    info = MediaInfo.from_record(out_dir / path, facts) if facts else media_info(out_dir / path)
    return {
        "path": path,
        "kind": info.kind.upper(),
        "size": f"{info.width}×{info.height}",
        "seconds": info.seconds,
        "frames": info.frames,
        "megabytes": info.megabytes,
        "loops": info.loops_forever,
        "caption": _caption(experiment, run),
    }


def slide_media_rows(experiments: Iterable[Mapping[str, Any]], out_dir: str | Path) -> list[dict[str, Any]]:
    """One row per GIF and MP4 of every experiment (compare first), paths relative to ``out_dir``."""
    out_dir = Path(out_dir)
    rows = []
    for experiment in experiments:
        candidates = [(path, None) for path in experiment["compare"].values()]
        candidates += [(path, item["run"]) for item in experiment["run_media"] for path in item["files"].values()]
        rows += [row for path, run in candidates if (row := _row(path, out_dir, experiment, run)) is not None]
    return rows


def slide_media_cards(rows: Iterable[Mapping[str, Any]], out_dir: str | Path) -> list[dict[str, Any]]:
    """``slide_media_rows`` grouped by animation for the gallery: one card per animation (its formats side
    by side), with its still PNG as the thumbnail when there is one, in the rows' order."""
    out_dir = Path(out_dir)
    cards: dict[str, dict[str, Any]] = {}
    for row in rows:
        stem = str(Path(row["path"]).with_suffix(""))
        poster = f"{stem}.png"
        card = cards.setdefault(stem, {"caption": row["caption"], "size": row["size"], "seconds": row["seconds"],
                                       "frames": row["frames"], "files": [],
                                       "poster": poster if (out_dir / poster).exists() else None})
        card["files"].append(row)
    return list(cards.values())
