"""Blitting by hand on the Agg canvas: draw the static figure once, then per frame restore
it, draw only the moving artists and hand the canvas buffer to the encoder."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import matplotlib
import numpy as np
from tqdm import tqdm

from momentumlab.render.encode import AtomicFiles, FFmpegEncoder, gif_palette, write_png
from momentumlab.sampling import frames_for_steps
from momentumlab.render.scenes import Scene
from momentumlab.render.style import scaled_rc

if TYPE_CHECKING:
    from momentumlab.config import Animation


class Blitter:
    """Paints a scene's static parts once; ``frame(step)`` then costs only the moving sprites."""

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
    """Encode ``scene`` into every output plus a poster PNG of its last frame, atomically."""
    unknown = set(outputs) - set(settings.formats)
    if unknown:
        raise ValueError(f"output format(s) {sorted(unknown)} not in settings.formats {list(settings.formats)}")
    width, height = scene.figure.canvas.get_width_height()
    steps = frames_for_steps(scene.last_step, settings.frames)
    files = AtomicFiles({**outputs, "poster": poster})
    encoder = None
    try:
        with tempfile.TemporaryDirectory(prefix="momentumlab-render-") as scratch:
            blitter = Blitter(scene)
            last = np.array(blitter.frame(int(steps[-1])), copy=True)
            write_png(last, width, height, files.temps["poster"])
            if outputs:
                palette = None
                if "gif" in outputs:
                    first = np.asarray(blitter.frame(int(steps[0])))
                    palette = Path(scratch) / "palette.rgba"
                    palette.write_bytes(gif_palette([first.reshape(height, width, 4), last.reshape(height, width, 4)]))
                encoder = FFmpegEncoder(width, height, settings.fps, settings.hold_seconds,
                                        {key: files.temps[key] for key in outputs}, palette)
                with tqdm(total=len(steps), desc=description, unit="frame", file=sys.stderr, disable=not progress,
                          ncols=90, mininterval=0.5) as bar:
                    for step in steps:
                        encoder.write(blitter.frame(int(step)))
                        bar.update()
                finished, encoder = encoder, None
                finished.close()
        files.commit()
    except BaseException:
        if encoder is not None:
            encoder.abort()
        files.discard()
        raise
    finally:
        scene.close()


def rc_context(width: int, height: int):
    """Matplotlib settings for one render."""
    return matplotlib.rc_context(scaled_rc(width, height))
