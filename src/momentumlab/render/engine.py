"""The animation engine: a ``Scene`` blitted frame by frame and piped raw into one ffmpeg.

Blitting by hand on the Agg canvas: the scene paints its static figure once, then each
frame restores those pixels, draws only the moving artists and hands the canvas buffer to
ffmpeg, which writes the GIF and the MP4 together; the last frame is also the poster PNG.

GIF: a palette computed up front (see ``gif_palette``) and paletteuse (diff_mode=rectangle,
no dithering for flat plot colours), loops forever, last frame held by ``final_delay``.
MP4: H.264, yuv420p, even dimensions, faststart, last frame held by ``tpad``. Every file
is written under a temporary name and renamed only when all of them are complete.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol

import imageio_ffmpeg
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from tqdm.auto import tqdm  # a widget in a notebook, text in a terminal

from momentumlab.files import atomic_paths
from momentumlab.sampling import animation_steps

if TYPE_CHECKING:
    from momentumlab.config import Animation

FORMATS = ("gif", "mp4")


class Scene(Protocol):
    """What the engine draws: a figure with a static part and artists that move with the step."""

    figure: Figure
    last_step: int  # the last optimizer step the animation shows

    def background(self) -> None:
        """Paint every static part onto the figure's canvas."""

    def update(self, step: int) -> Iterable[Artist]:
        """The moving artists, positioned for optimizer step ``step``."""

    def close(self) -> None:
        """Release what the scene added to its (possibly shared) figure."""


