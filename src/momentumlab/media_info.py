"""Facts about rendered media for people who put them into slides: size, length, frames."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image


@dataclass(frozen=True)
class MediaInfo:
    """Pixel size, duration, frame count, bytes and looping of one GIF or MP4."""

    path: Path
    kind: str
    width: int
    height: int
    frames: int
    seconds: float
    bytes: int
    loops_forever: bool

    @property
    def megabytes(self) -> float:
        """File size in MB (10^6 bytes)."""
        return self.bytes / 1e6


def gif_info(path: str | Path) -> MediaInfo:
    """Read a GIF's size, frame count, total duration and loop flag."""
    path = Path(path)
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        milliseconds = 0
        for index in range(frames):
            image.seek(index)
            milliseconds += image.info.get("duration", 0)
        loops_forever = image.info.get("loop") == 0
        width, height = image.size
    return MediaInfo(path, "gif", width, height, frames, milliseconds / 1000.0, path.stat().st_size, loops_forever)


def mp4_info(path: str | Path) -> MediaInfo:
    """Read an MP4's size, frame count and duration with the ffmpeg that imageio-ffmpeg ships."""
    import imageio_ffmpeg

    path = Path(path)
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    match = re.search(r"Video: .*?(\d{2,5})x(\d{2,5})", probe.stderr)
    width, height = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    return MediaInfo(path, "mp4", width, height, int(frames), float(seconds), path.stat().st_size, False)


def media_info(path: str | Path) -> MediaInfo:
    """``gif_info`` or ``mp4_info`` by file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return gif_info(path)
    if suffix == ".mp4":
        return mp4_info(path)
    raise ValueError(f"not an animation: {path}")
