"""Live mode's data: the constants and tables numpy computes, shipped to the page."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from momentumlab.optim import make_optimizer
from momentumlab.problems import Quadratic, Rosenbrock, make_problem
from momentumlab.report.live import live_data, problem_constants, run_entry, schedule_entry, summary_runs
from momentumlab.schedules import Schedule


def decoded(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def test_a_quadratics_constants_are_its_hessian_entries() -> None:
    problem = Quadratic(kappa=10.0, angle=30.0)
    constants = problem_constants(problem)
    assert [constants[k] for k in ("h11", "h12", "h22")] == [problem.hessian[0, 0], problem.hessian[0, 1], problem.hessian[1, 1]]
    assert problem_constants(Rosenbrock(b=50.0)) == {"kind": "rosenbrock", "a": 1.0, "b4": 200.0, "b2": 100.0}


def test_the_schedule_factor_table_is_numpys() -> None:
    schedule = Schedule(kind="cosine", decay_steps=40, alpha=0.1, warmup_steps=5)
    entry = schedule_entry(schedule, 60)
    np.testing.assert_array_equal(decoded(entry["factor"]), schedule.factors(60))
    assert "factor" not in schedule_entry(Schedule(kind="piecewise", boundaries=(3,), values=(1.0, 0.5)), 10)


def test_adams_bias_tables_are_the_powers_its_step_takes() -> None:
    entry = run_entry("adam", 0.1, 0.8, {"beta_2": 0.99, "epsilon": 1e-7, "weight_decay": 0.0}, Schedule(), 50)
    optimizer = make_optimizer("adam", np.array([0.1]), np.array([0.8]), beta_2=0.99)
    momentum = np.array(np.broadcast_to(optimizer.momentum, (1, 2)), order="F")
    b1 = decoded(entry["tables"]["b1pow"])
    assert all(b1[t] == (momentum ** np.float64(t + 1))[0, 0] for t in range(50))
    assert all(decoded(entry["tables"]["b2pow"])[t] == np.float64(0.99) ** np.float64(t + 1) for t in range(50))
    assert "b1pow" not in run_entry("adam", 0.1, 0.8, {"beta_2": 0.99}, Schedule(), 5, b1_table=False)["tables"]


def test_summary_rows_become_numpy_runs_only() -> None:
    rows = [{"experiment": "e", "optimizer": name, "optimizer_label": name, "method": "momentum", "backend": backend,
             "lr": 0.01, "momentum": 0.9, "hyperparameters": {"lr": 0.01, "momentum": 0.9, "momentum_form": "pytorch"},
             "schedule": {"kind": "constant"}} for name, backend in (("a", "numpy"), ("a", "tensorflow"))]
    (run,) = summary_runs(rows, 10)
    assert run["optimizer"] == "a" and run["options"] == {"momentum_form": "pytorch"} and run["momentum"] == 0.9


@pytest.mark.parametrize("kind", ["quadratic", "beale", "saddle", "himmelblau"])
def test_every_2d_problem_has_live_data(kind: str) -> None:
    data = live_data(make_problem(kind), (1.0, 1.0), 10, [])
    assert data is not None and data["problem"]["kind"] == kind and data["box"] > 0
