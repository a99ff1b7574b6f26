"""Model experiments: settings refused with one line naming the key, and one run end to end (numpy)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from momentumlab.config import ConfigError
from momentumlab.config import parse_model_experiment
from momentumlab.model.run import run_model_experiment, save_result, summary_records

from model_claims import model_claim_errors

MOONS = {
    "problem": "mlp",
    "dataset": {"kind": "moons", "n_points": 120, "noise": 0.2},
    "params": {"hidden": [8], "activation": "tanh"},
    "batch_size": 16,
    "steps": 200,
    "record_every": 20,
    "backends": ["numpy"],
    "optimizers": {"momentum": {"method": "momentum", "lr": 0.1, "momentum": 0.9},
                   "sgd": {"method": "sgd", "lr": 0.1}},
}


def test_defaults_come_from_the_schema_and_the_seed_from_the_root():
    spec = parse_model_experiment("moons", MOONS, root_seed=5)
    assert spec.test_fraction == 0.25 and spec.standardize and spec.l2 == 0.0 and spec.tolerance == 0.01
    assert spec.seed == parse_model_experiment("moons", MOONS, root_seed=5).seed
    assert spec.seed != parse_model_experiment("moons", MOONS, root_seed=6).seed
    full = copy.deepcopy(MOONS)
    del full["batch_size"], full["record_every"]
    spec = parse_model_experiment("moons", full)
    assert spec.batch_size is None and spec.record_every == 2


def _change(path, value):
    entry = copy.deepcopy(MOONS)
    *parents, last = path
    target = entry
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return entry


@pytest.mark.parametrize("path, value, message", [
    (("dataset", "kind"), "mnist", r"dataset\.kind: 'mnist' is not one of"),
    (("problem",), "svm", r"problem: 'svm' is not a model"),
    (("params", "hidden"), [8, 0], r"params\.hidden\.1: 0 is less than the minimum"),
    (("params", "hidden"), KeyError, r"params\.hidden: required for mlp"),
    (("batch_size",), 91, r"batch_size: 91 is larger than the training set \(90 examples\)"),
    (("dataset", "test_fraction"), 1.0, r"dataset\.test_fraction"),
    (("dataset", "test_fraction"), 0.0, r"dataset\.test_fraction"),
    (("start",), [0.0, 0.0], r"start: a model experiment starts from weights drawn from its seed"),
    (("dataset", "classes"), 3, r"dataset\.classes: not a parameter of moons"),
    (("params", "l2"), float("inf"), r"params\.l2: inf is not a finite number"),
    (("optimizers", "sgd", "momentum"), 0.5, r"optimizers\.sgd\.momentum: method sgd has no momentum"),
])
def test_bad_settings_are_refused_naming_the_key(path, value, message):
    with pytest.raises(ConfigError, match=r"^config error at experiments\.moons\." + message):
        parse_model_experiment("moons", _change(path, value))


def test_logistic_regression_takes_no_hidden_layers():
    entry = _change(("problem",), "logistic_regression")
    with pytest.raises(ConfigError, match=r"params\.hidden: logistic_regression has no hidden layers"):
        parse_model_experiment("moons", entry)


def test_an_experiment_runs_end_to_end(tmp_path):
    spec = parse_model_experiment("moons", {**MOONS, "seeds": 3})
    result = run_model_experiment(spec, grid_size=9)
    assert [(run.optimizer, run.backend) for run in result.runs] == [("momentum", "numpy"), ("sgd", "numpy")]
    assert len(result.seeds) == 3 and result.initial.shape[0] == 3
    for run in result.runs:
        np.testing.assert_array_equal(run.weights[0], result.initial[0])  # one shared start on seed 0
        np.testing.assert_array_equal(run.steps_recorded, np.arange(0, 201, 20))
        assert run.train_loss.shape == (3, 11) and run.ulp_change is not None
    assert result.grid.shape == (9, 9) and np.isfinite(result.grid).all()
    finals = np.stack([run.weights[-1] for run in result.runs])
    np.testing.assert_allclose(result.plane.centre, finals.mean(axis=0))  # a point no run owns
    section = summary_records(result)
    records, agreement, comparisons = section["runs"], section["agreement"], section["model_comparisons"]
    assert model_claim_errors(section) == []
    planted = copy.deepcopy(section)  # one number changed: a claim beside it no longer holds
    row = planted["runs"][0]
    row["per_seed"]["final_train_loss"][0] = 10 * max(r["final_train_loss_range"][1] for r in records)
    assert model_claim_errors(planted) != []
    assert agreement == []  # one backend
    assert len(comparisons) == 3 and {c["metric"] for c in comparisons} == {"final_train_loss", "final_test_loss",
                                                                           "final_test_accuracy"}
    train = next(c for c in comparisons if c["metric"] == "final_train_loss")
    best = [record for record in records if record["best"]]
    assert [b["optimizer"] for b in best] == ([train["winner"]] if train["winner"] else [])
    for record in records:
        assert record["seeds"] == 3 and len(record["per_seed"]["final_test_loss"]) == 3
        assert record["final_train_loss"] == np.median(record["per_seed"]["final_train_loss"])
        low, high = record["final_test_loss_range"]
        assert low == min(record["per_seed"]["final_test_loss"]) and high == max(record["per_seed"]["final_test_loss"])
        assert (record["settled_at"] is None) == (record["settled_seeds"] < 3)
        assert record["hidden"] == [8] and record["activation"] == "tanh" and record["n_classes"] == 2
        assert record["n_features"] == 2 and record["l2"] == 0.0
    n_train = len(spec.data().y_train)
    assert records[0]["epochs"] == 200 * 16 / n_train
    assert records[0]["n_weights"] == 2 * 8 + 8 + 8 * 2 + 2 and records[0]["batch_size"] == 16
    assert 0.5 < sum(records[0]["explained_variance"]) <= 1.0
    save_result(tmp_path / "moons.npz", result)
    with np.load(tmp_path / "moons.npz") as saved:
        np.testing.assert_array_equal(saved["epoch_orders"], result.orders)
        np.testing.assert_array_equal(saved["seeds"], result.seeds)
        assert saved["momentum-numpy/plane_coordinates"].shape == (11, 2)
        assert saved["momentum-numpy/seeds/test_loss"].shape == (3, 11)
        assert list(saved["architecture/hidden"]) == [8] and str(saved["architecture/activation"]) == "tanh"
        assert str(saved["verdict/best"]) == (best[0]["optimizer"] if best else "")


def test_the_config_routes_model_experiments_and_refuses_bad_ones():
    from momentumlab.config import parse_config

    raw = {"seed": 3, "experiments": {
        "valley": {"problem": "rosenbrock", "optimizers": {"m": {"method": "momentum", "lr": 1e-3, "momentum": 0.9}}},
        "moons": copy.deepcopy(MOONS)}}
    config = parse_config(raw)
    assert [e.name for e in config.experiments] == ["valley"]
    assert [e.name for e in config.model_experiments] == ["moons"]
    assert config.model_experiments[0] == parse_model_experiment("moons", config.data["experiments"]["moons"])
    for change, message in [
        (lambda e: e.update(problem="svm"), r"experiments\.moons\.problem: unknown problem 'svm'"),
        (lambda e: e.update(start=[0.0, 0.0]), r"experiments\.moons\.start: a model experiment"),
        (lambda e: e["dataset"].update(kind="mnist"), r"experiments\.moons\.dataset\.kind"),
        (lambda e: e["params"].update(hidden=[0]), r"experiments\.moons\.params\.hidden\.0"),
        (lambda e: e.update(batch_size=500), r"experiments\.moons\.batch_size: 500 is larger"),
        (lambda e: e["dataset"].update(test_fraction=1.5), r"experiments\.moons\.dataset\.test_fraction"),
    ]:
        bad = copy.deepcopy(raw)
        change(bad["experiments"]["moons"])
        with pytest.raises(ConfigError, match=message):
            parse_config(bad)


def test_an_unaffordable_model_experiment_is_refused_before_any_job():
    from momentumlab.config import parse_config

    huge = copy.deepcopy(MOONS)
    huge.update(dataset={"kind": "digits"}, params={"hidden": [2048, 2048]}, steps=1_000_000, record_every=100_000)
    with pytest.raises(ConfigError, match=r"experiments\.moons\.(steps|params\.hidden): train_model \(moons\) would need about"):
        parse_config({"experiments": {"moons": huge}})


def test_a_process_builds_each_data_set_once_and_none_it_was_given(monkeypatch):
    """Parsing a config validates and budgets the data set (four uses); it is built once. A job
    that read the data set from its file builds none (building imports scikit-learn)."""
    from momentumlab.model.data import make_classification
    from momentumlab.config import specs
    from momentumlab.config import parse_config

    built = []

    def counting(*args, **kwargs):
        built.append(args)
        return make_classification(*args, **kwargs)

    monkeypatch.setattr(specs, "_DATA", {})
    monkeypatch.setattr(specs, "make_classification", counting)
    parse_config({"experiments": {"moons": MOONS}})
    assert len(built) == 1
    data = parse_model_experiment("moons", MOONS).data()
    monkeypatch.setattr(specs, "_DATA", {})
    given = parse_model_experiment("moons", MOONS, data=data)
    assert len(built) == 1 and given.data() is data


def test_a_data_set_of_other_settings_is_refused():
    data = parse_model_experiment("moons", MOONS, root_seed=1).data()
    with pytest.raises(ValueError, match="seed"):
        parse_model_experiment("moons", MOONS, root_seed=2, data=data)
