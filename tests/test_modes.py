"""A constant-Hessian run's error along each eigenvector equals the exact iteration (powers of each mode's map)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from momentumlab.backends import run
from momentumlab.config import parse_config
from momentumlab.eigenmodes import has_modes, mode_rows, mode_runs
from momentumlab.modes import mode_run
from momentumlab.problems import LinearRegression, Quadratic, make_problem
from momentumlab.runs import RunKey
from momentumlab.stability import stability_bound
from momentumlab.theory import polyak_parameters


@pytest.mark.parametrize("seed", range(12))
def test_measured_modes_equal_the_exact_iteration(seed: int) -> None:
    rng = random.Random(seed)
    kappa = 10 ** rng.uniform(0, 3)
    problem = Quadratic(kappa=kappa, angle=rng.uniform(-90, 90))
    method = ("sgd", "momentum", "nesterov")[seed % 3]
    momentum = 0.0 if method == "sgd" else rng.uniform(0, 0.95)
    lr = rng.uniform(0.05, 0.95) * stability_bound(method, momentum) / kappa  # stable: every mode decays
    form = {"momentum_form": rng.choice(["keras", "pytorch"])} if method != "sgd" else {}
    trajectory = run("numpy", problem, method, lr, momentum, (rng.uniform(-5, 5), rng.uniform(-5, 5)), 300, options=form)
    modes = mode_run(problem, "r", method, lr, momentum, trajectory.params)
    assert modes.deviation <= 1e-9
    assert (modes.radii < 1).all()


def test_polyaks_point_shows_the_transient_that_rho_alone_misses() -> None:
    problem = Quadratic(kappa=100)
    lr, momentum = polyak_parameters(1.0, 100.0)
    trajectory = run("numpy", problem, "momentum", lr, momentum, (-4.0, 3.0), 200)
    modes = mode_run(problem, "polyak", "momentum", lr, momentum, trajectory.params)
    assert modes.deviation <= 1e-9
    stiff = np.abs(modes.measured[:, 1])
    assert stiff.max() > 3 * stiff[0]  # grows before it decays: t·ρ^(t−1)
    envelope = stiff[0] * modes.radii[1] ** np.arange(len(stiff))
    assert (stiff[1:60] > envelope[1:60]).all()  # above ρ^t·|c(0)| all along the transient


def test_linear_regression_modes_and_rows() -> None:
    data = {"x": np.linspace(-2, 12, 50), "y": 3 * np.linspace(-2, 12, 50) + 1}
    problem = LinearRegression(x=data["x"], y=data["y"])
    config = parse_config({"experiments": {"line": {
        "problem": "linear_regression", "steps": 300, "start": [-5, 5], "backends": ["numpy"],
        "optimizers": {"sgd": {"method": "sgd", "lr": 0.005}, "hb": {"method": "momentum", "lr": 0.005, "momentum": 0.8},
                       "adam": {"method": "adam", "lr": 0.1}}}}})
    experiment = config.experiments[0]
    assert has_modes(experiment)
    runs = {RunKey(spec.name, "numpy"): run("numpy", problem, spec.method, spec.lr, spec.momentum or 0.0,
                                             experiment.start, experiment.steps) for spec in experiment.optimizers}
    modes = mode_runs(experiment, problem, runs)
    assert [m.label for m in modes] == ["sgd", "hb", "heavy ball at Polyak's point"]  # adam has no one-mode map
    rows = mode_rows("line", modes)
    assert all(row["deviation"] <= 1e-9 for row in rows)
    assert rows[-1]["peak_growth"][1] > 1


def test_modes_still_is_drawn(tmp_path) -> None:
    from momentumlab.render.modes import render_modes

    problem = Quadratic(kappa=100)
    trajectory = run("numpy", problem, "momentum", 0.01, 0.9, (-4.0, 3.0), 200)
    path = tmp_path / "modes.png"
    render_modes([mode_run(problem, "hb", "momentum", 0.01, 0.9, trajectory.params)], path, "modes", 1e-12)
    with Image.open(path) as image:
        assert image.size == (1280, 520)
        assert len(np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0)) > 50


def test_only_constant_hessian_experiments_with_a_constant_rate_sgd_family_run_get_modes() -> None:
    def experiment(problem: str, schedule: dict | None = None):
        spec = {"method": "momentum", "lr": 0.01, "momentum": 0.9, **({"schedule": schedule} if schedule else {})}
        return parse_config({"experiments": {"e": {"problem": problem, "optimizers": {"m": spec}}}}).experiments[0]

    assert has_modes(experiment("quadratic"))
    assert not has_modes(experiment("rosenbrock"))
    assert not has_modes(experiment("quadratic", {"kind": "piecewise", "boundaries": [5], "values": [1.0, 0.1]}))


@pytest.mark.parametrize("panels", [3, 5])
def test_long_panel_titles_and_tick_labels_never_overlap_or_leave_the_figure(panels: int) -> None:
    import matplotlib

    from momentumlab.render.modes import modes_figure
    from momentumlab.render.style import scaled_rc

    problem = Quadratic(kappa=100)
    trajectory = run("numpy", problem, "sgd", 0.001, 0.0, (-4.0, 3.0), 300)  # slow: the x axis runs to 300 steps
    labels = ["GD at η/(1 − μ) = 0.3 (ghost of the heavy-ball run)", "heavy ball at Polyak's point, the theory's pair",
              "GD at η/(1 − μ) = 0.0999 (ghost of hb)", "a_single_label_with_no_spaces_that_cannot_wrap_at_all",
              "heavy ball, η = 0.004"][:panels]
    modes = [mode_run(problem, label, "sgd", 0.001, 0.0, trajectory.params) for label in labels]
    with matplotlib.rc_context(scaled_rc(1280, 520)):
        figure = modes_figure(modes, "a long figure title: error along each eigenvector of the Hessian", 1e-12)
        renderer = figure.canvas.get_renderer()
        figure.draw(renderer)
        titles = [ax.title.get_window_extent(renderer) for ax in figure.axes[:panels]]
        shown = lambda labels: [t.get_window_extent(renderer) for t in labels if t.get_visible() and t.get_text()]  # noqa: E731
        ticks = [(shown(ax.get_xticklabels()), shown(ax.get_yticklabels())) for ax in figure.axes[:panels]]
        heading = figure._suptitle.get_window_extent(renderer)
        frame = figure.bbox
    from momentumlab.render.titles import MARGIN

    for box in titles:  # inside with a margin, under the figure's title
        assert frame.x0 + MARGIN - 1 <= box.x0 and box.x1 <= frame.x1 - MARGIN + 1 and box.y1 <= heading.y0
    for left, right in zip(titles, titles[1:]):
        assert left.x1 < right.x0  # side by side, never overlapping
    for (x_left, _), (_, y_right) in zip(ticks, ticks[1:]):  # a panel's step labels stop short of the next one's
        assert max(box.x1 for box in x_left) < min(box.x0 for box in y_right)
    plots = [ax.get_window_extent(renderer) for ax in figure.axes[:panels]]
    assert all(box.y0 >= plot.y1 for box, plot in zip(titles, plots))  # above its plot


def test_a_panel_title_never_repeats_what_the_label_says() -> None:
    """effective_rate's panels read "heavy ball, η = 0.004 / η = 0.004, μ = 0.5": the label already names η."""
    from momentumlab.render.modes import _panel_title

    problem = Quadratic(kappa=10)
    params = run("numpy", problem, "momentum", 0.004, 0.5, (-4.0, 3.0), 20).params
    assert _panel_title(mode_run(problem, "heavy ball, η = 0.004", "momentum", 0.004, 0.5, params)) == \
        "heavy ball, η = 0.004\nμ = 0.5"
    assert _panel_title(mode_run(problem, "momentum", "momentum", 0.004, 0.5, params)) == "momentum\nη = 0.004, μ = 0.5"
    assert _panel_title(mode_run(problem, "GD at η/(1 − μ) = 0.008", "sgd", 0.008, 0.0, params)) == "GD at η/(1 − μ) = 0.008"
