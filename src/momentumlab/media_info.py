"""Facts about rendered media for people who put them into slides: size, length, frames.

GIFs: size, frame count and loop flag from Pillow's headers (``n_frames`` skips from frame to
frame without decoding), the total duration, the final hold included, from the header ffmpeg
reports to imageio-ffmpeg's reader (it sums the frame delays without decoding). Pillow gives
per-frame delays only by decoding each frame (``seek`` composites the previous one): about
0.15 s for a default 960×540 GIF of 120 frames against 0.05 s for ffmpeg's header. MP4s: size,
frame rate, duration and codec from the same ffmpeg header.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import imageio_ffmpeg
from PIL import Image


@dataclass(frozen=True)
class MediaInfo:
    """Pixel size, duration, frame count, bytes, looping and codec of one GIF or MP4."""

    path: Path
    kind: str
    width: int
    height: int
    frames: int
    seconds: float
    bytes: int
    loops_forever: bool
    codec: str = ""

    def record(self) -> dict[str, Any]:
        """The facts as JSON-ready values (the path left out)."""
        return {field: getattr(self, field) for field in ("kind", "width", "height", "frames", "seconds", "bytes",
                                                          "loops_forever", "codec")}

    @classmethod
    def from_record(cls, path: str | Path, record: Mapping[str, Any]) -> "MediaInfo":
        """The facts ``record`` stored for ``path``."""
        return cls(path=Path(path), **record)

    @property
    def megabytes(self) -> float:
        """File size in MB (10^6 bytes)."""
        return self.bytes / 1e6


def stream_metadata(path: str | Path) -> dict[str, Any]:
    """ffmpeg's reading of the video stream's header: size, fps, duration, codec, pix_fmt.

    ``imageio_ffmpeg.read_frames`` yields this before any frame; asked for no frame
    (``-frames:v 0``), ffmpeg decodes none, so it needs no decoder threads either.
    """
    reader = imageio_ffmpeg.read_frames(str(path), input_params=["-threads", "1"], output_params=["-frames:v", "0"])
    try:
        return next(reader)
    finally:
        reader.close()


def gif_info(path: str | Path) -> MediaInfo:
    """A GIF's size, frame count, total duration (the final hold included) and loop flag."""
    path = Path(path)
    with Image.open(path) as image:
        if image.format != "GIF":
            raise ValueError(f"not a GIF file: {path}")
        (width, height), frames, loop = image.size, image.n_frames, image.info.get("loop")
    seconds = float(stream_metadata(path)["duration"])
    return MediaInfo(path, "gif", width, height, frames, seconds, path.stat().st_size, loop == 0, "gif")


def mp4_info(path: str | Path) -> MediaInfo:
    """An MP4's size, frame rate, duration and codec; frames = duration × fps, exact for the
    constant rate the encoder writes."""
    path = Path(path)
    meta = stream_metadata(path)
    width, height = meta["size"]
    seconds = float(meta["duration"])
    return MediaInfo(path, "mp4", int(width), int(height), int(round(seconds * float(meta["fps"]))), seconds,
                     path.stat().st_size, False, str(meta["codec"]))


def media_info(path: str | Path) -> MediaInfo:
    """``gif_info`` or ``mp4_info`` by file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return gif_info(path)
    if suffix == ".mp4":
        return mp4_info(path)
    raise ValueError(f"not an animation: {path}")


def media_facts(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """The facts of every GIF and MP4 among ``paths``, keyed by file name (one experiment's folder)."""
    return {Path(path).name: media_info(path).record() for path in paths if Path(path).suffix.lower() in (".gif", ".mp4")}
