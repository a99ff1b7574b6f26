"""Model sweeps: each cell is a real training run, the best cell follows the experiment's rule."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from momentumlab.model import training as model_training
from momentumlab.config import ConfigError
from momentumlab.config import parse_model_experiment
from momentumlab.model.sweep import load_sweep, run_sweep, save_sweep, spot_check, spot_check_cells, summary_row, sweep_axes
from momentumlab.model.network import initial_weights

MOONS = {
    "problem": "mlp",
    "dataset": {"kind": "moons", "n_points": 80, "noise": 0.2},
    "params": {"hidden": [6], "activation": "tanh"},
    "batch_size": 12,
    "steps": 60,
    "backends": ["numpy"],
    "sweep": {"lr_min": 0.01, "lr_max": 1.0, "lr_points": 5, "momentum_points": 4, "momentum_max": 0.9},
    "optimizers": {"momentum": {"method": "momentum", "lr": 0.1, "momentum": 0.6}},
}


@pytest.fixture(scope="module")
def swept():
    spec = parse_model_experiment("moons", MOONS, root_seed=3)
    data = spec.data()
    return spec, data, run_sweep(spec, data)


def test_defaults_follow_the_top_level_sweep_and_the_experiment():
    from momentumlab.config import parse_config

    entry = copy.deepcopy(MOONS)
    del entry["sweep"]
    config = parse_config({"experiments": {"moons": entry}, "sweep": {"enabled": False, "lr_points": 7}})
    spec = config.model_experiments[0]
    assert not spec.sweep.enabled and spec.sweep.lr_points == 7 and spec.sweep.momentum_points == 20
    assert spec.sweep.steps == 60 and spec.sweep.method == "momentum"
    assert spec.sweep.lr_min == pytest.approx(0.001) and spec.sweep.lr_max == pytest.approx(3.0)
    assert parse_model_experiment("moons", entry).sweep.enabled


@pytest.mark.parametrize("sweep, message", [
    ({"lr_min": 1.0, "lr_max": 0.5}, r"experiments\.moons\.sweep\.lr_min: lr_min \(1\) must be below lr_max \(0\.5\)"),
    ({"lr_max": 1e-4}, r"experiments\.moons\.sweep\.lr_max: lr_min"),
    ({"method": "adam"}, r"experiments\.moons\.sweep\.method"),
    ({"chunks": 0}, r"experiments\.moons\.sweep\.chunks"),
    ({"lr_points": 1}, r"experiments\.moons\.sweep\.lr_points"),
])
def test_a_bad_sweep_is_refused_naming_the_key(sweep, message):
    entry = copy.deepcopy(MOONS)
    entry["sweep"] = sweep
    with pytest.raises(ConfigError, match=message):
        parse_model_experiment("moons", entry)


def test_every_cell_is_the_run_its_hyperparameters_give(swept):
    spec, data, result = swept
    lr, momentum = sweep_axes(spec)
    assert result.final_train_loss.shape == (4, 5) and np.allclose(result.lr, lr) and np.allclose(result.momentum, momentum)
    arch = spec.architecture(data)
    orders = model_training.epoch_orders(spec.seed, len(data.y_train), spec.batch_size, spec.steps)
    batches = model_training.batch_indices(orders, spec.batch_size, spec.steps)
    for q, p in [(0, 0), (2, 3), (3, 4)]:
        alone = model_training.train(arch, data.x_train, data.y_train, initial_weights(arch, spec.seed), "momentum",
                                     [lr[p]], [momentum[q]], spec.steps, batches)
        assert np.abs(alone.final_weights[0] - result.final_weights[q, p]).max() <= 1e-12


def test_the_best_cell_is_the_first_to_come_within_tolerance_of_the_lowest_loss(swept):
    spec, _, result = swept
    reached = np.where((result.steps_to_reach >= 0) & ~result.diverged, result.steps_to_reach, np.iinfo(np.int64).max)
    q, p = result.best
    assert reached[q, p] == reached.min()
    ties = (reached == reached.min()) & ~result.diverged
    assert result.final_train_loss[q, p] == result.final_train_loss[ties].min()
    assert result.lowest_train_loss <= result.final_train_loss.min() + 1e-15


def test_saved_and_loaded_the_result_is_the_same(tmp_path, swept):
    _, _, result = swept
    save_sweep(tmp_path / "sweep.npz", result)
    loaded = load_sweep(tmp_path / "sweep.npz")
    assert loaded.best == result.best and loaded.method == result.method
    assert np.array_equal(loaded.final_weights, result.final_weights)
    assert np.array_equal(loaded.steps_to_reach, result.steps_to_reach)


def test_summary_row_is_json_ready_and_names_the_configured_cell(swept):
    import json

    spec, _, result = swept
    row = summary_row(spec, result, [], None)
    json.dumps(row, allow_nan=False)
    assert row["configured"] == [{"optimizer": "momentum", "lr": 0.1, "momentum": 0.6, "cell": (2, 2)}]
    assert len(row["final_train_loss"]) == 4 and len(row["final_train_loss"][0]) == 5


def test_tensorflow_reruns_three_distinct_cells_and_agrees(swept):
    spec, data, result = swept
    cells = spot_check_cells(result)
    assert len(cells) == len(set(cells)) == 3 and cells[0] == result.best
    rows = spot_check(spec, data, result)
    assert [(r["lr"], r["momentum"]) for r in rows] == [(result.lr[p], result.momentum[q]) for q, p in cells]
    assert all(r["same_divergence"] for r in rows)
    calm = [r for r, (q, p) in zip(rows, cells) if result.momentum[q] < 0.9]
    assert calm and all(r["max_abs_diff"] <= 1e-10 for r in calm)


def test_a_sweep_over_the_job_budget_is_refused_naming_its_key():
    from momentumlab.config import parse_config

    entry = copy.deepcopy(MOONS)
    entry["sweep"] = {"lr_points": 4096, "momentum_points": 4096, "steps": 100000}
    with pytest.raises(ConfigError, match=r"experiments\.moons\.sweep\.(lr_points|steps): sweep_model_chunk \(moons, one of 1 chunks\) would (take|need)"):
        parse_config({"experiments": {"moons": entry}})
    entry["sweep"] = {"lr_points": 3, "momentum_points": 2, "steps": 10}
    assert parse_config({"experiments": {"moons": entry}}).model_experiments[0].sweep.lr_points == 3


def test_the_sweep_job_is_compute_only(tmp_path):
    """scripts/sweep_model_chunk.py and sweep_model.py (its gather) run with matplotlib and TensorFlow unimportable (its heatmap is drawn by
    render_model_<e>, its spot checks by optimize_tensorflow) and from the data set's file (no scikit-learn)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from momentumlab.model.data import save_classification

    dataset = tmp_path / "dataset.npz"
    save_classification(dataset, parse_model_experiment("moons", MOONS).data())
    scripts = Path(__file__).resolve().parents[1] / "scripts"
    code = f"""
import runpy, sys
from types import SimpleNamespace
for name in ("matplotlib", "tensorflow", "keras", "sklearn"):
    sys.modules[name] = None  # importing it now raises ImportError
tmp = {str(tmp_path)!r}
chunks = [tmp + "/chunk-0-of-2.npz", tmp + "/chunk-1-of-2.npz"]
for index, chunk in enumerate(chunks):
    job = SimpleNamespace(input=SimpleNamespace(dataset={str(dataset)!r}), params=SimpleNamespace(experiment={json.dumps(MOONS)}),
                          output=SimpleNamespace(chunk=chunk), log=[tmp + "/chunk.log"],
                          wildcards=SimpleNamespace(experiment="moons", index=str(index), chunks="2"))
    runpy.run_path({str(scripts / "sweep_model_chunk.py")!r}, init_globals={{"snakemake": job}})
job = SimpleNamespace(input=SimpleNamespace(dataset={str(dataset)!r}, chunks=chunks), params=SimpleNamespace(experiment={json.dumps(MOONS)}),
                      output=SimpleNamespace(sweep=tmp + "/sweep.npz", timing=tmp + "/timing.json"),
                      wildcards=SimpleNamespace(experiment="moons"), log=[tmp + "/sweep.log"])
runpy.run_path({str(scripts / "sweep_model.py")!r}, init_globals={{"snakemake": job}})
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    logs = "".join(path.read_text(encoding="utf-8")[-2000:] for path in sorted(tmp_path.glob("*.log")))
    assert result.returncode == 0, logs + result.stderr[-2000:]
    assert load_sweep(tmp_path / "sweep.npz").final_train_loss.shape == (4, 5)


def test_chunks_give_the_cells_of_one_piece(swept):
    """Four chunks, gathered in any order, hold the very cells (equal final weights) and ranking of one piece."""
    from momentumlab.model.sweep import gather_cells, run_cells

    spec, data, whole = swept
    parts = [run_cells(spec, data, index, 4) for index in (2, 0, 3, 1)]
    chunked = gather_cells(spec, parts)
    np.testing.assert_array_equal(chunked.final_weights, whole.final_weights)
    for name in ("final_train_loss", "final_test_accuracy", "steps_to_reach", "diverged_at"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))
    assert chunked.best == whole.best and chunked.lowest_train_loss == whole.lowest_train_loss
    with pytest.raises(ValueError, match="exactly once"):
        gather_cells(spec, parts[:3])


def test_each_cell_keeps_its_curves_and_the_explorer_ships_them_within_budget(swept):
    import base64
    import dataclasses
    import json

    from momentumlab.model.sweep import CURVES
    from momentumlab.report.explorer import explorer_script, model_explorer_data

    _, _, result = swept
    q, p, records = result.curves.shape[:3]
    assert (q, p) == result.final_train_loss.shape and records == len(result.record_steps) and result.record_steps[-1] == result.steps
    ok = ~result.diverged
    np.testing.assert_allclose(result.curves[..., -1, CURVES.index("train_loss")][ok], result.final_train_loss[ok], rtol=1e-12)
    np.testing.assert_allclose(result.curves[..., -1, CURVES.index("test_accuracy")][ok], result.final_test_accuracy[ok])
    data = model_explorer_data(result, None, 99)
    assert data["kind"] == "model" and data["experiment_steps"] == 99 and data["curves"]["train_loss"]["cells"] == q * p
    accuracy = data["curves"]["test_accuracy"]
    levels = np.frombuffer(base64.b64decode(accuracy["data"]), dtype="<u2").reshape(q * p, records)
    decoded = accuracy["lo"] + levels / 65534 * (accuracy["hi"] - accuracy["lo"])
    np.testing.assert_allclose(decoded, result.curves[..., CURVES.index("test_accuracy")].reshape(q * p, records),
                               atol=(accuracy["hi"] - accuracy["lo"]) / 65534)
    # a 60 × 50 grid of 21 records stays within the explorer's 1.5 MB budget
    rng = np.random.default_rng(0)
    big = dataclasses.replace(result, lr=np.geomspace(1e-3, 3, 60), momentum=np.linspace(0, 0.99, 50),
                              **{name: rng.random((50, 60)) for name in ("final_train_loss", "final_test_loss",
                                                                       "final_train_accuracy", "final_test_accuracy")},
                              steps_to_reach=np.full((50, 60), 40), diverged_at=np.full((50, 60), -1),
                              record_steps=np.arange(21) * 75, curves=rng.random((50, 60, 21, len(CURVES))))
    text = explorer_script("moons", model_explorer_data(big))
    assert len(text.encode()) <= 1_500_000
    assert json.loads(text.split(" = ", 2)[-1].rstrip(";\n"))["curves"]["steps"][-1] == 1500


def test_a_saved_sweep_keeps_its_curves(swept, tmp_path):
    _, _, result = swept
    save_sweep(tmp_path / "s.npz", result)
    again = load_sweep(tmp_path / "s.npz")
    np.testing.assert_array_equal(again.curves, result.curves)
    np.testing.assert_array_equal(again.record_steps, result.record_steps)
