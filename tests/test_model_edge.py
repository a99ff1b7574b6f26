"""The edge of stability on a model: thresholds, the measured fraction, the config keys, the figure's
files, and the default experiment's acceptance (SGD hovers near 2/η; the report prints the fraction)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from momentumlab import layout
from momentumlab.config import ConfigError, load_yaml, parse_config, parse_model_experiment
from momentumlab.model import edge
from momentumlab.model.edge_caption import sharpness_sentence
from momentumlab.model.network import make_architecture
from momentumlab.model.sharpness import model_sharpness
from momentumlab.stability import spectral_radius

ROOT = Path(__file__).resolve().parents[1]
TINY = {"problem": "mlp", "dataset": {"kind": "moons", "n_points": 40, "noise": 0.2},
        "params": {"hidden": [4], "activation": "tanh"}, "steps": 20, "backends": ["numpy"],
        "sweep": {"enabled": False}, "sharpness": True, "animations": False,
        "optimizers": {"sgd": {"method": "sgd", "lr": 0.5},
                       "momentum": {"method": "momentum", "lr": 0.5, "momentum": 0.5}}}


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize("mu", [0.0, 0.3, 0.9])
def test_the_threshold_is_where_one_step_on_a_quadratic_of_that_curvature_turns_unstable(method, mu):
    lr = 0.5
    limit = edge.threshold(method, lr, 0.0 if method == "sgd" else mu, full_batch=True)
    momentum = 0.0 if method == "sgd" else mu
    assert spectral_radius(method, lr * limit * 0.999, momentum) < 1.0 < spectral_radius(method, lr * limit * 1.001, momentum)


def test_the_thresholds_follow_the_issue_formulas_and_minibatch_runs_get_none():
    assert edge.threshold("sgd", 0.5, 0.0, True) == pytest.approx(4.0)
    assert edge.threshold("momentum", 0.5, 0.5, True) == pytest.approx(6.0)
    assert edge.threshold("nesterov", 0.5, 0.5, True) == pytest.approx(3.0)
    assert edge.threshold("sgd", 0.5, 0.0, False) is None
    assert edge.threshold("adam", 0.5, 0.9, True) is None


def test_edge_fraction_counts_the_records_after_the_first_reach():
    limit = 4.0  # reach at 3.6, band [3.6, 4.4]
    values = [1.0, 3.0, 3.7, 5.0, 4.2, 3.0, 4.0]  # first reach: index 2; later: 5.0 no, 4.2 yes, 3.0 no, 4.0 yes
    assert edge.edge_fraction(values, limit) == (2, 0.5)
    assert edge.edge_fraction([1.0, 2.0], limit) == (None, None)
    assert edge.edge_fraction([1.0, 3.9], limit) == (1, None)
    assert edge.edge_fraction(values, None) == (None, None)


def test_batched_sharpness_series_equal_the_sharpness_of_each_array_alone():
    rng = np.random.default_rng(1)
    arch = make_architecture("mlp", 2, 2, (3,), "tanh", 0.0)
    x, y = rng.standard_normal((12, 2)), rng.integers(0, 2, 12)
    arrays = [rng.standard_normal((2, arch.n_weights)), rng.standard_normal((3, arch.n_weights))]
    series = edge.sharpness_series(arch, arrays, x, y, tolerance=1e-10)
    assert [len(s) for s in series] == [2, 3]
    for values, weights in zip(series, arrays):
        np.testing.assert_allclose(values, model_sharpness(arch, weights, x, y, tolerance=1e-10), rtol=1e-8)


def test_sharpness_and_animations_are_read_and_bad_values_name_the_key():
    spec = parse_model_experiment("tiny", TINY)
    assert spec.sharpness and not spec.animations
    assert not parse_model_experiment("tiny", {**TINY, "sharpness": False, "animations": True}).sharpness
    for key in ("sharpness", "animations"):
        with pytest.raises(ConfigError, match=rf"experiments\.tiny\.{key}"):
            parse_model_experiment("tiny", {**TINY, key: "yes"})


def test_without_animations_only_the_stills_are_outputs_and_the_sharpness_figure_is_one():
    spec = parse_model_experiment("tiny", TINY)
    media = layout.model_media(spec, ("gif", "mp4"))
    assert not media.runs and not media.compare
    assert media.sharpness == "reports/tiny/sharpness.png"
    named = layout.named(media)
    assert set(named) == {"figure", "facts", "sharpness"}
    assert layout.ModelMedia.from_tree(layout.nested(named)) == media
    plain = parse_model_experiment("tiny", {**TINY, "sharpness": False, "animations": True})
    assert layout.model_media(plain, ("gif",)).sharpness is None and layout.model_media(plain, ("gif",)).compare


def test_a_minibatch_run_has_no_threshold_its_sentence_says_why_and_it_is_drawn_alone(tmp_path):
    from momentumlab.model.run import run_model_experiment, summary_records

    spec = parse_model_experiment("tiny", {**TINY, "batch_size": 10})
    rows = summary_records(run_model_experiment(spec, grid_size=5))["runs"]
    for row in rows:
        record = row["sharpness"]
        assert record["threshold"] is None and record["fraction_near"] is None
        assert len(record["values"]) == len(record["steps"]) == 21
        sentence = sharpness_sentence(row)
        assert "no threshold is drawn" in sentence and "minibatch" in sentence

    from PIL import Image

    from momentumlab.render.sharpness import render_sharpness

    path = tmp_path / "sharpness.png"
    render_sharpness([{"label": row["optimizer"], "sharpness": row["sharpness"]} for row in rows], path, "tiny", 400, 200)
    assert Image.open(path).size == (400, 200)


def _first_reach_fraction(values: np.ndarray, limit: float) -> float:
    """The acceptance measure, written out apart from ``edge.edge_fraction``."""
    first = next(i for i, v in enumerate(values) if v >= 0.9 * limit)
    later = values[first + 1:]
    return sum(1 for v in later if limit * 0.9 <= v <= limit * 1.1) / len(later)


def test_default_edge_of_stability_sgd_hovers_near_2_over_eta_and_the_report_prints_the_fraction(tmp_path):
    from momentumlab.model.run import run_model_experiment, summary_records
    from momentumlab.report import render_report, report_context

    config = parse_config(load_yaml(ROOT / "config.yaml"))
    spec = next(e for e in config.model_experiments if e.name == "edge_of_stability")
    assert spec.sharpness and spec.batch_size is None
    result = run_model_experiment(spec)
    sgd = next(run for run in result.runs if run.optimizer == "sgd")
    lr = spec.optimizer("sgd").lr
    measured = _first_reach_fraction(sgd.sharpness, 2.0 / lr)
    assert measured >= 0.5
    thresholds = {row["optimizer"]: row["sharpness"]["threshold"] for row in summary_records(result)["runs"]}
    assert len(set(thresholds.values())) == len(thresholds)  # each run against its own line

    figure = tmp_path / "reports" / spec.name / "sharpness.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"")  # the page links what exists; the drawing is tested above
    summary = {"title": "t", "runs": summary_records(result)["runs"], "agreement": []}
    media = {spec.name: {"sharpness": str(figure), "runs": {}, "compare": {}, "figure": None, "facts": None}}
    context = report_context(summary, config.data, {}, tmp_path / "reports", model_media=media)
    page = render_report(ROOT / "templates", context)
    assert "sharpness.png" in page
    text = re.search(r'class="sharpness-measure">(.*?)</span>', page, re.S).group(1)
    printed = re.search(r"sgd: .*?, ([0-9.]+) % of the (\d+) later records lie within 10 % of 2/η = 4", text)
    assert printed, text
    assert float(printed.group(1)) == pytest.approx(100 * measured, abs=0.05)
    first = next(i for i, v in enumerate(sgd.sharpness) if v >= 0.9 * 2.0 / lr)
    assert int(printed.group(2)) == len(sgd.sharpness) - first - 1


def test_the_budget_counts_the_sharpness_in_the_training_job():
    from momentumlab.config.budget import model_job_estimate

    with_it = model_job_estimate(parse_model_experiment("tiny", TINY))
    without = model_job_estimate(parse_model_experiment("tiny", {**TINY, "sharpness": False}))
    assert with_it[0] > without[0] and with_it[1] > without[1]


@pytest.mark.parametrize("n_points, noise, state", [(4, 0.0, 0), (5, 0.2, 7), (400, 0.3, 123456), (301, 100.0, 2**31 - 2)])
def test_moons_without_scikit_learn_are_scikit_learns_bit_for_bit(n_points, noise, state):
    from sklearn.datasets import make_moons as sklearn_moons

    from momentumlab.model.data import make_moons

    x, y = make_moons(n_points, noise, state)
    expected_x, expected_y = sklearn_moons(n_samples=n_points, noise=noise, random_state=state)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
