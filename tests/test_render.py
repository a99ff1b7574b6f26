"""The animation engine: frame selection, encoded files, edge cases, atomic writes."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from momentumlab.backends.numpy_backend import run
from momentumlab.config import Animation
from momentumlab.datasets import make_line_data
from momentumlab.media_info import stream_metadata
from momentumlab.runs import RunKey
from momentumlab.problems import make_problem
from momentumlab.render import frames_for_steps, loss_overlay_png, render_compare, render_run
from momentumlab.trajectory import Trajectory

SMALL = Animation(width=320, height=180, fps=12, frames=12, hold_seconds=0.5, formats=("gif", "mp4"))


@pytest.mark.parametrize("steps, frames", [(5000, 120), (1000, 12), (130, 120), (119, 120), (0, 120), (7, 3), (2, 2)])
def test_frames_for_steps_are_unique_increasing_and_span_the_run(steps, frames):
    chosen = frames_for_steps(steps, frames)
    assert len(chosen) == min(frames, steps + 1)
    assert chosen[0] == 0 and chosen[-1] == steps
    assert np.all(np.diff(chosen) > 0)
    assert chosen.dtype.kind == "i"


def test_frames_for_steps_show_the_fast_start_and_the_slow_end():
    chosen = frames_for_steps(5000, 120)
    assert np.array_equal(chosen[:6], np.arange(6))  # every early step gets a frame
    assert np.sum(chosen > 2500) >= 20  # the second half of the run is not skipped
    assert np.max(np.diff(chosen)) < 200


def test_frames_for_steps_rejects_nonsense():
    with pytest.raises(ValueError):
        frames_for_steps(-1, 10)
    with pytest.raises(ValueError):
        frames_for_steps(10, 0)


def _rosenbrock(steps=400):
    problem = make_problem("rosenbrock")
    return problem, run(problem, "momentum", 1.5e-5, 0.9, (-5.0, -5.0), steps)


def _gif_facts(path):
    """(frame count, (width, height), loop count, each frame's duration in ms) of a GIF."""
    frames, height, width, _ = iio.improps(path, index=None).shape
    durations = [iio.immeta(path, index=index)["duration"] for index in range(frames)]
    return frames, (width, height), iio.immeta(path, index=None).get("loop"), durations


def _assert_poster_is_the_last_frame(poster, gif, size):
    """The poster has the animation's size, shows a picture (not one flat colour) and is the
    GIF's last frame up to the GIF's palette."""
    pixels = iio.imread(poster)[..., :3].astype(int)
    assert pixels.shape == (size[1], size[0], 3)
    assert pixels.std() > 10 and len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    frames = iio.improps(gif, index=None).n_images
    last = iio.imread(gif, index=frames - 1)[..., :3].astype(int)
    assert np.mean(np.abs(pixels - last)) < 4.0


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    problem, trajectory = _rosenbrock()
    outputs = {"gif": folder / "run.gif", "mp4": folder / "run.mp4"}
    render_run(problem, trajectory, "rosenbrock · momentum", SMALL, outputs, folder / "run.png", progress=False)
    return folder


def test_gif_has_the_frames_loops_forever_and_holds_the_last_frame(rendered):
    frames, size, loop, durations = _gif_facts(rendered / "run.gif")
    assert frames == SMALL.frames
    assert size == (SMALL.width, SMALL.height)
    assert loop == 0
    assert durations[-1] == pytest.approx(SMALL.hold_seconds * 1000, abs=10)
    assert durations[0] == pytest.approx(1000 / SMALL.fps, abs=10)


def test_mp4_is_h264_yuv420p_with_the_hold(rendered):
    meta = stream_metadata(rendered / "run.mp4")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert tuple(meta["size"]) == (SMALL.width, SMALL.height)
    assert meta["duration"] == pytest.approx(SMALL.frames / SMALL.fps + SMALL.hold_seconds, abs=0.15)


def _top_level_atoms(path):
    """The types of an MP4's top-level boxes, in file order (each box: 32-bit size, 4-byte type)."""
    data, at, atoms = path.read_bytes(), 0, []
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        if size == 1:  # a 64-bit size follows the type
            size = int.from_bytes(data[at + 8:at + 16], "big")
        atoms.append(data[at + 4:at + 8].decode("latin-1"))
        at += size if size else len(data) - at  # size 0: the box runs to the end of the file
    return atoms


def test_mp4_moov_atom_comes_first(rendered):
    atoms = _top_level_atoms(rendered / "run.mp4")
    assert "moov" in atoms and "mdat" in atoms, atoms
    assert atoms.index("moov") < atoms.index("mdat"), f"not faststart: {atoms}"


def test_poster_is_the_last_frame(rendered):
    _assert_poster_is_the_last_frame(rendered / "run.png", rendered / "run.gif", (SMALL.width, SMALL.height))


def test_no_temporary_files_are_left(rendered):
    assert sorted(path.name for path in rendered.iterdir()) == ["run.gif", "run.mp4", "run.png"]


def test_diverged_saddle_without_optimum_renders(tmp_path):
    problem = make_problem("saddle")
    trajectory = run(problem, "momentum", 0.01, 0.9, (-4.0, 0.01), 1000)
    assert trajectory.diverged and problem.optimum is None and np.any(trajectory.loss <= 0)
    render_run(problem, trajectory, "saddle", SMALL, {"gif": tmp_path / "s.gif"}, tmp_path / "s.png", progress=False)
    frames, _, loop, _ = _gif_facts(tmp_path / "s.gif")
    assert frames == SMALL.frames and loop == 0
    with Image.open(tmp_path / "s.png") as poster:
        red = np.asarray(poster.convert("RGB")).astype(int)
    # the "diverged at step k" note and the status line are drawn in red
    assert np.sum((red[..., 0] > 150) & (red[..., 1] < 90) & (red[..., 2] < 90)) > 50


def test_single_point_trajectory_and_regression_render(tmp_path):
    problem = make_problem("linear_regression", data=make_line_data(0))
    trajectory = Trajectory(params=np.array([[-20.0, -20.0]]), loss=problem.value(np.array([[-20.0, -20.0]])), steps=0)
    render_run(problem, trajectory, "one step", SMALL, {"gif": tmp_path / "one.gif", "mp4": tmp_path / "one.mp4"},
               tmp_path / "one.png", progress=False)
    frames, _, _, _ = _gif_facts(tmp_path / "one.gif")
    assert frames == 1
    _assert_poster_is_the_last_frame(tmp_path / "one.png", tmp_path / "one.gif", (SMALL.width, SMALL.height))
    assert stream_metadata(tmp_path / "one.mp4")["codec"] == "h264"


def test_trajectory_far_outside_the_window_renders(tmp_path):
    problem = make_problem("quadratic")
    trajectory = run(problem, "momentum", 0.01, 0.9, (40.0, -30.0), 200)
    render_run(problem, trajectory, "far start", SMALL, {"gif": tmp_path / "far.gif"}, tmp_path / "far.png",
               progress=False)
    _assert_poster_is_the_last_frame(tmp_path / "far.png", tmp_path / "far.gif", (SMALL.width, SMALL.height))


def test_compare_renders_every_run_and_overlay_png(tmp_path):
    problem, momentum = _rosenbrock(300)
    sgd = run(problem, "sgd", 1.5e-5, 0.0, (-5.0, -5.0), 300)
    runs = {RunKey("sgd", "numpy"): sgd, RunKey("sgd", "tensorflow"): sgd, RunKey("momentum", "numpy"): momentum,
            RunKey("momentum", "tensorflow"): momentum}
    outputs = {"gif": tmp_path / "compare.gif", "mp4": tmp_path / "compare.mp4"}
    render_compare(problem, runs, "race", SMALL, outputs, tmp_path / "compare.png", progress=False)
    assert _gif_facts(tmp_path / "compare.gif")[0] == SMALL.frames
    _assert_poster_is_the_last_frame(tmp_path / "compare.png", tmp_path / "compare.gif", (SMALL.width, SMALL.height))
    loss_overlay_png(runs, "loss", tmp_path / "loss.png", width=480, height=270)
    pixels = iio.imread(tmp_path / "loss.png")[..., :3]
    assert pixels.shape == (270, 480, 3)
    for color in ("#0072B2", "#E69F00"):  # each optimizer's line
        target = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
        assert np.sum(np.all(np.abs(pixels.astype(int) - target) <= 12, axis=-1)) > 100, color
    assert sorted(path.name for path in tmp_path.iterdir()) == ["compare.gif", "compare.mp4", "compare.png", "loss.png"]


def test_failed_render_leaves_no_output(tmp_path, monkeypatch):
    problem, trajectory = _rosenbrock(100)
    from momentumlab.render import engine

    calls = {"count": 0}
    original = engine.Blitter.frame

    def failing_frame(self, step):
        calls["count"] += 1
        if calls["count"] > 5:
            raise RuntimeError("killed mid-render")
        return original(self, step)

    monkeypatch.setattr(engine.Blitter, "frame", failing_frame)
    outputs = {"gif": tmp_path / "a.gif", "mp4": tmp_path / "a.mp4"}
    with pytest.raises(RuntimeError, match="killed mid-render"):
        render_run(problem, trajectory, "t", SMALL, outputs, tmp_path / "a.png", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_formats_outside_the_settings_are_refused(tmp_path):
    problem, trajectory = _rosenbrock(50)
    gif_only = Animation(width=320, height=180, fps=12, frames=12, hold_seconds=0.5, formats=("gif",))
    with pytest.raises(ValueError):
        render_run(problem, trajectory, "t", gif_only, {"mp4": tmp_path / "a.mp4"}, tmp_path / "a.png", progress=False)
    assert list(tmp_path.iterdir()) == []


def _pixels(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("kind", ["linear_regression", "rosenbrock"])
def test_a_cached_backdrop_does_not_leak_one_run_into_the_next(tmp_path, kind):
    from momentumlab.render import figures

    if kind == "linear_regression":
        problem = make_problem(kind, data=make_line_data(0))
        start, lr, steps = (-20.0, -20.0), 0.01, 150
    else:
        problem = make_problem(kind)
        start, lr, steps = (-1.5, 2.5), 1e-3, 300
    first = run(problem, "momentum", lr, 0.9, start, steps)
    second = run(problem, "sgd", lr, 0.0, start, steps)

    def render(trajectory, title, name):
        render_run(problem, trajectory, title, SMALL, {"gif": tmp_path / f"{name}.gif"}, tmp_path / f"{name}.png",
                   progress=False)
        return _pixels(tmp_path / f"{name}.png"), (tmp_path / f"{name}.gif").read_bytes()

    figures.clear_cache()
    first_poster, _ = render(first, f"{kind}: momentum (numpy)", "first")
    warm_poster, warm_gif = render(second, f"{kind}: sgd (numpy)", "warm")
    assert len(figures._backdrops) == 1  # the second render reused the first one's figure
    figures.clear_cache()
    cold_poster, cold_gif = render(second, f"{kind}: sgd (numpy)", "cold")
    assert not np.array_equal(first_poster, cold_poster)
    assert np.array_equal(warm_poster, cold_poster)
    assert warm_gif == cold_gif


def test_a_different_problem_object_gets_its_own_backdrop(tmp_path):
    from momentumlab.render import figures

    figures.clear_cache()
    for seed in (0, 1):
        problem = make_problem("linear_regression", data=make_line_data(seed))
        trajectory = run(problem, "momentum", 0.01, 0.9, (-20.0, -20.0), 50)
        render_run(problem, trajectory, "t", SMALL, {}, tmp_path / f"{seed}.png", progress=False)
    assert not np.array_equal(_pixels(tmp_path / "0.png"), _pixels(tmp_path / "1.png"))
    assert len(figures._backdrops) == 2


@pytest.mark.parametrize("width, height", [(960, 540), (320, 180)])
def test_a_long_title_stays_clear_of_the_status_line(width, height):
    from momentumlab.render import figures
    from momentumlab.render.figures import run_scene
    from momentumlab.render.style import font_scale, rc_context

    problem = make_problem("linear_regression", data=make_line_data(0))
    trajectory = run(problem, "momentum", 0.01, 0.9, (-20.0, -20.0), 1000)
    title = "Linear regression (50 points): momentum (tensorflow)"
    with rc_context(width, height):
        scene = run_scene(problem, trajectory, title, width, height)
        try:
            header = scene.header
            renderer = scene.figure.canvas.get_renderer()
            title_box = scene.layers[-1].get_window_extent(renderer)
            for step in (0, 1, 10, 1000):
                header.update(step)
                status_box = header.status.get_path().get_extents(header.status.get_transform())
                assert title_box.x1 < status_box.x0
            assert title_box.x0 >= 0 and status_box.x1 <= width
            shown = scene.layers[-1]
            assert " ".join(shown.get_text().split()).startswith("Linear regression (50 points):")  # never cut
            assert "…" not in shown.get_text()
            assert shown.get_fontsize() * scene.figure.dpi / 72 >= figures.TITLE_MIN_PX * font_scale(scene.figure) - 1e-9
        finally:
            scene.close()


def test_title_forms_wrap_after_the_experiment_then_drop_the_runs_asides():
    from momentumlab.render.figures import title_candidates

    forms = title_candidates("Two momentum forms under a schedule: Keras form (v in parameter units) (numpy)")
    assert forms == ["Two momentum forms under a schedule: Keras form (v in parameter units) (numpy)",
                     "Two momentum forms under a schedule:\nKeras form (v in parameter units) (numpy)",
                     "Two momentum forms under a schedule: Keras form",
                     "Two momentum forms under a schedule:\nKeras form"]
    assert title_candidates("Beale function") == ["Beale function"]


def _sweep_result(final_distance, final_loss=None, diverged_at=None, settled_at=None, has_optimum=True):
    from momentumlab.sweep import SweepResult

    shape = np.shape(final_distance)
    lr, momentum = np.geomspace(1e-4, 1e-1, shape[1]), np.linspace(0.0, 0.9, shape[0])
    return SweepResult(
        method="momentum", steps=50, tolerance=1e-3, lr=lr, momentum=momentum,
        final_params=np.zeros((*shape, 2)),
        final_loss=np.zeros(shape) if final_loss is None else np.asarray(final_loss, float),
        final_distance=np.asarray(final_distance, float),
        diverged_at=np.full(shape, -1) if diverged_at is None else np.asarray(diverged_at),
        settled_at=np.zeros(shape, int) if settled_at is None else np.asarray(settled_at),
        has_optimum=has_optimum,
    )


def _hatched_pixels(path):
    """Pixels of the diverged cells' grey face (the legend's sample adds a few hundred)."""
    from matplotlib.colors import to_rgb

    from momentumlab.render.heatmap import DIVERGED_FACE

    rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
    face = np.array([round(255 * c) for c in to_rgb(DIVERGED_FACE)])
    return int(np.sum(np.all(np.abs(rgb - face) <= 2, axis=-1)))


def test_a_sweep_that_ends_at_distance_zero_is_coloured_not_hatched(tmp_path):
    from momentumlab.render.heatmap import panels_for, render_sweep_heatmap

    # Rosenbrock from (1, 1): every run stays on the optimum, distance and steps exactly 0.
    zeros = _sweep_result(np.zeros((4, 5)))
    render_sweep_heatmap(zeros, tmp_path / "zeros.png", "from the optimum")
    # Himmelblau: one cell lands exactly on a minimum, the others nearby; one cell diverged.
    distance = np.geomspace(1e-6, 1.0, 20).reshape(4, 5)
    distance[1, 2] = 0.0
    diverged = np.full((4, 5), -1)
    diverged[3, 4], distance[3, 4] = 7, np.nan
    mixed = _sweep_result(distance, diverged_at=diverged, settled_at=np.full((4, 5), 9))
    render_sweep_heatmap(mixed, tmp_path / "mixed.png", "one exact zero")
    render_sweep_heatmap(_sweep_result(np.ones((4, 5))), tmp_path / "ones.png", "nowhere near")
    # only the legend's "diverged" sample (and antialiased panel borders) is grey: no cell is drawn as diverged,
    # which would add thousands of pixels (one cell: about 95 × 100 px on each panel)
    assert _hatched_pixels(tmp_path / "zeros.png") == pytest.approx(_hatched_pixels(tmp_path / "ones.png"), abs=600)
    one_cell = _hatched_pixels(tmp_path / "mixed.png") - _hatched_pixels(tmp_path / "ones.png")
    assert 4000 < one_cell < 25_000  # the diverged cell on both panels (2 × about 95 × 100 px, less the hatching)
    assert all(panel.zeros().all() for panel in panels_for(zeros))
    assert panels_for(mixed)[0].zeros().sum() == 1 and mixed.best() == (1, 2)


@pytest.mark.parametrize("smallest", [1e-130, 0.0, 3e-13])
def test_the_distance_colour_bar_stops_at_the_floor_with_a_few_readable_labels(tmp_path, monkeypatch, smallest):
    from matplotlib.figure import Figure

    from momentumlab.render import heatmap

    bars = []
    original = Figure.colorbar
    monkeypatch.setattr(Figure, "colorbar", lambda self, *a, **k: bars.append(original(self, *a, **k)) or bars[-1])
    distance = np.geomspace(1e-30, 2.0, 20).reshape(4, 5)  # a quadratic sweep: the best runs end far below rounding
    distance[0, 0] = smallest
    heatmap.render_sweep_heatmap(_sweep_result(distance, settled_at=np.full((4, 5), 9)), tmp_path / "s.png", "floor",
                                 floor=1e-12)
    bar = bars[0]
    assert bar.norm.vmin == pytest.approx(1e-12) and bar.norm.vmax == pytest.approx(2.0)
    figure = bar.ax.figure
    renderer = figure.canvas.get_renderer()
    labels = [t for t in bar.ax.yaxis.get_ticklabels() if t.get_visible() and t.get_text()
              and bar.norm.vmin * 0.999 <= t.get_position()[1] <= bar.norm.vmax]
    assert 3 <= len(labels) <= heatmap.BAR_TICKS
    assert labels[0].get_text() == "≤ 10⁻¹²"  # the lowest colour holds everything at or below the floor
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda box: box.y0)
    assert all(low.y1 <= high.y0 for low, high in zip(boxes, boxes[1:]))  # no two labels overlap


@pytest.mark.parametrize("cells", [0.0, 0.5, 1.0])
def test_the_best_star_stays_whole_beside_or_on_polyaks_point_and_the_crosshair_shows(tmp_path, monkeypatch, cells):
    from matplotlib.figure import Figure

    from momentumlab.palette import THEORY_COLOR
    from momentumlab.render import heatmap

    axes = []
    original = Figure.colorbar
    monkeypatch.setattr(Figure, "colorbar", lambda self, *a, **k: axes.append(k["ax"]) or original(self, *a, **k))
    rows, columns = np.mgrid[0:20, 0:24]
    away = np.abs(rows - 10) + np.abs(columns - 12)  # a fine grid (cells smaller than the marks), best in the middle
    result = _sweep_result(1e-9 * 10.0 ** away, settled_at=10 + away)
    q, p = result.best()
    assert (q, p) == (10, 12)
    lr = result.lr[p] * (result.lr[1] / result.lr[0]) ** cells  # Polyak's pair this many cells to the right

    def render(theory_lr, theory_mu, name):
        """(white pixels around the star, theory-coloured pixels around Polyak's point) with Polyak's pair there."""
        axes.clear()
        path = tmp_path / f"{name}.png"
        heatmap.render_sweep_heatmap(result, path, "marks", theory=[("Polyak optimum", theory_lr, theory_mu)])
        rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)

        def patch(lr_, mu_):
            x, y = axes[0].transData.transform((lr_, mu_))
            top, left = rgb.shape[0] - int(round(y)), int(round(x))
            return rgb[top - 16:top + 17, left - 16:left + 17]

        theory = [int(THEORY_COLOR[i:i + 2], 16) for i in (1, 3, 5)]
        return (np.all(patch(result.lr[p], result.momentum[q]) >= 245, axis=-1),
                np.abs(patch(theory_lr, theory_mu) - theory).sum(axis=-1) < 40)

    star_alone, _ = render(result.lr[0], result.momentum[0], "apart")
    _, cross_alone = render(result.lr[p] * 3.0, result.momentum[q - 5], "cross")
    star, cross = render(lr, result.momentum[q], "both")
    assert star_alone.sum() > 40 and cross_alone.sum() > 40
    assert (star & star_alone).sum() >= 0.9 * star_alone.sum()  # the star is whole
    assert cross.sum() >= 0.5 * cross_alone.sum()  # and most of the crosshair shows around or beside it


def test_bar_decades_are_few_and_clear_of_the_bottom_label():
    from momentumlab.render.heatmap import bar_decades

    assert bar_decades(1e-12, 2.0) == pytest.approx([1e-9, 1e-6, 1e-3, 1.0])
    assert bar_decades(1e-12, 1e-11) == pytest.approx([1e-11]) and bar_decades(1e-12, 5e-12) == []
    assert len(bar_decades(1e-300, 1e3)) <= 5 and bar_decades(1e-300, 1e3)[-1] == pytest.approx(1e3)


def test_the_zero_legend_entry_is_there_only_when_a_value_is_zero(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from momentumlab.render import heatmap

    labels = []
    original = Figure.legend

    def spy(self, *args, **kwargs):
        labels.append([handle.get_label() for handle in kwargs["handles"]])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "legend", spy)
    heatmap.render_sweep_heatmap(_sweep_result(np.zeros((3, 3))), tmp_path / "a.png", "zero")
    heatmap.render_sweep_heatmap(_sweep_result(np.ones((3, 3)), settled_at=np.full((3, 3), 5)),
                                 tmp_path / "b.png", "one")
    assert any("exactly 0" in label for label in labels[0])
    assert not any("exactly 0" in label or "0 steps" in label for label in labels[1])


def test_a_run_that_starts_on_the_optimum_draws_its_distance_curve(tmp_path):
    from momentumlab.render.panels import DistancePanel

    problem = make_problem("rosenbrock")
    trajectory = run(problem, "momentum", 1e-3, 0.9, (1.0, 1.0), 20)
    assert np.all(trajectory.distance(problem) == 0)
    assert DistancePanel(problem, trajectory).has_curve
    render_run(problem, trajectory, "on the optimum", SMALL, {}, tmp_path / "zero.png", progress=False)
    assert not DistancePanel(make_problem("saddle"), trajectory).has_curve


def _drawn_text_extents(figure):
    """Every visible text's window extent as drawn (mplot3d moves tick labels during its draw)."""
    from unittest import mock

    from matplotlib.text import Text

    seen = {}
    original = Text.draw

    def spy(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text():
            seen[id(self)] = (self, self.get_window_extent(renderer))

    with mock.patch.object(Text, "draw", spy):
        figure.canvas.draw()
    return seen


def _outside(figure, boxes):
    frame = figure.bbox
    return [(name, [round(v) for v in box.extents]) for name, box in boxes
            if box.x0 < frame.x0 - 0.5 or box.y0 < frame.y0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y1 > frame.y1 + 0.5]


def _race_runs(problem, start, lr, steps=100):
    runs = {}
    for method in ("sgd", "momentum", "nesterov"):
        trajectory = run(problem, method, lr, 0.0 if method == "sgd" else 0.9, start, steps)
        runs[RunKey(method, "numpy")] = runs[RunKey(method, "tensorflow")] = trajectory
    return runs


@pytest.mark.parametrize("width, height", [(320, 180), (3840, 2160)])
def test_legends_and_axis_labels_stay_inside_the_figure(width, height):
    from momentumlab.render.figures import compare_scene, run_scene
    from momentumlab.render.timeline import RIBBON_LABEL
    from momentumlab.render.style import rc_context

    problem = make_problem("rosenbrock")
    runs = _race_runs(problem, (-1.5, 2.5), 1e-3)
    with rc_context(width, height):
        for scene in (compare_scene(problem, runs, "Rosenbrock valley", width, height),
                      run_scene(problem, runs[RunKey("momentum", "numpy")], "Rosenbrock valley: momentum (numpy)", width, height)):
            try:
                figure = scene.figure
                texts = _drawn_text_extents(figure)
                renderer = figure.canvas.get_renderer()
                boxes = [(text.get_text(), box) for text, box in texts.values()]
                boxes += [("legend", legend.get_window_extent(renderer)) for legend in figure.legends]
                assert _outside(figure, boxes) == []
                for legend in figure.legends:  # the race legend sits below every axis' labels
                    top = legend.get_window_extent(renderer).y1
                    for ax in figure.axes:
                        for label in (ax.xaxis.label, *ax.get_xticklabels()):
                            if id(label) in texts and ax.name != "3d" and ax.get_label() != RIBBON_LABEL:
                                assert texts[id(label)][1].y0 >= top - 0.5, (label.get_text(), top)
            finally:
                scene.close()


@pytest.mark.parametrize("kind, start", [("quadratic", (-4.0, 3.0)), ("rosenbrock", (-1.5, 2.5)), ("beale", (1.0, 1.5))])
@pytest.mark.parametrize("width, height", [(960, 540), (3840, 2160)])
def test_3d_axis_labels_do_not_overlap_their_tick_labels(kind, start, width, height):
    from momentumlab.render.figures import clear_cache, run_scene
    from momentumlab.render.style import rc_context

    clear_cache()
    problem = make_problem(kind)
    trajectory = run(problem, "momentum", 1e-3, 0.9, start, 20)
    with rc_context(width, height):
        scene = run_scene(problem, trajectory, kind, width, height)
        try:
            texts = _drawn_text_extents(scene.figure)
            surface = next(ax for ax in scene.figure.axes if ax.name == "3d")
            for axis in (surface.xaxis, surface.yaxis):
                label = texts[id(axis.label)][1]
                ticks = [texts[id(tick)] for tick in axis.get_ticklabels() if id(tick) in texts]
                assert ticks, "tick labels were drawn"
                assert not [text.get_text() for text, box in ticks if box.overlaps(label)], axis.axis_name
                # and no tick label hides under another panel nor leaves the figure ("−2" under the distance panel)
                others = [ax.get_window_extent() for ax in scene.figure.axes if ax is not surface and ax.get_visible()]
                assert not [text.get_text() for text, box in ticks if any(box.overlaps(o) for o in others)]
                assert all(scene.figure.bbox.contains(box.x0, box.y0) and scene.figure.bbox.contains(box.x1, box.y1)
                           for _, box in ticks)
        finally:
            scene.close()


def test_the_slower_run_stays_visible_where_paths_share_their_first_steps(tmp_path):
    from matplotlib.colors import to_rgb

    from momentumlab.palette import METHOD_COLORS

    problem = make_problem("quadratic", {"kappa": 100, "angle": 30})  # the default race
    runs = {RunKey(method, "numpy"): run(problem, method, 0.01, 0.0 if method == "sgd" else 0.9, (-4.0, 3.0), 400)
            for method in ("sgd", "momentum", "nesterov")}
    settings = Animation(width=1280, height=720, fps=12, frames=4, hold_seconds=0.0, formats=())
    render_compare(problem, runs, "race", settings, {}, tmp_path / "race.png", progress=False)
    pixels = np.asarray(Image.open(tmp_path / "race.png").convert("RGB")).astype(int)[:, :640]  # the contour
    for color in (METHOD_COLORS[method] for method in ("sgd", "momentum", "nesterov")):
        target = np.array([round(255 * c) for c in to_rgb(color)])
        # a path hidden under another shows only its head marker (about 180 px of its colour at this size)
        assert np.sum(np.all(np.abs(pixels - target) <= 12, axis=-1)) > 200, color


def test_loss_plot_text_is_legible_on_a_phone_and_inside_the_figure():
    import matplotlib

    from momentumlab.render.static import LOSS_PLOT_SIZE, LOSS_TEXT_SCALE, loss_overlay_figure
    from momentumlab.render.style import scaled_rc

    problem, momentum = _rosenbrock(200)
    runs = {RunKey("sgd", "numpy"): run(problem, "sgd", 1.5e-5, 0.0, (-5.0, -5.0), 200), RunKey("momentum", "numpy"): momentum,
            RunKey("momentum", "tensorflow"): momentum}
    phone = 364  # CSS pixels of the report's content column on a 390 px wide phone
    with matplotlib.rc_context(scaled_rc(*LOSS_PLOT_SIZE, LOSS_TEXT_SCALE)):
        figure = loss_overlay_figure(runs, "Rosenbrock: loss per step")
        texts = _drawn_text_extents(figure)
    renderer = figure.canvas.get_renderer()
    boxes = [(text.get_text(), box) for text, box in texts.values()]
    assert _outside(figure, boxes + [("legend", figure.legends[0].get_window_extent(renderer))]) == []
    for text, box in texts.values():
        shown = text.get_fontsize() * figure.dpi / 72 * phone / figure.bbox.width
        assert shown >= 10, (text.get_text(), shown)


RENDER = Path(__file__).resolve().parents[1] / "src" / "momentumlab" / "render"
# Each render module and the render modules it may import: scenes use panels use artists, the
# engine draws any scene without knowing how one is built, still pictures use the style alone.
ALLOWED_IMPORTS = {
    "style": set(),
    "artists": set(),
    "engine": set(),
    "timeline": {"style"},
    "panels": {"artists", "style", "timeline"},
    "figures": {"engine", "panels", "artists", "style", "timeline"},
    "static": {"style"},
    "heatmap": {"style"},
    "modes": {"style", "titles"},
    "titles": set(),
    "sharpness": {"style"},
    "__init__": {"figures", "static", "heatmap"},
    "media": {"figures", "static", "heatmap", "modes", "sharpness", "timeline"},  # one experiment's files: the top of the package
}


def _render_imports(path):
    """The ``momentumlab.render`` modules that a module's source imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["momentumlab", "render"] and len(parts) > 2 and (RENDER / f"{parts[2]}.py").exists():
                found.add(parts[2])
    return found


def test_render_has_a_handful_of_modules_and_imports_go_one_way():
    modules = {path.stem: path for path in RENDER.glob("*.py")}
    assert len(modules) <= 14 and set(modules) == set(ALLOWED_IMPORTS)
    for name, path in modules.items():
        assert _render_imports(path) <= ALLOWED_IMPORTS[name], name


def test_render_writes_files_only_through_the_atomic_file_module():
    for path in RENDER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert "os" not in [alias.name for alias in node.names], path.name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # Path.rename / Path.replace take one argument (str.replace takes two)
                assert node.func.attr != "rename", path.name
                assert not (node.func.attr == "replace" and len(node.args) == 1), path.name



def test_landscapes_are_kept_per_problem_value_and_per_data_set():
    from momentumlab.render.figures import clear_cache, kept_landscape

    clear_cache()
    window = ((-2.0, 2.0), (-1.0, 3.0))
    assert kept_landscape(make_problem("rosenbrock"), window, 20) is kept_landscape(make_problem("rosenbrock"), window, 20)
    assert kept_landscape(make_problem("rosenbrock", {"b": 10}), window, 20).problem.b == 10
    regressions = [make_problem("linear_regression", data=make_line_data(seed)) for seed in (0, 1)]
    first, second = (kept_landscape(problem, window, 20) for problem in regressions)
    assert first.problem is regressions[0] and second.problem is regressions[1]
    assert not np.array_equal(first.values, second.values)
    assert kept_landscape.cache_info().currsize == 4  # the two rosenbrocks, the two data sets


@pytest.mark.parametrize("scene_kind", ["race", "run"])
def test_the_quadratic_valley_is_drawn_at_its_configured_angle(scene_kind):
    """True geometry: the lowest contours' principal axis in a rendered frame is the configured 30°
    within 2° (and the same picture stretched 2× sideways would read ~16°, so the measure can fail)."""
    from momentumlab.render.engine import Blitter
    from momentumlab.render.figures import compare_scene, run_scene
    from momentumlab.render.style import rc_context
    from valley import valley_angle

    problem = make_problem("quadratic", {"kappa": 100, "angle": 30})
    trajectory = run(problem, "momentum", 0.01, 0.9, (-4.0, 3.0), 400)
    with rc_context(960, 540):
        scene = (compare_scene(problem, {RunKey("momentum", "numpy"): trajectory}, "race", 960, 540) if scene_kind == "race"
                 else run_scene(problem, trajectory, "run", 960, 540))
        try:
            ax = next(ax for ax in scene.figure.axes if ax.name != "3d" and ax.get_xlabel() == "x")
            frame = np.asarray(Blitter(scene).frame(400)).reshape(540, 960, 4)[..., :3]
            box = ax.bbox
            crop = frame[int(540 - box.y1) + 2: int(540 - box.y0) - 2, int(box.x0) + 2: int(box.x1) - 2]
        finally:
            scene.close()
    assert valley_angle(crop) == pytest.approx(30.0, abs=2.0)
    stretched = np.asarray(Image.fromarray(crop.copy()).resize((2 * crop.shape[1], crop.shape[0]), Image.NEAREST))
    assert valley_angle(stretched) < 20.0


@pytest.mark.parametrize(("low", "high"), [(600.0, 1000.0), (300.0, 1000.0), (999.0, 1000.0), (1.0, 1e4),
                                           (2e-3, 3e-3), (1e-12, 5e-12), (0.5, 20.0)])
def test_a_log_colour_bar_names_at_least_three_values_whatever_its_range(low: float, high: float) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from momentumlab.render.heatmap import MIN_BAR_LABELS, _at_least_three_labels, few_ticks, power_label

    ticks = few_ticks(low, high)
    assert len(ticks) >= MIN_BAR_LABELS and all(low * (1 - 1e-9) <= t <= high * (1 + 1e-9) for t in ticks)
    figure, ax = plt.subplots()
    try:
        norm = LogNorm(low, high)
        bar = figure.colorbar(plt.cm.ScalarMappable(norm=norm), ax=ax)
        _at_least_three_labels(bar, norm, False, lambda v, digits: power_label(v, None, digits))
        figure.canvas.draw()
        shown = [t.get_text() for t in bar.ax.yaxis.get_ticklabels() if t.get_visible() and t.get_text()
                 and low * (1 - 1e-9) <= t.get_position()[1] <= high * (1 + 1e-9)]
    finally:
        plt.close(figure)
    assert len(shown) >= MIN_BAR_LABELS and len(set(shown)) == len(shown)


def test_a_step_count_tick_reads_as_a_whole_number() -> None:
    from momentumlab.render.heatmap import count_label

    assert [count_label(v) for v in (800.0, 1200.0, 1600.0, 999.5)] == ["800", "1200", "1600", "1e+03"]
    assert count_label(999.5, 4) == "999.5"
