""""Use this run": the YAML of a sweep cell, pasted into a config, runs that very cell."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from momentumlab.cell_yaml import LR, MOMENTUM, cell_template, fill, model_cell_template, yaml_number
from momentumlab.config import parse_config
from momentumlab.optim import MOMENTUM_KEY
from momentumlab.problems import make_problem
from momentumlab.runner import optimize_experiment
from momentumlab.sweep import gather_chunks, run_chunk, sweep_grid

PIECEWISE = {"kind": "piecewise", "boundaries": [40, 90], "values": [1.0, 0.3, 0.1]}
COSINE = {"kind": "cosine", "decay_steps": 150, "alpha": 0.05, "warmup_steps": 10}
EXPONENTIAL = {"kind": "exponential", "decay_steps": 30, "decay_rate": 0.7}

# One optimizer per method family and form, each with options off Keras' defaults and a schedule.
FAMILIES = {
    "heavy_keras": {"method": "momentum", "lr": 0.01, "momentum": 0.9, "momentum_form": "keras", "schedule": PIECEWISE},
    "heavy_pytorch": {"method": "momentum", "lr": 0.01, "momentum": 0.9, "momentum_form": "pytorch", "schedule": PIECEWISE},
    "nesterov_keras": {"method": "nesterov", "lr": 0.01, "momentum": 0.9, "momentum_form": "keras", "schedule": COSINE},
    "nesterov_pytorch": {"method": "nesterov", "lr": 0.01, "momentum": 0.9, "momentum_form": "pytorch", "schedule": COSINE},
    "adam": {"method": "adam", "lr": 0.05, "beta_2": 0.9, "epsilon": 0.1, "schedule": EXPONENTIAL},
    "adamax": {"method": "adamax", "lr": 0.05, "beta_2": 0.95, "epsilon": 3.0e-3, "schedule": COSINE},
    "rmsprop": {"method": "rmsprop", "lr": 0.01, "rho": 0.8, "momentum": 0.5, "epsilon": 1.0e-5, "schedule": PIECEWISE},
    "rmsprop_centered": {"method": "rmsprop", "lr": 0.01, "rho": 0.8, "momentum": 0.5, "centered": True, "schedule": EXPONENTIAL},
    "adagrad": {"method": "adagrad", "lr": 0.3, "initial_accumulator_value": 0.5, "epsilon": 1.0e-4, "schedule": COSINE},
}


@pytest.mark.parametrize("value", [0.1, 1e-5, 1e-7, 3e21, 0.0, 2.0, 1 / 3, 123456.789, 5e-324, np.nextafter(0.99, 1)])
def test_numbers_are_written_so_that_yaml_reads_the_same_float(value: float) -> None:
    assert yaml.safe_load(f"x: {yaml_number(value)}")["x"] == value
    assert isinstance(yaml.safe_load(yaml_number(value)), float)


def _swept(name: str, entry: dict, problem: str = "quadratic", params: dict | None = None):  # noqa: ANN202
    """A 150-step sweep of ``entry``'s method in a 60-step experiment (the cell's steps are the sweep's)."""
    config = parse_config({"experiments": {"bowl": {
        "problem": problem, "params": params or {"kappa": 20, "angle": 30}, "steps": 60, "backends": ["numpy"],
        "sweep": {"method": entry["method"], "lr_points": 4, "momentum_points": 3, "steps": 150,
                  "lr_min": 1e-3, "lr_max": 0.3},
        "optimizers": {"first": {"method": "sgd", "lr": 0.01}, name: entry}}}})
    return config.experiment("bowl")


@pytest.mark.parametrize("name", list(FAMILIES))
def test_the_pasted_yaml_of_every_cell_runs_that_cell(name: str) -> None:
    experiment = _swept(name, FAMILIES[name])
    grid = sweep_grid(experiment)
    problem = make_problem(experiment.problem, experiment.params)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    template = cell_template(experiment, grid)
    assert template.count(LR) == 1 and template.count(MOMENTUM) == (1 if MOMENTUM_KEY[grid.method] else 0)
    for q in range(len(grid.momentum)):
        for p in range(len(grid.lr)):
            text = fill(template, float(result.lr[p]), float(result.momentum[q]))
            pasted = parse_config({"experiments": yaml.safe_load(text)}).experiments[0]
            assert pasted.steps == grid.steps == 150
            (run,) = optimize_experiment(pasted, make_problem(pasted.problem, pasted.params), "numpy")[0].values()
            expected = result.final_params[q, p]
            if run.diverged:  # left the box: so did the cell (which may also be judged diverged by its linear analysis)
                assert result.diverged[q, p]
                continue
            np.testing.assert_allclose(run.final_params, expected, rtol=1e-12, atol=1e-300)


