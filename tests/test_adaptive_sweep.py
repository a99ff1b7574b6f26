"""Sweeps over any method: the second axis is the method's momentum (β₁ for Adam), or none (AdaGrad)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

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


def test_tuned_values_come_from_the_methods_own_sweep_by_the_tuning_rule() -> None:
    experiment = experiment_with("momentum", {
        "adam": {"method": "adam", "lr": "tuned", "beta_1": "tuned"},
        "heavy": {"method": "momentum", "lr": "tuned", "momentum": 0.5},
    })
    problem = make_problem("quadratic", experiment.params)
    resolved = resolve(experiment, problem)
    adam, heavy = resolved.optimizers
    assert adam.lr is not None and adam.momentum is not None and heavy.momentum == 0.5
    assert "adam sweep over 6 learning rates" in adam.chosen and "beta_1" in adam.chosen
    # The rule: of the cells that settle and whose next larger η settles too, none settles sooner.
    from momentumlab.tuning import TUNING_RULE, tuning_grid

    grid = tuning_grid(experiment, experiment.optimizers[0])
    result = gather_chunks(problem, grid, [run_chunk(problem, grid, 0, 1)])
    q, p = int(np.flatnonzero(result.momentum == adam.momentum)[0]), int(np.flatnonzero(result.lr == adam.lr)[0])
    settles = (result.settled_at >= 0) & ~result.diverged
    rivals = settles[:, :-1] & settles[:, 1:]
    if rivals.any():
        assert TUNING_RULE in adam.chosen and settles[q, p] and settles[q, p + 1]
        assert result.settled_at[q, p] == result.settled_at[:, :-1][rivals].min()
    else:  # on this coarse grid every cell that settles has a next larger η that does not
        assert "every cell that settles has a next larger η that does not" in adam.chosen
        below = ~result.diverged[:, :-1] & ~result.diverged[:, 1:]
        assert result.final_distance[q, p] == result.final_distance[:, :-1][below].min()
    assert resolve(resolved, problem) == resolved


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov"])
def test_a_tuned_rate_is_not_at_the_cliff(method: str) -> None:
    from momentumlab.backends import numpy_backend
    from momentumlab.tuning import FALLBACK_RULE, tuning_grid

    spec = {"method": method, "lr": "tuned"} | ({} if method == "sgd" else {"momentum": 0.8})
    experiment = parse_config({"experiments": {"bowl": {
        "problem": "quadratic", "params": {"kappa": 10}, "start": [-4, 3], "steps": 300,
        "sweep": {"lr_min": 1e-3, "lr_max": 1.0, "lr_points": 16}, "optimizers": {"tuned": spec}}}}).experiment("bowl")
    problem = make_problem("quadratic", experiment.params)
    spec = resolve(experiment, problem).optimizers[0]
    grid = tuning_grid(experiment, experiment.optimizers[0])
    following = grid.lr[int(np.flatnonzero(grid.lr == spec.lr)[0]) + 1]
    own, neighbour = (numpy_backend.run(problem, method, lr, spec.momentum, experiment.start, experiment.steps)
                      for lr in (spec.lr, following))
    if FALLBACK_RULE in spec.chosen:
        assert "no cell settles" in spec.chosen and not neighbour.diverged
    else:
        assert method != "sgd" or "no cell settles" not in spec.chosen
        assert own.settled_at(problem, experiment.tolerance) is not None
        assert neighbour.settled_at(problem, experiment.tolerance) is not None
    assert method == "sgd" or FALLBACK_RULE not in spec.chosen  # momentum settles on κ = 10 in 300 steps


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
    assert record["momentum_key"] == "beta_1" and record["lr_chosen"].startswith("tuned on its own adam sweep")
    assert run_record(experiment, experiment.optimizer("heavy"), "numpy", problem, trajectory, 0.1)["lr_chosen"] == "configured"
    assert momentum_effect_rows(experiment, problem) == []  # no run without momentum: the question does not apply
    plain = replace(experiment, optimizers=(*experiment.optimizers, replace(experiment.optimizer("heavy"), name="plain",
                                                                            method="sgd", momentum=None)))
    rows = {row["optimizer"]: row for row in momentum_effect_rows(plain, problem)}
    assert set(rows) == {"adam", "heavy"} and rows["heavy"]["momentum_key"] == "momentum"
    assert rows["heavy"]["steps_with"] is not None
