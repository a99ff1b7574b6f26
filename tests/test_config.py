"""Config validation: defaults filled in, bad input refused with one line naming the key."""

from __future__ import annotations

import copy
import re
import dataclasses
from pathlib import Path

import pytest
import yaml

from momentumlab.config import ConfigError, load_config, load_yaml, parse_command_line_values, parse_config

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = {
    "experiments": {
        "valley": {"problem": "rosenbrock", "optimizers": {"heavy": {"method": "momentum", "lr": 1e-3, "momentum": 0.9}}},
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
    assert methods == {"sgd", "momentum", "nesterov", "adam", "rmsprop"}
    for experiment in config.experiments:
        if experiment.name != "schedule_forms":  # that one races two forms of heavy ball
            assert {"sgd", "momentum"} <= {spec.method for spec in experiment.optimizers}
    assert len(config.experiment("quadratic").optimizers) >= 5  # issue 15: one race of five methods
    for name in ("linear_regression", "rosenbrock"):  # the seed's two, cross-checked on both backends
        assert config.experiment(name).backends == ("numpy", "tensorflow")


def test_defaults_come_from_the_schema():
    config = parse_config(MINIMAL)
    experiment = config.experiment("valley")
    assert experiment.steps == 1000
    assert experiment.start == (-1.5, 2.5)
    assert config.animation.width == 960 and config.animation.height == 540
    assert config.animation.formats == ("gif", "mp4")


def test_sgd_runs_without_momentum():
    config = parse_config(with_change(["experiments", "valley", "optimizers", "plain"], {"method": "sgd", "lr": 0.1}))
    assert config.experiment("valley").optimizer("plain").momentum == 0.0


def test_normalized_config_validates_again():
    once = parse_config(MINIMAL)
    twice = parse_config(once.data)
    assert twice == once


def test_seed_is_derived_per_experiment_and_reproducible():
    line = with_change(["experiments", "valley", "problem"], "linear_regression")
    first = parse_config(line).experiment("valley").seed
    assert parse_config(line).experiment("valley").seed == first
    assert parse_config({**line, "seed": 1}).experiment("valley").seed != first


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["experiments", "valley", "optimizers", "heavy", "lr"], -0.1, "experiments.valley.optimizers.heavy.lr"),
        (["experiments", "valley", "optimizers", "heavy", "lr"], "fast", "experiments.valley.optimizers.heavy.lr"),
        (["experiments", "valley", "optimizers", "heavy", "method"], "adabelief", "experiments.valley.optimizers.heavy.method"),
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


# Issue 12: settings the schema used to accept that then crashed a job, drew the wrong
# picture or did nothing. Each is refused in one line naming the key.
HEAVY = ["experiments", "valley", "optimizers", "heavy"]
REFUSED = [  # (path, value, key named, words in the message)
    ([*HEAVY, "lr"], float("nan"), ".".join([*HEAVY, "lr"]), "finite"),
    ([*HEAVY, "lr"], float("inf"), ".".join([*HEAVY, "lr"]), "finite"),
    ([*HEAVY, "lr"], float("-inf"), ".".join([*HEAVY, "lr"]), "finite"),
    (["experiments", "valley", "start"], [float("nan"), 1.0], "experiments.valley.start.0", "finite"),
    (["tolerance"], float("inf"), "tolerance", "finite"),
    (["animation", "hold_seconds"], float("nan"), "animation.hold_seconds", "finite"),
    ([*HEAVY, "lr"], "1.0e12", ".".join([*HEAVY, "lr"]), "write 1.0e+12"),
    ([*HEAVY, "lr"], "1e-3", ".".join([*HEAVY, "lr"]), "write 1.0e-3"),
    ([*HEAVY, "lr"], 5e-324, ".".join([*HEAVY, "lr"]), "less than the minimum"),
    ([*HEAVY, "lr"], 1e300, ".".join([*HEAVY, "lr"]), "greater than the maximum"),
    (["experiments", "valley", "params"], {"kappa": 3}, "experiments.valley.params.kappa", "not a parameter of rosenbrock"),
    (["experiments", "valley", "params"], {"n_points": 30}, "experiments.valley.params.n_points", "takes a, b"),
    (["experiments", "valley", "params"], {"kappa": 1e13}, "experiments.valley.params.kappa", "maximum"),
    (["experiments", "valley", "seed"], 3, "experiments.valley.seed", "no random data"),
    ([*HEAVY, "momentum"], None, ".".join([*HEAVY, "momentum"]), "required for method momentum"),
    (["experiments", "valley", "optimizers", "plain"], {"method": "sgd", "lr": 0.1, "momentum": 0.9},
     "experiments.valley.optimizers.plain.momentum", "sgd has no momentum"),
    (["experiments", "valley", "sweep"], {"lr_min": 1.0}, "experiments.valley.sweep.lr_min", "must be below"),
    (["experiments", "valley", "sweep"], {"lr_max": 1e-9}, "experiments.valley.sweep.lr_max", "must be below"),
    (["experiments", "valley", "sweep"], {"steps": 10**8}, "experiments.valley.sweep.steps", "maximum"),
    (["experiments", "valley", "start"], [1e5, 0], "experiments.valley.start.0", "maximum"),
]


@pytest.mark.parametrize(("path", "value", "key", "words"), REFUSED, ids=lambda v: str(v)[:40])
def test_accepted_by_type_but_meaningless_is_refused(path, value, key, words):
    config = with_change(path, value)
    if value is None:
        node = config
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    with pytest.raises(ConfigError) as caught:
        parse_config(config)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"config error at {key}: "), message
    assert words in message, message


