"""The sweep explorer's data file: grid, kept paths, size budget."""

from __future__ import annotations

import json

import numpy as np
import pytest

from momentumlab.palette import METHOD_COLORS
from momentumlab.problems import Quadratic
from momentumlab.report.explorer import GLOBAL, configured_points, explorer_data, explorer_script
from momentumlab.sweep import gather_chunks, run_chunk, sweep_grid

from problem_builders import experiment

BUDGET = 1_500_000


def swept(problem, **sweep):
    grid = sweep_grid(experiment(**sweep))
    return gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])


@pytest.mark.parametrize("points", [(24, 20), (60, 50)])
def test_data_file_stays_in_budget_whatever_the_grid(points: tuple[int, int]) -> None:
    result = swept(Quadratic(kappa=10), lr_points=points[0], momentum_points=points[1], steps=2000)
    text = explorer_script("exp", explorer_data(result))
    assert len(text.encode()) <= BUDGET
    data = json.loads(text.split(" = ", 2)[-1].rstrip(";\n"))
    assert len(data["value"]) == points[0] * points[1] == len(data["diverged_at"])
    assert len(data["paths"]) == min(points[0] * points[1], len(result.path_index))
    assert len(data["path_steps"]) == 48
    assert text.startswith(f"window.{GLOBAL} = window.{GLOBAL} || {{}};")


def test_a_diverged_path_ends_at_its_last_valid_point() -> None:
    result = swept(Quadratic(kappa=10))
    data = explorer_data(result)
    flat = int(np.flatnonzero(result.diverged.ravel())[0])
    path = np.array(data["paths"][str(flat)]).reshape(-1, 2)
    assert len(path) < len(data["path_steps"])
    np.testing.assert_allclose(path[-1], result.final_params.reshape(-1, 2)[flat], rtol=1e-4)
    assert data["value"][flat] is None and data["diverged_at"][flat] == int(result.diverged_at.ravel()[flat])


@pytest.mark.parametrize(("method", "key", "rows"), [("sgd", None, 1), ("adam", "beta_1", 5)])
def test_axes_follow_the_sweep_method(method: str, key: str | None, rows: int) -> None:
    result = swept(Quadratic(kappa=10), method=method)
    data = explorer_data(result)
    assert data["key"] == key and len(data["momentum"]) == rows
    assert len(data["value"]) == rows * len(data["lr"]) == len(data["settled_at"])
    assert data["best"] is None or data["value"][data["best"][0] * len(data["lr"]) + data["best"][1]] is not None


def test_a_heavy_ball_sweep_of_a_quadratic_carries_polyaks_point_and_its_run():
    from momentumlab.problems import Quadratic
    from momentumlab.report.explorer import explorer_data
    from momentumlab.records import theory_rows
    from momentumlab.theory import check_rates

    problem = Quadratic(kappa=100.0)
    rows = theory_rows("bowl", check_rates(problem, (-4.0, 3.0)))
    result = swept(problem, method="momentum")
    point = explorer_data(result, rows)["theory"]
    assert point["label"] == "Polyak optimum"
    assert point["lr"] == pytest.approx(4.0 / (1.0 + 10.0) ** 2) and point["momentum"] == pytest.approx((9 / 11) ** 2)
    path = np.reshape(point["path"], (-1, 2))
    assert len(path) == len(point["path_steps"]) and point["path_steps"][-1] == point["steps"]
    assert np.linalg.norm(path[-1]) < 1e-6 < np.linalg.norm(path[0])  # it starts at the start and ends at the optimum
    assert explorer_data(swept(problem, method="nesterov"), rows)["theory"] is None  # Polyak's pair is heavy ball's
    assert explorer_data(result, None)["theory"] is None


