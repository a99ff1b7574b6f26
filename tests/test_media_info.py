"""media_info: the facts the report's "Media for slides" table prints, from the files' headers."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from momentumlab.media_info import gif_info, media_info, mp4_info


def _frames(count: int, width: int = 64, height: int = 36) -> list[np.ndarray]:
    """``count`` distinct frames: a bar moving right over a grey background."""
    frames = []
    for index in range(count):
        frame = np.full((height, width, 3), 200, dtype=np.uint8)
        frame[:, index * width // count:(index + 1) * width // count] = (0, 114, 178)
        frames.append(frame)
    return frames


def test_a_gif_counts_every_frame_and_its_final_hold(tmp_path: Path) -> None:
    path = tmp_path / "race.gif"
    images = [Image.fromarray(frame) for frame in _frames(5)]
    durations = [80, 80, 80, 80, 1500]  # ms: 12.5 fps, then the final frame held
    images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)
    info = media_info(path)
    assert (info.kind, info.width, info.height, info.frames) == ("gif", 64, 36, 5)
    assert info.seconds == pytest.approx(sum(durations) / 1000)
    assert info.loops_forever and info.bytes == path.stat().st_size


def test_a_gif_that_plays_once_does_not_loop(tmp_path: Path) -> None:
    path = tmp_path / "once.gif"
    images = [Image.fromarray(frame) for frame in _frames(3)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100)
    assert not gif_info(path).loops_forever


def test_an_mp4s_size_rate_length_and_codec(tmp_path: Path) -> None:
    path = tmp_path / "race.mp4"
    writer = imageio_ffmpeg.write_frames(str(path), (64, 36), fps=12, codec="libx264", pix_fmt_out="yuv420p",
                                         macro_block_size=4)
    writer.send(None)
    for frame in _frames(24):
        writer.send(frame.tobytes())
    writer.close()
    info = mp4_info(path)
    assert (info.kind, info.width, info.height, info.codec) == ("mp4", 64, 36, "h264")
    assert info.seconds == pytest.approx(2.0, abs=0.1) and info.frames == 24
    assert not info.loops_forever


def test_anything_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    Image.new("RGB", (8, 8)).save(path)
    with pytest.raises(ValueError):
        media_info(path)
    fake = tmp_path / "fake.gif"
    Image.new("RGB", (8, 8)).save(fake, format="PNG")
    with pytest.raises(ValueError):
        gif_info(fake)


def test_a_gif_that_repeats_a_few_times_does_not_loop_forever(tmp_path: Path) -> None:
    path = tmp_path / "thrice.gif"
    images = [Image.fromarray(frame) for frame in _frames(3)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=2)  # NETSCAPE count 2
    with Image.open(path) as image:
        assert image.info.get("loop") == 2
    assert not gif_info(path).loops_forever