def test_tolerance_on_a_problem_without_minimum_is_refused():
    config = with_change(["experiments", "valley", "problem"], "saddle")
    config["experiments"]["valley"]["tolerance"] = 0.1
    with pytest.raises(ConfigError, match=r"^config error at experiments\.valley\.tolerance: saddle has no minimum"):
        parse_config(config)


def test_schema_parameter_table_matches_the_problems():
    from momentumlab.datasets import REGRESSION_DEFAULTS
    from momentumlab.problems import PROBLEM_TYPES

    table = yaml.safe_load((ROOT / "src/momentumlab/schemas/config.schema.yaml").read_text())["$defs"]["problem_parameters"]
    assert set(table) - {"description"} == set(PROBLEM_TYPES)
    for kind, cls in PROBLEM_TYPES.items():
        fields = {field.name for field in dataclasses.fields(cls)} - {"x", "y"}
        expected = set(REGRESSION_DEFAULTS) if cls.has_data else fields
        assert set(table[kind]) == expected, kind


def test_reordered_keys_and_integral_floats_give_identical_data():
    plain = parse_config(MINIMAL).data
    entry = MINIMAL["experiments"]["valley"]
    reordered = {"experiments": {"valley": {"optimizers": entry["optimizers"], "steps": 1000.0, "problem": "rosenbrock"}}}
    again = parse_config(reordered).data
    assert repr(again) == repr(plain)  # Snakemake compares params by repr
    assert type(again["experiments"]["valley"]["steps"]) is int


def test_experiment_and_optimizer_order_is_kept():
    config = with_change(["experiments", "valley", "optimizers", "alpha"], {"method": "sgd", "lr": 0.1})
    config["experiments"]["basin"] = config["experiments"]["valley"]
    parsed = parse_config(config)
    assert list(parsed.data["experiments"]) == ["valley", "basin"]
    assert [spec.name for spec in parsed.experiment("valley").optimizers] == ["heavy", "alpha"]


def test_command_line_number_text_is_a_number():
    assert parse_command_line_values({"tolerance": "1e-3", "seed": "3"}) == {"tolerance": 1e-3, "seed": 3}


def test_the_budget_refuses_what_would_not_fit_and_names_the_key():
    def experiment(**changes):
        return with_change(["experiments", "valley"], {**MINIMAL["experiments"]["valley"], **changes})

    parse_config(experiment(sweep={"lr_points": 1024, "momentum_points": 1024}, steps=10_000_000))  # measured: fits
    cases = [
        (experiment(sweep={"lr_points": 4096, "momentum_points": 4096}), "experiments.valley.sweep", "memory"),
        ({**experiment(), "animation": {"width": 3840, "height": 2160, "frames": 2000}, "budget": {"max_job_minutes": 5}},
         "animation.frames", "take about"),
        ({**experiment(steps=10_000_000), "budget": {"max_job_memory_mb": 1000}}, "experiments.valley.steps", "memory"),
    ]
    for config, key, words in cases:
        with pytest.raises(ConfigError, match=rf"^config error at {re.escape(key)}: .*{words}.*raise the budget$"):
            parse_config(config)
    chunked = experiment(sweep={"lr_points": 4096, "momentum_points": 4096, "chunks": 16, "steps": 200})
    parse_config({**chunked, "budget": {"max_job_memory_mb": 6000}})
