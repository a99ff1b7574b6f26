"""Facts about rendered media for people who put them into slides: size, length, frames."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path



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


def _skip_sub_blocks(data: bytes, at: int) -> int:
    while data[at]:
        at += data[at] + 1
    return at + 1


def _gif_structure(data: bytes) -> tuple[int, int, int, int | None]:
    """(frames, total delay in 1/100 s, width, NETSCAPE loop count) by walking the GIF's
    blocks without decoding any image data."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF file")
    width = int.from_bytes(data[6:8], "little")
    flags = data[10]
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = delay = 0
    loop = None
    while at < len(data) and data[at] != 0x3B:
        if data[at] == 0x21:  # extension: graphic control (delay) or application (loop)
            label = data[at + 1]
            if label == 0xF9:
                delay += int.from_bytes(data[at + 4 : at + 6], "little")
            elif label == 0xFF and data[at + 3 : at + 14] == b"NETSCAPE2.0":
                loop = int.from_bytes(data[at + 16 : at + 18], "little")
            at = _skip_sub_blocks(data, at + 2)
        elif data[at] == 0x2C:  # image descriptor, optional local colour table, LZW data
            frames += 1
            local = data[at + 9]
            at += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            at = _skip_sub_blocks(data, at + 1)
        else:
            raise ValueError(f"unexpected GIF block 0x{data[at]:02x} at byte {at}")
    return frames, delay, width, loop


def gif_info(path: str | Path) -> MediaInfo:
    """Read a GIF's size, frame count, total duration and loop flag from its block structure."""
    path = Path(path)
    data = path.read_bytes()
    frames, delay, width, loop = _gif_structure(data)
    height = int.from_bytes(data[8:10], "little")
    return MediaInfo(path, "gif", width, height, frames, delay / 100.0, len(data), loop == 0)


def mp4_info(path: str | Path) -> MediaInfo:
    """Read an MP4's size, frame rate and duration from its header (ffmpeg ships with imageio-ffmpeg).

    Only the container header is read, so this is fast; the frame count is duration × fps,
    exact for the constant frame rate the encoder writes.
    """
    import imageio_ffmpeg

    path = Path(path)
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    size = re.search(r"Video: .*?(\d{2,5})x(\d{2,5})", probe.stderr)
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", probe.stderr)
    rate = re.search(r"([\d.]+) fps", probe.stderr)
    if not (size and duration and rate):
        raise ValueError(f"cannot read the video header of {path}")
    hours, minutes, seconds = duration.groups()
    total = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    frames = int(round(total * float(rate.group(1))))
    return MediaInfo(path, "mp4", int(size.group(1)), int(size.group(2)), frames, total, path.stat().st_size, False)


def media_info(path: str | Path) -> MediaInfo:
    """``gif_info`` or ``mp4_info`` by file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return gif_info(path)
    if suffix == ".mp4":
        return mp4_info(path)
    raise ValueError(f"not an animation: {path}")
