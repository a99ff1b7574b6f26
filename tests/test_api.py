"""The notebook API: same schema, same one-line errors, same runs as the pipeline's jobs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from momentumlab.api import ConfigError, race, sweep, train
from momentumlab.config import load_config, load_yaml
from momentumlab.runs import RunKey

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "config.yaml"


@pytest.mark.parametrize("call, path", [
    (lambda: race("quadratic", {"m": {"method": "momentum", "lr": -1, "momentum": 0.9}}), "optimizers.m.lr"),
    (lambda: race("quadratic", {"m": {"method": "sgd", "lr": 0.1}}, kappa=0.5), "params.kappa"),
    (lambda: race("quadratic", {"m": {"method": "sgd", "lr": 0.1}}, steps=0), "steps"),
    (lambda: race("bowl", {"m": {"method": "sgd", "lr": 0.1}}), "problem"),
    (lambda: sweep("quadratic", "momentum", lr=(0.1, 0.01, 5)), "lr[0]"),
    (lambda: sweep("quadratic", "momentum", momentum=(0.0, 1.5, 5)), "momentum[1]"),
    (lambda: sweep("quadratic", "momentum", lr=(0.1, 1.0)), "lr"),
    (lambda: train("moons", "mlp", {"m": {"method": "momentum", "lr": 0.1, "momentum": 2}}), "optimizers.m.momentum"),
    (lambda: train("moons", "mlp", {"m": {"method": "sgd", "lr": 0.1}}, hidden=[0]), "hidden.0"),
])
def test_bad_arguments_raise_one_line_naming_the_argument(call, path):
    with pytest.raises(ConfigError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(f"config error at {path}:"), message
    assert "\n" not in message and "experiments." not in message


def test_race_equals_the_optimize_job_on_the_default_quadratic(tmp_path):
    from momentumlab.datasets import make_dataset
    from momentumlab.files import write_npz
    from momentumlab.runner import optimize_experiment
    from momentumlab.runner import problem_for
    from momentumlab.tuning import read_tuned, write_tuned

    experiment = load_config(DEFAULT_CONFIG).experiment("quadratic")
    write_npz(tmp_path / "dataset.npz", make_dataset(experiment.problem, experiment.params, experiment.seed))
    problem = problem_for(experiment, tmp_path / "dataset.npz")
    write_tuned(tmp_path / "tuned.json", experiment, problem)  # the tune job, then the optimize job reading its file
    pipeline, _ = optimize_experiment(read_tuned(experiment, tmp_path / "tuned.json"), problem, "numpy")
    entry = load_yaml(DEFAULT_CONFIG)["experiments"]["quadratic"]
    api = race("quadratic", entry["optimizers"], steps=entry["steps"], start=entry["start"], backends=entry["backends"],
               sweep=entry["sweep"], label=entry["label"], **entry["params"])
    assert set(api.runs) == {RunKey(name, "numpy") for name in pipeline}
    for name, trajectory in pipeline.items():
        np.testing.assert_array_equal(api.runs[RunKey(name, "numpy")].params, trajectory.params)
    rows = api.records()
    assert [row["optimizer"] for row in rows] == list(pipeline)
    assert all(row["lr_chosen"].startswith("tuned") for row in rows)


def test_train_equals_the_train_model_job_on_the_default_moons(tmp_path):
    from momentumlab.model.data import load_classification, save_classification
    from momentumlab.model.run import run_model_experiment, summary_records

    spec = next(e for e in load_config(DEFAULT_CONFIG).model_experiments if e.name == "moons")
    spec = replace(spec, backends=("numpy",))  # TensorFlow's agreement is the backends tests' job
    save_classification(tmp_path / "dataset.npz", spec.data())
    pipeline = run_model_experiment(spec, data=load_classification(tmp_path / "dataset.npz"))
    entry = load_yaml(DEFAULT_CONFIG)["experiments"]["moons"]
    api = train(entry["dataset"], entry["problem"], entry["optimizers"], steps=entry["steps"],
                batch_size=entry["batch_size"], tolerance=entry["tolerance"], backends=("numpy",), name="moons",
                seeds=entry["seeds"], label=entry["label"],
                **entry["params"])
    assert [RunKey(run.optimizer, run.backend) for run in pipeline.runs] == list(api.runs)
    for run in pipeline.runs:
        np.testing.assert_array_equal(api.runs[RunKey(run.optimizer, run.backend)].weights, run.weights)
    np.testing.assert_array_equal(api.result.initial, pipeline.initial)
    assert api.records() == summary_records(pipeline)["runs"]
    assert api.comparisons() == summary_records(pipeline)["model_comparisons"]
    verdicts = api.verdicts()  # 5 paired seeds: verdicts by the rule, each with its win count
    assert verdicts[0].startswith(("Best by the rule", "No run is best")) and any("of 5 seeds" in v for v in verdicts)


def test_train_on_one_seed_states_measurements_not_winners():
    api = train("moons", "mlp", {"sgd": {"method": "sgd", "lr": 0.1},
                                 "momentum": {"method": "momentum", "lr": 0.1, "momentum": 0.9}},
                steps=20, hidden=[4], seeds=1)
    verdicts = api.verdicts()
    assert verdicts[0].startswith("No run is named best: 1 seed is too few to call a winner")
    assert not any(" beats " in v for v in verdicts) and all(c["winner"] is None for c in api.comparisons())
    assert not any(row["best"] for row in api.records())


def test_a_race_shows_inline_and_saves_the_pipelines_files(tmp_path):
    result = race("rosenbrock", {"momentum": {"method": "momentum", "lr": 1e-3, "momentum": 0.9}}, steps=60,
                  start=[-1.5, 2.5])
    assert "<table" in result.table()._repr_html_() and "momentum" in result.table()._repr_html_()
    assert result.figure().data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "data:video/mp4;base64," in result.animation(width=320, height=180, frames=8).data
    media = result.save(tmp_path, formats=("gif",), width=320, height=180, frames=8)
    assert media.compare["gif"].endswith("reports/rosenbrock/compare.gif") and Path(media.compare["gif"]).stat().st_size
    assert Path(media.runs[RunKey("momentum", "numpy")]["png"]).exists()