def test_the_colour_scale_stops_at_the_distance_floor():
    from momentumlab.floors import colour_range
    from momentumlab.report.explorer import colour_scale

    result = swept(Quadratic(kappa=10), steps=2000)  # the best runs end some 1e-100 from the optimum
    values = np.array([v for v in explorer_data(result)["value"] if v is not None])
    assert values.min() < 1e-30
    scale = explorer_data(result, floor=2e-12)["colour"]
    assert scale["lo"] == pytest.approx(np.log10(2e-12)) and scale["clipped"] and scale["bottom"] == "≤ 2e-12"
    assert scale["hi"] == pytest.approx(np.log10(values.max()))
    assert explorer_data(result)["colour"]["bottom"] == "≤ 1e-12"  # the relative floor without a given one
    assert colour_scale(np.array([1e-3, 0.1]), None) == {"lo": pytest.approx(-3), "hi": pytest.approx(-1),
                                                        "clipped": False, "bottom": "0.001", "floor": None}
    assert colour_range([1e-30, 1.0]).clipped and colour_range([1e-30, 1.0]).low == pytest.approx(1e-16)  # 16 decades at most
    assert colour_range([0.0, 1e-3, 1.0]).clipped and colour_range([0.0, 1e-3, 1.0]).low == pytest.approx(1e-3)  # 0: lowest colour
    assert colour_range([1e-12], 1e-12).high == pytest.approx(1e-11)  # one value: a decade above it


def test_the_cells_loss_is_the_excess_loss_the_tables_print() -> None:
    """The info line's loss is f − f* (as every table prints it), not the raw loss: with f* = 7.9 a settled
    cell must not read "final loss 7.9" beside a table's "< 1e-12"."""
    result = swept(Quadratic(kappa=10))
    raw, shifted = explorer_data(result), explorer_data(result, f_star=7.9)
    ok = [k for k, value in enumerate(raw["loss"]) if value is not None]
    assert ok and raw["loss_floor"] is None and shifted["loss_floor"] == pytest.approx(7.9e-12)
    finals = result.final_loss.ravel()
    for k in ok:
        assert shifted["loss"][k] == pytest.approx(finals[k] - 7.9, rel=1e-3, abs=1e-12)


def test_configured_points_wear_their_optimizers_colour() -> None:
    """A model sweep has no scrubber to take run colours from: the configured momentum run was drawn black on
    the moons explorer while the static sweep.png drew it orange."""
    record = {"configured": [{"optimizer": "momentum", "lr": 0.1, "momentum": 0.9}, {"optimizer": "x", "lr": None}]}
    assert configured_points(record) == [{"optimizer": "momentum", "lr": 0.1, "momentum": 0.9}]
    assert configured_points(record, {"momentum": METHOD_COLORS["momentum"]})[0]["color"] == METHOD_COLORS["momentum"]


@pytest.mark.parametrize("kind", ["quadratic", "linear_regression"])
@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_the_explorer_marks_the_theory_points_the_static_heatmap_draws(kind: str, method: str, monkeypatch) -> None:
    """Polyak's optimum (a crosshair, heavy ball only) and gradient descent's best step (a triangle): the explorer's
    ``theory_points`` are the markers ``render_sweep_media`` hands the heatmap, pair for pair and shape for shape."""
    from dataclasses import replace

    from momentumlab.problems import make_problem
    from momentumlab.render import heatmap, media
    from momentumlab.theory import theory_points

    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 5.0, 50)
    data = {"x": x, "y": 10.0 * x + rng.normal(0.0, 5.0, 50)}
    problem = make_problem(kind, {"kappa": 10.0, "angle": 30.0}, data)
    result = swept(problem, method=method)
    drawn: dict = {}
    monkeypatch.setattr(heatmap, "render_sweep_heatmap", lambda sweep, path, **kw: drawn.update(kw))
    media.render_sweep_media(replace(experiment(method=method), optimizers=()), problem, result, "unused.png")
    markers = heatmap.theory_points(drawn["theory"])
    shown = explorer_data(result, marks=theory_points(problem, result.method))["theory_points"]
    assert len(markers) == (2 if method == "momentum" else 1)
    assert [(p["lr"], p["momentum"], p["shape"]) for p in shown] == [
        (pytest.approx(m.lr), pytest.approx(m.momentum), "crosshair" if m.marker is heatmap.CROSSHAIR else "triangle")
        for m in markers]
    polyak = explorer_data(result, marks=theory_points(problem, result.method))["theory"]
    assert (polyak is None) is (method != "momentum")  # the crosshair the canvas draws is Polyak's pair of the marks
    if polyak is not None:
        assert (polyak["lr"], polyak["momentum"]) == (shown[0]["lr"], shown[0]["momentum"])
