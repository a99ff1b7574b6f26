"""Render the same 2×2 run animation with matplotlib's FuncAnimation + PillowWriter (full
redraw every frame) and with momentumlab's blitting engine; print the ratios. Then time the
status line, the one hand-made artist, drawn as a matplotlib ``Text`` and as the engine's
``GlyphText`` on the same frames.

    python benchmarks/render.py [--frames 100] [--width 800] [--height 600]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Callable

from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.artist import Artist
from matplotlib.text import Text

from momentumlab.backends.numpy_backend import run
from momentumlab.config import Animation
from momentumlab.problems import make_problem
from momentumlab.render import frames_for_steps, render_run
from momentumlab.render.artists import MONOSPACE
from momentumlab.render.engine import Blitter
from momentumlab.render.figures import clear_cache, run_scene
from momentumlab.render.style import rc_context

TITLE = "rosenbrock · momentum · numpy"
REPEATS = 5  # short timings: the best of a few, so another process's burst does not count


class MovingParts(Artist):
    """The scene's moving sprites as one figure artist, so a full figure draw includes them."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list = []

    def draw(self, renderer) -> None:
        for part in self.parts:
            part.draw(renderer)


def baseline(problem, trajectory, settings: Animation, path: Path) -> float:
    """FuncAnimation + PillowWriter on the same figure and frames; returns seconds."""
    start = time.perf_counter()
    with rc_context(settings.width, settings.height):
        scene = run_scene(problem, trajectory, TITLE, settings.width, settings.height)
        moving = scene.figure.add_artist(MovingParts())
        try:
            steps = frames_for_steps(scene.last_step, settings.frames)

            def update(index: int) -> list:
                moving.parts = scene.update(int(steps[index]))
                return [moving]

            animation = FuncAnimation(scene.figure, update, frames=len(steps), blit=False, repeat=False)
            animation.save(path, writer=PillowWriter(fps=settings.fps))
        finally:
            moving.remove()
            scene.close()
    return time.perf_counter() - start


def engine(problem, trajectory, settings: Animation, path: Path, poster: Path) -> float:
    """The project's engine (GIF only, same size and frames), its static panels drawn from
    scratch as in a first render; returns the best of ``REPEATS`` runs in seconds."""
    best = float("inf")
    for _ in range(REPEATS):
        clear_cache()
        start = time.perf_counter()
        render_run(problem, trajectory, TITLE, settings, {"gif": path}, poster, progress=False)
        best = min(best, time.perf_counter() - start)
    return best


def per_frame_ms(draw: Callable[[int], None], frames: int) -> float:
    """Milliseconds per call of ``draw(index)`` over ``frames`` indices, the best of ``REPEATS`` passes."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for index in range(frames):
            draw(index)
        best = min(best, time.perf_counter() - start)
    return 1e3 * best / frames


def frame_and_status_ms(problem, trajectory, settings: Animation) -> tuple[float, float, float]:
    """Per frame: the engine's whole frame, and the status line redrawn as a matplotlib ``Text``
    and as the ``GlyphText`` the engine uses (same strings, font, size and anchor)."""
    with rc_context(settings.width, settings.height):
        scene = run_scene(problem, trajectory, TITLE, settings.width, settings.height)
        try:
            blitter = Blitter(scene)
            renderer = blitter.renderer
            steps = [int(step) for step in frames_for_steps(scene.last_step, settings.frames)]
            frame = per_frame_ms(lambda index: blitter.frame(steps[index]), len(steps))
            glyphs = scene.header.status
            strings = []
            for step in steps:
                scene.header.update(step)
                strings.append(glyphs.text)
            text = Text(*glyphs.anchor, "", transform=scene.figure.transFigure, ha=glyphs.ha, va="top",
                        fontsize=glyphs.size, family=MONOSPACE.get_family())
            text.set_figure(scene.figure)

            def draw_text(index: int) -> None:
                text.set_text(strings[index])
                text.draw(renderer)

            def draw_glyphs(index: int) -> None:
                glyphs.set_text(strings[index])
                glyphs.draw(renderer)

            return frame, per_frame_ms(draw_text, len(steps)), per_frame_ms(draw_glyphs, len(steps))
        finally:
            scene.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--width", type=int, default=800)
    parser.add_argument("--height", type=int, default=600)
    args = parser.parse_args()
    problem = make_problem("rosenbrock")
    trajectory = run(problem, "momentum", 1.5e-5, 0.9, (-5.0, -5.0), 5000)
    settings = Animation(width=args.width, height=args.height, fps=24, frames=args.frames, hold_seconds=0.0,
                         formats=("gif",))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        engine(problem, trajectory, settings, folder / "warmup.gif", folder / "warmup.png")  # imports, fonts
        clear_cache()  # the measured renders draw their static panels from scratch, as a first render does
        baseline_seconds = baseline(problem, trajectory, settings, folder / "baseline.gif")
        engine_seconds = engine(problem, trajectory, settings, folder / "engine.gif", folder / "engine.png")
        baseline_bytes = (folder / "baseline.gif").stat().st_size
        engine_bytes = (folder / "engine.gif").stat().st_size
    print(f"frames: {args.frames}")
    print(f"size: {args.width}x{args.height}")
    print(f"funcanimation_seconds: {baseline_seconds:.3f}")
    print(f"engine_seconds: {engine_seconds:.3f}")
    print(f"funcanimation_gif_bytes: {baseline_bytes}")
    print(f"engine_gif_bytes: {engine_bytes}")
    frame_ms, text_ms, glyph_ms = frame_and_status_ms(problem, trajectory, settings)
    print(f"speedup_vs_funcanimation: {baseline_seconds / engine_seconds:.1f}")
    print(f"gif_bytes_ratio: {engine_bytes / baseline_bytes:.3f}")
    print(f"engine_frame_ms: {frame_ms:.2f}")
    print(f"status_line_ms_per_frame: matplotlib Text {text_ms:.2f}, glyph outlines {glyph_ms:.2f} "
          f"({text_ms / glyph_ms:.1f}x)")


if __name__ == "__main__":
    main()
