"""Config validation: defaults filled in, bad input refused with one line naming the key."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from momentumlab.config import ConfigError, load_config, load_yaml, parse_command_line_values, parse_config

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = {
    "experiments": {
        "valley": {"problem": "rosenbrock", "optimizers": {"heavy": {"method": "momentum", "lr": 1e-3}}},
    }
}


def with_change(path: list[str], value: object) -> dict:
    config = copy.deepcopy(MINIMAL)
    node = config
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return config


def test_default_config_parses_with_every_experiment():
    config = load_config(ROOT / "config.yaml")
    names = [experiment.name for experiment in config.experiments]
    assert {"linear_regression", "rosenbrock", "quadratic", "beale"} <= set(names)
    methods = {spec.method for experiment in config.experiments for spec in experiment.optimizers}
    assert methods == {"sgd", "momentum", "nesterov"}
    for experiment in config.experiments:
        assert {"sgd", "momentum"} <= {spec.method for spec in experiment.optimizers}
    for name in ("linear_regression", "rosenbrock"):  # the seed's two, cross-checked on both backends
        assert config.experiment(name).backends == ("numpy", "tensorflow")


def test_defaults_come_from_the_schema():
    config = parse_config(MINIMAL)
    experiment = config.experiment("valley")
    assert experiment.steps == 1000
    assert experiment.start == (-1.5, 2.5)
    assert experiment.optimizer("heavy").momentum == 0.9
    assert config.animation.width == 960 and config.animation.height == 540
    assert config.animation.formats == ("gif", "mp4")


def test_sgd_ignores_momentum():
    config = parse_config(with_change(["experiments", "valley", "optimizers", "plain"], {"method": "sgd", "lr": 0.1}))
    assert config.experiment("valley").optimizer("plain").momentum == 0.0


def test_normalized_config_validates_again():
    once = parse_config(MINIMAL)
    twice = parse_config(once.data)
    assert twice == once


def test_seed_is_derived_per_experiment_and_reproducible():
    first = parse_config(MINIMAL).experiment("valley").seed
    assert parse_config(MINIMAL).experiment("valley").seed == first
    assert parse_config({**MINIMAL, "seed": 1}).experiment("valley").seed != first


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["experiments", "valley", "optimizers", "heavy", "lr"], -0.1, "experiments.valley.optimizers.heavy.lr"),
        (["experiments", "valley", "optimizers", "heavy", "lr"], "fast", "experiments.valley.optimizers.heavy.lr"),
        (["experiments", "valley", "optimizers", "heavy", "method"], "adam", "experiments.valley.optimizers.heavy.method"),
        (["experiments", "valley", "optimizers", "heavy", "momentum"], 1.0, "experiments.valley.optimizers.heavy.momentum"),
        (["experiments", "valley", "steps"], 0, "experiments.valley.steps"),
        (["experiments", "valley", "problem"], "banana", "experiments.valley.problem"),
        (["animation", "frames"], 1, "animation.frames"),
        (["experiments", "../escape"], MINIMAL["experiments"]["valley"], "experiments"),
        (["experiments", "valley", "optimizers", "Bad Name"], {"method": "sgd", "lr": 1}, "experiments.valley.optimizers"),
    ],
)
def test_bad_values_are_refused_naming_the_key(path, value, expected):
    with pytest.raises(ConfigError) as caught:
        parse_config(with_change(path, value))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"config error at {expected}:")


def test_escaping_name_is_named_in_the_message():
    with pytest.raises(ConfigError, match=r"\.\./escape"):
        parse_config(with_change(["experiments", "../escape"], MINIMAL["experiments"]["valley"]))


def test_unknown_key_is_refused():
    with pytest.raises(ConfigError, match="colour"):
        parse_config({**MINIMAL, "colour": "red"})


def test_yaml_syntax_error_is_one_line_with_position(tmp_path):
    broken = tmp_path / "config.yaml"
    broken.write_text("experiments: [\n  valley: 1\n")
    with pytest.raises(ConfigError) as caught:
        load_yaml(broken)
    assert "\n" not in str(caught.value)
    assert "line" in str(caught.value) and "config.yaml" in str(caught.value)


def test_command_line_values_are_read_as_yaml_scalars():
    values = parse_command_line_values({"report_single_file": "true", "sweep": {"lr_points": "1000", "momentum_max": "0.9"}})
    assert values == {"report_single_file": True, "sweep": {"lr_points": 1000, "momentum_max": 0.9}}
    config = parse_config({**MINIMAL, **values})
    assert config.report_single_file is True
    assert config.experiment("valley").sweep.lr_points == 1000


def test_text_in_a_file_is_not_coerced():
    with pytest.raises(ConfigError, match="lr"):
        parse_config(with_change(["experiments", "valley", "optimizers", "heavy", "lr"], "0.01"))
