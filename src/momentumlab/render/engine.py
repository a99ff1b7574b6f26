"""Blitting by hand on the Agg canvas: draw the static figure once, then per frame restore
it, draw only the moving artists and hand the canvas buffer to the encoder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from tqdm import tqdm

from momentumlab.config import Animation
from momentumlab.render.encode import AtomicFiles, FFmpegEncoder, write_png
from momentumlab.render.frames import frames_for_steps
from momentumlab.render.scenes import Scene
from momentumlab.render.style import scaled_rc

import matplotlib


def blit_frames(scene: Scene, steps: Sequence[int]) -> Iterator[memoryview]:
    """The RGBA buffer of every frame; valid only until the next one is drawn."""
    canvas = scene.figure.canvas
    for artist in scene.update(int(steps[0])):
        artist.set_animated(True)
    canvas.draw()
    background = canvas.copy_from_bbox(scene.figure.bbox)
    for step in steps:
        canvas.restore_region(background)
        for artist in scene.update(int(step)):
            scene.figure.draw_artist(artist)
        yield canvas.buffer_rgba()


def render_scene(scene: Scene, settings: Animation, outputs: Mapping[str, str | Path], poster: str | Path,
                 progress: bool, description: str) -> None:
    """Encode ``scene`` into every output plus a poster PNG of its last frame, atomically."""
    unknown = set(outputs) - set(settings.formats)
    if unknown:
        raise ValueError(f"output format(s) {sorted(unknown)} not in settings.formats {list(settings.formats)}")
    width, height = scene.figure.canvas.get_width_height()
    steps = frames_for_steps(scene.last_step, settings.frames)
    hold_frames = int(round(settings.hold_seconds * settings.fps))
    files = AtomicFiles({**outputs, "poster": poster})
    encoder = None
    try:
        if outputs:
            encoder = FFmpegEncoder(width, height, settings.fps, hold_frames,
                                    {key: files.temps[key] for key in outputs})
        frame = None
        bar = tqdm(total=len(steps), desc=description, unit="frame", file=sys.stderr, disable=not progress,
                   leave=True, dynamic_ncols=False, ncols=90)
        with bar:
            for frame in blit_frames(scene, steps):
                if encoder is not None:
                    encoder.write(frame)
                bar.update()
        write_png(frame, width, height, files.temps["poster"])
        if encoder is not None:
            finished, encoder = encoder, None
            finished.close()
        files.commit()
    except BaseException:
        if encoder is not None:
            encoder.abort()
        files.discard()
        raise


def rc_context(width: int, height: int):
    """Matplotlib settings for one render."""
    return matplotlib.rc_context(scaled_rc(width, height))