def test_a_data_problems_cell_carries_its_seed() -> None:
    entry = {"method": "momentum", "lr": 0.01, "momentum": 0.9, "momentum_form": "pytorch", "schedule": PIECEWISE}
    experiment = _swept("heavy", entry, "linear_regression", {"n_points": 30, "noise": 2})
    grid = sweep_grid(experiment)
    from momentumlab.datasets import make_dataset

    problem = make_problem(experiment.problem, experiment.params, make_dataset(experiment.problem, experiment.params, experiment.seed))
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    q, p = 1, 1
    pasted = parse_config({"experiments": yaml.safe_load(fill(cell_template(experiment, grid), result.lr[p], result.momentum[q]))})
    cell = pasted.experiments[0]
    assert cell.seed == experiment.seed
    data = make_dataset(cell.problem, cell.params, cell.seed)
    (run,) = optimize_experiment(cell, make_problem(cell.problem, cell.params, data), "numpy")[0].values()
    np.testing.assert_allclose(run.final_params, result.final_params[q, p], rtol=1e-12)


@pytest.mark.parametrize("method", ["momentum", "nesterov", "sgd"])
def test_the_pasted_yaml_of_a_model_sweep_cell_trains_the_same_weights(method: str) -> None:
    from momentumlab.model.run import run_model_experiment
    from momentumlab.model.sweep import run_sweep

    raw = {"experiments": {"moons": {
        "problem": "mlp", "dataset": {"kind": "moons", "n_points": 60, "noise": 0.2}, "params": {"hidden": [4]},
        "batch_size": 16, "steps": 12, "seeds": 2,
        "sweep": {"enabled": True, "method": method, "lr_points": 2, "momentum_points": 2, "steps": 30,
                  "lr_min": 0.01, "lr_max": 0.3},
        "optimizers": {"heavy": {"method": "momentum", "lr": 0.1, "momentum": 0.9}}}}}
    config = parse_config(raw)
    (spec,) = config.model_experiments
    result = run_sweep(spec, spec.data())
    template = model_cell_template(spec, config.data["experiments"]["moons"])
    q, p = len(result.momentum) - 1, 1
    pasted = parse_config({"experiments": yaml.safe_load(fill(template, result.lr[p], result.momentum[q]))})
    (cell,) = pasted.model_experiments
    assert cell.steps == 30 and cell.seed == spec.seed
    trained = run_model_experiment(cell, data=cell.data())
    (run,) = [r for r in trained.runs if r.optimizer == "cell" and r.backend == "numpy"]
    np.testing.assert_array_equal(run.weights[-1], result.final_weights[q, p])


def test_a_tuned_runs_text_gives_the_entry_it_ran_with() -> None:
    from momentumlab.tuning import resolve

    config = parse_config({"experiments": {"bowl": {
        "problem": "quadratic", "params": {"kappa": 20}, "steps": 80, "backends": ["numpy"],
        "sweep": {"enabled": False, "lr_points": 5, "momentum_points": 3},
        "optimizers": {"rms": {"method": "rmsprop", "lr": "tuned", "momentum": "tuned", "centered": True,
                               "schedule": PIECEWISE}}}}})
    experiment = config.experiment("bowl")
    problem = make_problem(experiment.problem, experiment.params)
    tuned = resolve(experiment, problem)
    chosen = tuned.optimizers[0].chosen
    entry = yaml.safe_load(chosen.split("it runs as ", 1)[1].split(" for 80 steps", 1)[0])
    pasted = parse_config({"experiments": {"again": {"problem": "quadratic", "params": {"kappa": 20}, "steps": 80,
                                                     "backends": ["numpy"], "optimizers": {"rms": entry}}}})
    again = optimize_experiment(pasted.experiments[0], problem, "numpy")[0]["rms"]
    first = optimize_experiment(tuned, problem, "numpy")[0]["rms"]
    np.testing.assert_array_equal(again.params, first.params)


GENERATED = range(36)


def test_every_sweep_the_generator_draws_reproduces_from_its_pasted_yaml() -> None:
    """Every 2-D sweep of the shared generator's configs (every method, option and schedule it draws)."""
    from config_generator import parse_or_refusal, random_config

    from momentumlab.datasets import make_dataset

    checked = set()
    for seed in GENERATED:
        config, _ = parse_or_refusal(random_config(seed))
        for experiment in config.experiments if config else ():
            if not experiment.sweep.enabled:
                continue
            grid = sweep_grid(experiment)
            data = make_dataset(experiment.problem, experiment.params, experiment.seed)
            problem = make_problem(experiment.problem, experiment.params, data)
            result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
            template = cell_template(experiment, grid)
            for q in range(len(grid.momentum)):
                for p in range(len(grid.lr)):
                    pasted = parse_config({"experiments": yaml.safe_load(fill(template, result.lr[p], result.momentum[q]))},
                                          check_budget=False).experiments[0]
                    again = make_problem(pasted.problem, pasted.params, make_dataset(pasted.problem, pasted.params, pasted.seed))
                    (run,) = optimize_experiment(pasted, again, "numpy")[0].values()
                    # The sweep also marks diverged a run its linear analysis finds unstable (sweep.judged_divergence).
                    assert not run.diverged or result.diverged[q, p], (seed, q, p)
                    if not run.diverged:
                        np.testing.assert_allclose(run.final_params, result.final_params[q, p], rtol=1e-12, atol=1e-300)
            checked.add((grid.method, grid.schedule.kind))
    assert len({method for method, _ in checked}) >= 4, checked  # the draw covers several methods
