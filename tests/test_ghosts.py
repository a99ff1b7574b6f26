"""Is momentum just a bigger step? The ``ghost: effective_rate`` option, its refusals, the still-only
2-D media, and the default ``effective_rate`` experiment: the ghost tracks heavy ball at the small
rate and diverges at the large one while heavy ball converges, as the caption says."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from momentumlab import layout
from momentumlab.config import ConfigError, load_yaml, parse_config
from momentumlab.ghosts import ghost_rows, ghost_sentence
from momentumlab.records import format_number
from momentumlab.runner import optimize_experiment
from momentumlab.runs import RunKey
from momentumlab.problems import make_problem

ROOT = Path(__file__).resolve().parents[1]
BASE = {"experiments": {"bowl": {"problem": "quadratic", "params": {"kappa": 10}, "steps": 30, "backends": ["numpy"],
                                 "sweep": {"enabled": False}, "animations": False,
                                 "optimizers": {"hb": {"method": "momentum", "lr": 0.01, "momentum": 0.8,
                                                       "ghost": "effective_rate"}}}}}


def _with(**optimizer: object) -> dict:
    config = copy.deepcopy(BASE)
    config["experiments"]["bowl"]["optimizers"]["hb"].update(optimizer)
    return config


def test_a_ghost_is_gradient_descent_at_the_effective_rate_right_after_its_heavy_ball():
    experiment = parse_config(BASE).experiment("bowl")
    assert [spec.name for spec in experiment.optimizers] == ["hb", "hb_ghost"]
    ghost = experiment.optimizer("hb_ghost")
    assert ghost.method == "sgd" and ghost.momentum == 0.0 and ghost.ghost_of == "hb"
    assert ghost.lr == pytest.approx(0.01 / (1 - 0.8))
    assert "ghost" in ghost.label and "η/(1 − μ)" in ghost.label
    assert RunKey("hb_ghost", "numpy") in experiment.runs


@pytest.mark.parametrize("change, says", [
    ({"method": "nesterov"}, "heavy ball"),
    ({"lr": "tuned"}, "tuned"),
    ({"ghost": "bigger_step"}, "effective_rate"),
])
def test_a_ghost_that_cannot_be_run_is_refused_in_one_line_naming_the_key(change, says):
    with pytest.raises(ConfigError) as error:
        parse_config(_with(**change))
    message = str(error.value)
    assert "experiments.bowl.optimizers.hb.ghost" in message and says in message and "\n" not in message


def test_a_ghost_on_plain_gradient_descent_or_over_a_taken_name_is_refused():
    config = copy.deepcopy(BASE)
    config["experiments"]["bowl"]["optimizers"]["hb"] = {"method": "sgd", "lr": 0.01, "ghost": "effective_rate"}
    with pytest.raises(ConfigError, match=r"experiments\.bowl\.optimizers\.hb\.ghost: applies to heavy ball"):
        parse_config(config)
    config = _with()
    config["experiments"]["bowl"]["optimizers"]["hb_ghost"] = {"method": "sgd", "lr": 0.01}
    with pytest.raises(ConfigError, match=r"experiments\.bowl\.optimizers\.hb\.ghost: .*hb_ghost.*taken"):
        parse_config(config)


def test_without_animations_a_2d_experiment_renders_the_race_poster_only_and_the_deck_shows_it():
    config = parse_config(BASE)
    experiment = config.experiment("bowl")
    media = layout.experiment_media(experiment, ("gif", "mp4"))
    assert not media.runs and set(media.compare) == {"png"}
    assert layout.ExperimentMedia.from_tree(layout.nested(layout.named(media))) == media
    race = layout.slide_inputs(config).races["bowl"]
    assert race.media == race.poster == media.compare["png"]


def test_default_effective_rate_ghost_tracks_at_the_small_rate_and_diverges_alone_at_the_large_one():
    experiment = parse_config(load_yaml(ROOT / "config.yaml")).experiment("effective_rate")
    problem = make_problem(experiment.problem, experiment.params, None)
    runs, _ = optimize_experiment(experiment, problem, "numpy")
    keyed = {RunKey(name, "numpy"): run for name, run in runs.items()}
    small, large = ghost_rows(experiment, problem, keyed)
    assert small["diverged_at"] is None and small["ghost_diverged_at"] is None
    assert small["relative_gap"] < 0.1  # the two paths stay within a tenth of the way to the minimum
    assert large["ghost_h"] > large["ghost_bound"] and large["h"] < large["bound"]
    assert large["ghost_diverged_at"] == runs["large_ghost"].diverged_at is not None
    assert large["diverged_at"] is None and large["distance_to_optimum"] < experiment.tolerance

    tracks, diverges = ghost_sentence(small), ghost_sentence(large)
    assert f"{format_number(100 * small['relative_gap'], 3)} % of the start's distance" in tracks
    step = re.search(r"the ghost has .*? and diverges at step (\d+), while heavy ball has .*? < .*? and ends", diverges)
    assert step and int(step.group(1)) == runs["large_ghost"].diverged_at