class Blitter:
    """Paints a scene's static parts once; ``frame(step)`` then costs only the moving artists."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.canvas = scene.figure.canvas
        self.renderer = self.canvas.get_renderer()
        scene.background()
        self.background = self.canvas.copy_from_bbox(scene.figure.bbox)

    def frame(self, step: int) -> memoryview:
        """The RGBA buffer showing ``step``; valid until the next call."""
        self.canvas.restore_region(self.background)
        for artist in self.scene.update(int(step)):
            artist.draw(self.renderer)
        return self.canvas.buffer_rgba()


def render_scene(scene: Scene, settings: "Animation", outputs: Mapping[str, str | Path], poster: str | Path,
                 progress: bool, description: str) -> None:
    """Encode ``scene`` into every output (format → path) plus a poster PNG of its last frame,
    all renamed into place together; the scene is closed whatever happens."""
    unknown = set(outputs) - set(settings.formats)
    if unknown:
        raise ValueError(f"output format(s) {sorted(unknown)} not in settings.formats {list(settings.formats)}")
    width, height = scene.figure.canvas.get_width_height()
    steps = animation_steps(scene.last_step, settings.frames, settings.spacing)
    try:
        with atomic_paths({**outputs, "poster": poster}) as temps, \
                tempfile.TemporaryDirectory(prefix="momentumlab-render-") as scratch:
            blitter = Blitter(scene)
            last = np.array(blitter.frame(int(steps[-1])), copy=True)
            write_png(last, width, height, temps["poster"])
            if not outputs:
                return
            palette = None
            if "gif" in outputs:
                first = np.asarray(blitter.frame(int(steps[0])))
                palette = Path(scratch) / "palette.rgba"
                palette.write_bytes(gif_palette([first.reshape(height, width, 4), last.reshape(height, width, 4)]))
            with FFmpegEncoder(width, height, settings.fps, settings.hold_seconds,
                               {key: temps[key] for key in outputs}, palette) as encoder, \
                    tqdm(total=len(steps), desc=description, unit="frame", file=sys.stderr, disable=not progress,
                         ncols=90, mininterval=0.5) as bar:
                for step in steps:
                    encoder.write(blitter.frame(int(step)))
                    bar.update()
    finally:
        scene.close()


def gif_palette(frames: list[np.ndarray]) -> bytes:
    """A 16×16 RGBA palette for ``paletteuse``: 255 colours quantised from ``frames`` plus one
    transparent entry, which lets the GIF encoder leave unchanged pixels out of each frame.

    The first and last frames hold every colour the animation uses (the path only grows), so
    the palette is known before encoding starts and ffmpeg can stream instead of buffering
    every frame for ``palettegen``.
    """
    from PIL import Image

    stack = np.concatenate([frame[..., :3] for frame in frames], axis=0)
    quantized = Image.fromarray(stack).quantize(colors=255, method=Image.Quantize.FASTOCTREE,
                                                dither=Image.Dither.NONE)
    colors = np.array(quantized.getpalette()[: 255 * 3], dtype=np.uint8).reshape(-1, 3)
    palette = np.zeros((256, 4), dtype=np.uint8)
    palette[: len(colors), :3] = colors
    palette[: len(colors), 3] = 255
    palette[len(colors) : 255] = palette[max(len(colors) - 1, 0)]
    palette[255] = (0, 255, 0, 0)
    return palette.tobytes()


def ffmpeg_command(width: int, height: int, fps: int, hold_seconds: float, outputs: Mapping[str, Path],
                   palette: Path | None = None, dither: str = "none") -> list[str]:
    """One ffmpeg invocation reading raw RGBA on stdin and writing every requested format.

    GIF frames are mapped onto ``palette`` (a raw 16×16 RGBA file) and the last one is held
    by the muxer's ``final_delay``; the MP4 holds it with ``tpad`` clones.
    """
    unknown = set(outputs) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown animation format(s) {sorted(unknown)}; known: {list(FORMATS)}")
    if "gif" in outputs and palette is None:
        raise ValueError("a GIF needs a palette")
    formats = [name for name in FORMATS if name in outputs]
    hold_frames = int(round(hold_seconds * fps))
    branches = "".join(f"[{name}_in]" for name in formats)
    graph = [f"[0:v]split={len(formats)}{branches}" if len(formats) > 1 else f"[0:v]null[{formats[0]}_in]"]
    if "gif" in outputs:
        graph.append(f"[gif_in][1:v]paletteuse=dither={dither}:diff_mode=rectangle[gif]")
    if "mp4" in outputs:
        hold = f",tpad=stop_mode=clone:stop={hold_frames}" if hold_frames > 0 else ""
        graph.append(f"[mp4_in]crop=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p{hold}[mp4]")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgba", "-video_size", f"{width}x{height}", "-framerate", str(fps),
        "-i", "pipe:0",
    ]
    if "gif" in outputs:
        command += ["-f", "rawvideo", "-pix_fmt", "rgba", "-video_size", "16x16", "-i", str(palette)]
    command += ["-filter_complex", ";".join(graph)]
    if "gif" in outputs:
        command += ["-map", "[gif]", "-f", "gif", "-loop", "0"]
        if hold_seconds > 0:
            command += ["-final_delay", str(max(int(round(hold_seconds * 100)), 1))]
        command.append(str(outputs["gif"]))
    if "mp4" in outputs:
        # One x264 thread: renders run side by side, so frame threads only add contention.
        command += ["-map", "[mp4]", "-c:v", "libx264", "-threads", "1", "-preset", "ultrafast", "-tune", "animation",
                    "-crf", "23",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(outputs["mp4"])]
    return command


class FFmpegEncoder:
    """A running ffmpeg fed frame by frame. As a context manager it finishes the files when the
    block ends (raising RuntimeError with ffmpeg's message on failure) and kills ffmpeg if the
    block raises."""

    def __init__(self, width: int, height: int, fps: int, hold_seconds: float, outputs: Mapping[str, Path],
                 palette: Path | None = None) -> None:
        self.frame_bytes = width * height * 4
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(ffmpeg_command(width, height, fps, hold_seconds, outputs, palette),
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log)

    def __enter__(self) -> "FFmpegEncoder":
        return self

    def __exit__(self, error_type: Any, error: Any, traceback: Any) -> None:
        if error_type is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: memoryview) -> None:
        """Send one RGBA frame."""
        if frame.nbytes != self.frame_bytes:
            raise ValueError(f"frame has {frame.nbytes} bytes, expected {self.frame_bytes}")
        try:
            self.process.stdin.write(frame)
        except BrokenPipeError:
            self.close()
            raise

    def close(self) -> None:
        """Finish encoding; raise RuntimeError with ffmpeg's message if it failed."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        code = self.process.wait()
        self.log.seek(0)
        message = self.log.read().decode(errors="replace").strip()
        self.log.close()
        if code != 0:
            raise RuntimeError(f"ffmpeg failed (exit {code}): {message[-2000:]}")

    def abort(self) -> None:
        """Stop ffmpeg without waiting for the output."""
        self.process.kill()
        self.process.wait()
        self.log.close()


def write_png(frame: memoryview | np.ndarray, width: int, height: int, path: Path) -> None:
    """Write one RGBA frame as an RGB PNG."""
    from PIL import Image

    pixels = np.frombuffer(frame, dtype=np.uint8).reshape(height, width, 4)[..., :3]
    Image.fromarray(pixels).save(path, format="PNG", compress_level=6)
