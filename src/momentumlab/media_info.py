"""Facts about rendered media for people who put them into slides: size, length, frames.

GIFs are read with Pillow (each frame's duration, the final hold included, and the loop
count), MP4s from the metadata imageio-ffmpeg's reader reports before the first frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    @property
    def megabytes(self) -> float:
        """File size in MB (10^6 bytes)."""
        return self.bytes / 1e6


def gif_info(path: str | Path) -> MediaInfo:
    """A GIF's size, frame count, total duration (the final hold included) and loop flag."""
    path = Path(path)
    with Image.open(path) as image:
        if image.format != "GIF":
            raise ValueError(f"not a GIF file: {path}")
        (width, height), loop = image.size, image.info.get("loop")
        milliseconds = 0
        for index in range(image.n_frames):
            image.seek(index)  # Pillow composites the frames before it to get here
            milliseconds += int(image.info.get("duration", 0))
        frames = image.n_frames
    return MediaInfo(path, "gif", width, height, frames, milliseconds / 1000.0, path.stat().st_size, loop == 0, "gif")


def mp4_info(path: str | Path) -> MediaInfo:
    """An MP4's size, frame rate, duration and codec from ffmpeg's reading of its header.

    ``imageio_ffmpeg.read_frames`` yields the stream's metadata before any frame, and asked for
    no frame (``-frames:v 0``) ffmpeg decodes none; the frame count is duration × fps, exact for
    the constant rate the encoder writes.
    """
    path = Path(path)
    reader = imageio_ffmpeg.read_frames(str(path), output_params=["-frames:v", "0"])
    try:
        meta = next(reader)
    finally:
        reader.close()
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
