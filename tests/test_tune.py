"""The tune job: tuned values resolved once, in the sweep's chunks, from each method family's search range,
written to a file the later jobs read; a value on the search grid's edge is flagged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml

from momentumlab.config import ConfigError, parse_config
from momentumlab.files import read_json
from momentumlab.optim import ADAPTIVE_TUNING_LR
from momentumlab.problems import make_problem
from momentumlab.runner import optimize_experiment
from momentumlab.tuning import edge_warnings, read_tuned, resolve, tuning_grid, write_tuned

SCHEMA = Path(__file__).resolve().parents[1] / "src" / "momentumlab" / "schemas" / "config.schema.yaml"


def bowl(optimizers: dict, sweep: dict | None = None):  # noqa: ANN201
    config = parse_config({"experiments": {"bowl": {
        "problem": "quadratic", "params": {"kappa": 10}, "start": [-4, 3], "steps": 120, "backends": ["numpy"],
        "sweep": {"enabled": False, "lr_points": 6, "momentum_points": 4, **(sweep or {})}, "optimizers": optimizers}}})
    return config.experiment("bowl")


def test_each_family_searches_its_default_range_stated_in_the_schema() -> None:
    experiment = bowl({"adam": {"method": "adam", "lr": "tuned"}, "heavy": {"method": "momentum", "lr": "tuned", "momentum": 0.9}},
                      {"lr_min": 1e-3, "lr_max": 0.5})
    adam, heavy = (tuning_grid(experiment, spec) for spec in experiment.optimizers)
    assert (adam.lr[0], adam.lr[-1]) == pytest.approx(ADAPTIVE_TUNING_LR, rel=1e-12)
    assert (heavy.lr[0], heavy.lr[-1]) == pytest.approx((1e-3, 0.5), rel=1e-12)
    schema = yaml.safe_load(SCHEMA.read_text())["$defs"]["experiment"]["properties"]["optimizers"]["additionalProperties"]
    low, high = ADAPTIVE_TUNING_LR
    assert f"{low:.1e}".replace("e-0", "e-") in schema["properties"]["lr_min"]["description"]
    assert f" {high:g} for the adaptive" in schema["properties"]["lr_max"]["description"]


def test_a_range_configured_on_the_optimizer_is_honoured() -> None:
    experiment = bowl({"adam": {"method": "adam", "lr": "tuned", "lr_min": 0.001, "lr_max": 0.01}})
    tuned = resolve(experiment, make_problem("quadratic", experiment.params)).optimizers[0]
    assert 0.001 <= tuned.lr <= 0.01


@pytest.mark.parametrize("entry, key", [
    ({"method": "adam", "lr": 0.1, "lr_min": 0.001}, "lr_min"),
    ({"method": "adam", "lr": "tuned", "lr_min": 20.0}, "lr_min"),
    ({"method": "sgd", "lr": "tuned", "lr_min": 0.1, "lr_max": 0.01}, "lr_min"),
])
def test_a_range_that_cannot_be_searched_is_refused_naming_its_key(entry: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"^config error at experiments\.bowl\.optimizers\.o\.{key}:"):
        bowl({"o": entry})


def test_a_value_on_the_grids_edge_is_flagged_in_the_text_and_the_warning() -> None:
    # On curvature 10, η above 0.2 diverges: of 0.15 … 3 only the smallest rate is left.
    experiment = bowl({"sgd": {"method": "sgd", "lr": "tuned", "lr_min": 0.15, "lr_max": 3.0}})
    tuned = resolve(experiment, make_problem("quadratic", experiment.params))
    spec = tuned.optimizers[0]
    assert spec.at_edge == ("lr",) and spec.lr == pytest.approx(0.15, rel=1e-12)
    assert f"η {spec.lr!r} is the search's smallest (widen the optimizer's lr_min)" in spec.chosen
    (line,) = edge_warnings(tuned)
    assert line.startswith("warning: experiments.bowl.optimizers.sgd:") and "lr_min" in line
    inside = bowl({"sgd": {"method": "sgd", "lr": "tuned", "lr_min": 0.01, "lr_max": 3.0}})
    assert not edge_warnings(resolve(inside, make_problem("quadratic", inside.params)))


def test_chunks_give_the_same_choice_and_the_file_round_trips(tmp_path: Path) -> None:
    optimizers = {"heavy": {"method": "momentum", "lr": "tuned", "momentum": "tuned"},
                  "rms": {"method": "rmsprop", "lr": "tuned", "centered": True}, "sgd": {"method": "sgd", "lr": 0.01}}
    one, three = bowl(optimizers), bowl(optimizers, {"chunks": 3})
    problem = make_problem("quadratic", one.params)
    assert resolve(one, problem).optimizers == replace(resolve(three, problem)).optimizers
    resolved = write_tuned(tmp_path / "tuned.json", three, problem)
    assert set(read_json(tmp_path / "tuned.json")) == {"heavy", "rms"}
    assert read_tuned(three, tmp_path / "tuned.json") == resolved


def test_the_optimize_job_refuses_unresolved_values_instead_of_tuning_again() -> None:
    experiment = bowl({"heavy": {"method": "momentum", "lr": "tuned", "momentum": 0.9}})
    with pytest.raises(ValueError, match="not resolved"):
        optimize_experiment(experiment, make_problem("quadratic", experiment.params), "numpy")
    with pytest.raises(ValueError, match="no tune job's file"):
        read_tuned(experiment, None)


def test_the_workflow_has_one_tune_job_that_every_reader_depends_on() -> None:
    from momentumlab import layout
    from momentumlab.config import load_config

    config = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
    tuned = [e.name for e in config.experiments if layout.experiment_results(e).tuned]
    assert tuned == ["quadratic"]
    files = layout.summary_inputs(config).experiments["quadratic"]
    assert files.tuned == layout.tuned("quadratic")
    assert np.all([layout.experiment_results(e).tuned is None for e in config.experiments if e.name != "quadratic"])
