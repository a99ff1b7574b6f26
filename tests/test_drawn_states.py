"""Every diverged or "no best" state is drawn as such; axes and legends say what the sweep varied."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

from momentumlab.config import parse_config
from momentumlab.problems import make_problem
from momentumlab.render.heatmap import best_point, distinct, draw_panel, model_best_point, panels_for
from momentumlab.sweep import gather_chunks, run_chunk, sweep_grid

matplotlib.use("Agg")


def _sweep(method: str, points: int = 3, extra: dict | None = None):  # noqa: ANN202
    entry = {"method": method, "lr": 0.01, **({"momentum": 0.9} if method == "momentum" else {}), **(extra or {})}
    experiment = parse_config({"experiments": {"bowl": {
        "problem": "quadratic", "params": {"kappa": 10}, "steps": 200, "backends": ["numpy"],
        "sweep": {"method": method, "lr_points": 4, "momentum_points": points, "lr_min": 1e-3, "lr_max": 0.1},
        "optimizers": {"o": entry}}}}).experiment("bowl")
    grid = sweep_grid(experiment)
    problem = make_problem("quadratic", experiment.params)
    return experiment, gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])


def test_a_diverged_model_run_has_no_step_of_lowest_test_loss() -> None:
    from momentumlab.model.run import run_model_experiment, summary_records
    from momentumlab.model.verdicts import verdict_sentences

    config = parse_config({"experiments": {"iris": {
        "problem": "logistic_regression", "dataset": {"kind": "iris"}, "params": {"l2": 1.0e6}, "steps": 12,
        "backends": ["numpy"], "sweep": {"enabled": False},
        "optimizers": {"sgd": {"method": "sgd", "lr": 0.1}, "heavy": {"method": "momentum", "lr": 0.1, "momentum": 0.9}}}}})
    (spec,) = config.model_experiments
    rows = summary_records(run_model_experiment(spec, data=spec.data()))["runs"]
    assert rows and all(row["diverged"] for row in rows)
    assert all(row["best_test_step"] is None and not row["overfitting"] for row in rows)
    assert not any(row["best"] for row in rows)
    sentences = verdict_sentences([r for r in rows if r["backend"] == "numpy"], [])
    assert sentences[0] == "No run is best by the rule." and not any("lowest at step" in s for s in sentences)


def test_the_models_table_shows_a_dash_not_step_0_for_a_run_diverged_everywhere() -> None:
    from momentumlab.report.environment import make_environment

    templates = Path(__file__).resolve().parents[1] / "templates"
    environment = make_environment(templates)
    source = (templates / "_models.html.j2").read_text(encoding="utf-8")
    row = source[source.index("{% for run in m.runs %}"):source.index("{% endfor %}", source.index("best_test_step"))]
    html = environment.from_string(row + "{% endfor %}").render(m={"runs": [{
        "optimizer_label": "sgd", "backend": "numpy", "lr": 0.1, "momentum": 0.0, "seeds": 1, "final_train_loss": 1e16,
        "final_test_loss": 1e16, "final_test_accuracy": 0.3, "best_test_step": None, "best_test_loss": None,
        "overfitting": False, "diverged": True, "best": False, "settled_at": None, "settled_seeds": 0,
        "diverged_seeds": 1, "diverged_at": 2}]})
    assert "— (diverged on every seed)" in html and "step 0" not in html


def test_the_loss_plane_marks_no_best_end_without_a_best_run() -> None:
    from momentumlab.render.panels import PlanePanel

    class Plane:
        alphas = betas = np.linspace(-1.0, 1.0, 5)
        loss = np.ones((5, 5))
        explained_variance = np.array([0.6, 0.3])

    figure = matplotlib.figure.Figure()
    for best_end, marked in ((None, False), (np.array([0.1, 0.2]), True)):
        ax = figure.add_subplot()
        panel = PlanePanel.__new__(PlanePanel)
        panel.plane, panel.best_end = Plane(), best_end
        panel.draw_static(ax)
        texts = " ".join(text.get_text() for text in ax.texts)
        assert ("★" in texts) is marked, texts
        figure.clear()


def test_a_small_grid_draws_momentum_within_0_and_1() -> None:
    _, result = _sweep("momentum", points=2)
    figure = matplotlib.figure.Figure()
    ax = figure.add_subplot()
    draw_panel(ax, figure, result, panels_for(result)[0])
    low, high = ax.get_ylim()
    assert 0.0 <= low < high <= 1.0


def test_the_star_legend_tells_the_best_momentum_apart() -> None:
    axis = np.linspace(0.0, 0.99, 3)  # 0, 0.495, 0.99
    assert distinct(axis, 1) == "0.495"
    assert distinct(np.array([0.1, 0.1000001, 0.2]), 0) == "0.1"
    assert distinct(np.array([0.1, 0.1000001, 0.2]), 1) == "0.1000001"
    _, result = _sweep("momentum", points=3)
    star = best_point(result)
    assert star is not None
    q = int(np.flatnonzero(result.momentum == star.momentum)[0])
    assert f"μ = {distinct(result.momentum, q)}" in star.label


def test_an_adam_sweep_says_beta_1_and_draws_no_polyak_point(monkeypatch: pytest.MonkeyPatch) -> None:
    from momentumlab.render import heatmap, media
    from momentumlab.render.heatmap import configured_points

    drawn = {}
    monkeypatch.setattr(heatmap, "render_sweep_heatmap", lambda result, path, **kw: drawn.update(kw))
    for method, polyak in (("adam", False), ("momentum", True)):
        experiment, result = _sweep(method, points=3)
        media.render_sweep_media(experiment, make_problem("quadratic", experiment.params), result, "unused.png")
        assert any(label == "Polyak optimum" for label, _, _ in drawn["theory"]) is polyak
    star = best_point(_sweep("adam", points=3)[1])
    assert star is None or ("β₁ = " in star.label and "μ" not in star.label)
    (marker,) = configured_points([("adam", 0.01, 0.9)], "β₁")
    assert "β₁ = 0.9" in marker.label


@pytest.mark.parametrize("method, axis", [("adam", "β₁"), ("momentum", "μ")])
def test_the_sweep_text_names_its_axis(method: str, axis: str) -> None:
    from momentumlab.report.environment import make_environment

    templates = Path(__file__).resolve().parents[1] / "templates"
    environment = make_environment(templates)
    sweep = {"record": {"method": method, "best": {"lr": 0.01, "momentum": 0.495}, "lr": [0.01, 0.1],
                        "momentum": [0.0, 0.99]}, "image": "sweep.png", "best": [], "axis": axis}
    e = {"name": "bowl", "label": "Bowl", "has_optimum": True, "sweep": sweep, "problem": "quadratic"}
    figure = environment.get_template("_sweep.html.j2").render(e=e)
    assert f"(learning rate, {axis}) pair" in figure and "learning rate, momentum" not in figure


@pytest.mark.parametrize(("seeds", "band"), [(1, False), (5, True)])
def test_the_paths_caption_names_a_band_only_over_several_seeds(seeds: int, band: bool) -> None:
    """edge_of_stability runs one seed: its caption said "median over seeds with a min–max band" of a band it has not."""
    from momentumlab.report.environment import make_environment

    templates = Path(__file__).resolve().parents[1] / "templates"
    source = (templates / "_models.html.j2").read_text(encoding="utf-8")
    start = source.index("<figcaption>The whole paths at a glance")
    caption = source[start:source.index("</figcaption>", start)]
    html = make_environment(templates).from_string(caption).render(m={"seeds": seeds, "best": None})
    assert ("min–max band" in html) is band and ("median" in html) is band


def test_the_loss_plane_keeps_true_distances() -> None:
    """The plane's directions are orthonormal, so one unit spans as many pixels each way (a wide plane
    is drawn wide, not squashed into a square panel)."""
    from momentumlab.render.panels import PlanePanel

    class Plane:
        alphas, betas = np.linspace(-8.0, 7.0, 5), np.linspace(-3.5, 2.0, 5)
        loss = np.ones((5, 5))
        explained_variance = np.array([0.8, 0.15])

    figure = matplotlib.figure.Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_subplot()
    panel = PlanePanel.__new__(PlanePanel)
    panel.plane, panel.best_end = Plane(), None
    panel.draw_static(ax)
    figure.canvas.draw()
    box = ax.get_position().transformed(figure.transFigure)  # the box the aspect left after drawing
    assert box.width / box.height == pytest.approx(15.0 / 5.5, rel=0.02)
