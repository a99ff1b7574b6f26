"""Render the same 2×2 run animation with matplotlib's FuncAnimation + PillowWriter (full
redraw every frame) and with momentumlab's blitting engine; print the ratios.

    python benchmarks/render.py [--frames 100] [--width 800] [--height 600]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.artist import Artist

from momentumlab.backends.numpy_backend import run
from momentumlab.config import Animation
from momentumlab.problems import make_problem
from momentumlab.render import frames_for_steps, render_run
from momentumlab.render.engine import rc_context
from momentumlab.render.scenes import clear_cache, run_scene

TITLE = "rosenbrock · momentum · numpy"


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
    """The project's engine (GIF only, same size and frames); returns seconds."""
    start = time.perf_counter()
    render_run(problem, trajectory, TITLE, settings, {"gif": path}, poster, progress=False)
    return time.perf_counter() - start


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
        clear_cache()  # the measured render draws its static panels from scratch, as a first render does
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
    print(f"speedup_vs_funcanimation: {baseline_seconds / engine_seconds:.1f}")
    print(f"gif_bytes_ratio: {engine_bytes / baseline_bytes:.3f}")


if __name__ == "__main__":
    main()
