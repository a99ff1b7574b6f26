"""Sweeps over any method: the second axis is the method's momentum (β₁ for Adam), or none (AdaGrad)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from momentumlab.config import parse_config
from momentumlab.problems import make_problem
from momentumlab.sweep_summary import sweep_row
from momentumlab.sweep import gather_chunks, marked_optimizers, run_chunk, spot_check, sweep_grid
from momentumlab.tuning import resolve


def experiment_with(sweep_method: str, optimizers: dict):  # noqa: ANN201
    config = parse_config({"experiments": {"bowl": {
        "problem": "quadratic", "params": {"kappa": 10}, "start": [-4, 3], "steps": 150,
        "sweep": {"method": sweep_method, "lr_points": 6, "momentum_points": 4, "steps": 150},
        "optimizers": optimizers}}})
    return config.experiment("bowl")


def test_an_adam_sweep_runs_over_lr_and_beta_1_with_its_options_and_schedule(tmp_path: Path) -> None:
    schedule = {"kind": "cosine", "decay_steps": 150, "alpha": 0.0}
    experiment = experiment_with("adam", {"adam": {"method": "adam", "lr": 0.1, "beta_2": 0.99, "schedule": schedule}})
    grid = sweep_grid(experiment)
    assert grid.momentum.tolist() == np.linspace(0, 0.99, 4).tolist() and grid.options["beta_2"] == 0.99
    assert grid.schedule.kind == "cosine"
    problem = make_problem("quadratic", experiment.params)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, i, 2) for i in range(2)])
    row = sweep_row(experiment.name, result, marked_optimizers(experiment), [], None)
    assert row["method"] == "adam" and row["momentum_key"] == "beta_1" and row["best"] is not None
    assert [c["optimizer"] for c in row["configured"]] == ["adam"]
    checks = spot_check(problem, result, experiment.start, grid=grid)
    assert max(check["max_rel_diff"] for check in checks) <= 1e-12
    from momentumlab.render.heatmap import render_sweep_heatmap

    render_sweep_heatmap(result, tmp_path / "adam.png", "adam sweep", configured=[("adam", 0.1, 0.9)])
    assert (tmp_path / "adam.png").stat().st_size > 0


def test_an_adagrad_sweep_is_over_lr_alone_and_drawn_as_a_line(tmp_path: Path) -> None:
    experiment = experiment_with("adagrad", {"sgd": {"method": "sgd", "lr": 0.01}})
    grid = sweep_grid(experiment)
    assert grid.momentum.tolist() == [0.0] and grid.shape == (1, 6)
    problem = make_problem("quadratic", experiment.params)
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    assert sweep_row(experiment.name, result, [], [], None)["momentum_key"] is None
    from momentumlab.render.heatmap import render_sweep_heatmap

    render_sweep_heatmap(result, tmp_path / "adagrad.png", "adagrad sweep")
    assert (tmp_path / "adagrad.png").stat().st_size > 0


def test_tuned_values_come_from_the_methods_own_sweep_by_the_best_run_rule() -> None:
    experiment = experiment_with("momentum", {
        "adam": {"method": "adam", "lr": "tuned", "beta_1": "tuned"},
        "heavy": {"method": "momentum", "lr": "tuned", "momentum": 0.5},
    })
    problem = make_problem("quadratic", experiment.params)
    resolved = resolve(experiment, problem)
    adam, heavy = resolved.optimizers
    assert adam.lr is not None and adam.momentum is not None and heavy.momentum == 0.5
    assert "adam sweep over 6 learning rates" in adam.chosen and "beta_1" in adam.chosen
    # The rule: no other grid point reaches the tolerance sooner.
    from momentumlab.tuning import tuning_grid

    grid = tuning_grid(experiment, experiment.optimizers[0])
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    q, p = result.best()
    assert (result.lr[p], result.momentum[q]) == (adam.lr, adam.momentum)
    assert resolve(resolved, problem) == resolved


def test_run_records_carry_hyperparameters_schedule_and_how_lr_was_chosen() -> None:
    from momentumlab.backends import numpy_backend
    from momentumlab.momentum_effect import momentum_effect_rows
    from momentumlab.records import run_record

    experiment = experiment_with("momentum", {
        "adam": {"method": "adam", "lr": "tuned", "beta_2": 0.99,
                 "schedule": {"kind": "exponential", "decay_steps": 100, "decay_rate": 0.5}},
        "heavy": {"method": "momentum", "lr": 0.05, "momentum": 0.9},
    })
    problem = make_problem("quadratic", experiment.params)
    experiment = resolve(experiment, problem)
    adam = experiment.optimizer("adam")
    trajectory = numpy_backend.run(problem, "adam", adam.lr, adam.momentum, experiment.start, experiment.steps,
                                   schedule=adam.schedule, options=adam.options)
    record = run_record(experiment, adam, "numpy", problem, trajectory, 0.1)
    assert record["hyperparameters"] == {"lr": adam.lr, "beta_1": 0.9, "beta_2": 0.99, "epsilon": 1e-7, "weight_decay": 0.0}
    assert record["schedule"] == {"kind": "exponential", "decay_steps": 100, "decay_rate": 0.5}
    assert record["momentum_key"] == "beta_1" and record["lr_chosen"].startswith("tuned: best run of its own adam sweep")
    assert run_record(experiment, experiment.optimizer("heavy"), "numpy", problem, trajectory, 0.1)["lr_chosen"] == "configured"
    rows = {row["optimizer"]: row for row in momentum_effect_rows(experiment, problem)}
    assert set(rows) == {"adam", "heavy"} and rows["heavy"]["momentum_key"] == "momentum"
    assert rows["heavy"]["steps_with"] is not None
