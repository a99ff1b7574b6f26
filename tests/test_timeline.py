"""Time made visible and true geometry: frame spacing, schedule changes, the step ribbon, equal aspect."""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.landscape import equal_aspect_window
from momentumlab.sampling import animation_steps
from momentumlab.schedules import Schedule


def test_linear_spacing_spreads_frames_evenly_and_log_crowds_the_start() -> None:
    linear, log = animation_steps(1000, 11, "linear"), animation_steps(1000, 11, "log")
    assert list(linear) == list(range(0, 1001, 100))
    assert log[0] == 0 and log[-1] == 1000 and log[1] < linear[1] / 2  # the fast start gets frames of its own
    with pytest.raises(ValueError, match="animation.spacing"):
        animation_steps(10, 3, "cubic")


def test_schedule_changes_name_each_cut_and_its_new_multiplier() -> None:
    piecewise = Schedule(kind="piecewise", boundaries=(60, 120), values=(1.0, 0.3, 0.1))
    assert piecewise.changes(300) == [(60, "η × 0.3"), (120, "η × 0.1")]
    assert piecewise.changes(100) == [(60, "η × 0.3")]
    cosine = Schedule(kind="cosine", decay_steps=400, alpha=0.1, warmup_steps=50)
    assert cosine.changes(1000) == [(50, "warm-up ends"), (450, "η × 0.1 from here")]
    assert Schedule().changes(100) == [] and Schedule(kind="exponential", decay_rate=0.5).changes(100) == []


def test_the_ribbon_fills_the_steps_each_frame_covers() -> None:
    from momentumlab.render.timeline import StepRibbon

    ribbon = StepRibbon(np.array([0, 1, 3, 10, 40]))
    assert ribbon.covered(0) == (0, 0)
    assert ribbon.covered(3) == (2, 3)  # after the previous frame's step 1, up to 3
    assert ribbon.covered(40) == (11, 40)


@pytest.mark.parametrize("window, width, height", [(((-1, 1), (-1, 1)), 960, 600), (((-2, 4), (-1.5, 3.5)), 384, 144),
                                                   (((0, 1), (0, 10)), 500, 500)])
def test_an_equal_aspect_window_contains_the_window_and_spans_equal_units_per_pixel(window, width, height) -> None:
    (x0, x1), (y0, y1) = fitted = equal_aspect_window(window, width, height)
    assert (x1 - x0) / width == pytest.approx((y1 - y0) / height)
    assert x0 <= window[0][0] and x1 >= window[0][1] and y0 <= window[1][0] and y1 >= window[1][1]
    assert (x0 + x1) / 2 == pytest.approx(sum(window[0]) / 2) and (y0 + y1) / 2 == pytest.approx(sum(window[1]) / 2)
    assert fitted[0] == window[0] or fitted[1] == window[1]  # one axis keeps its extent


def test_the_scrubber_ticks_schedule_changes_at_its_shared_steps() -> None:
    from momentumlab.backends.numpy_backend import run
    from momentumlab.problems import make_problem
    from momentumlab.report.scrubber import scrubber_data
    from momentumlab.runs import RunKey

    problem = make_problem("quadratic", {"kappa": 10, "angle": 30})
    runs = {RunKey("keras", "numpy", method="momentum"): run(problem, "momentum", 0.01, 0.9, (-4.0, 3.0), 300)}
    data = scrubber_data(runs, 300, {"x": [-5, 5], "y": [-5, 5], "width": 960, "height": 600}, max_points=50,
                         changes=[(60, "η × 0.3"), (120, "η × 0.1")])
    for change in data["changes"]:
        index = change["index"]
        assert data["steps"][index] >= change["step"] and (index == 0 or data["steps"][index - 1] < change["step"])
    assert data["runs"][0]["color"] == "#E69F00" and data["runs"][0]["optimizer"] == "keras"
