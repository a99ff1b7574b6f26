"""Each framework-difference row of docs/numerics.md, measured on a real run (Rosenbrock, 1000 steps).

Keras' form is this project's numpy optimizer (equal to Keras to ~1e-15, test_adaptive.py). Each
test first checks the transcription where the two forms must coincide (ε = 0, a constant rate),
then measures the difference the row states, prints it and bounds it from below (so a row cannot
silently become false) — the printed numbers are the ones the docs quote.
"""

from __future__ import annotations

import numpy as np
import pytest

import framework_rules
from momentumlab.backends import numpy_backend
from momentumlab.problems import make_problem
from momentumlab.schedules import Schedule

ROSENBROCK = make_problem("rosenbrock")
START = (-1.5, 2.5)
STEPS = 1000
DECAYING = Schedule.from_mapping({"kind": "piecewise", "boundaries": [200, 500], "values": [1.0, 0.3, 0.1]})


def keras(method: str, lr: float, axis: float | None = None, steps: int = STEPS, schedule: Schedule | None = None, **options) -> np.ndarray:  # noqa: ANN003
    return numpy_backend.run(ROSENBROCK, method, lr, axis, START, steps, schedule=schedule, options=options).params


def gap(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.abs(first - second).max())


def report(name: str, value: float) -> None:
    print(f"framework_difference {name}: {value:.3e}")


def test_adagrad_epsilon_and_initial_accumulator() -> None:
    same = gap(keras("adagrad", 0.05, epsilon=1e-300), framework_rules.torch_adagrad(ROSENBROCK, 0.05, START, STEPS, eps=0.0, initial_accumulator_value=0.1))
    assert same < 1e-12
    placement = gap(keras("adagrad", 0.05), framework_rules.torch_adagrad(ROSENBROCK, 0.05, START, STEPS, eps=1e-7, initial_accumulator_value=0.1))
    defaults = gap(keras("adagrad", 0.05), framework_rules.torch_adagrad(ROSENBROCK, 0.05, START, STEPS))
    report("adagrad_eps_inside_vs_outside", placement)
    report("adagrad_keras_vs_pytorch_defaults", defaults)
    assert placement > 1e-12 and defaults > 1e-6


def test_rmsprop_epsilon_and_momentum_units() -> None:
    keras_run = keras("rmsprop", 1e-3, 0.0, rho=0.9)
    assert gap(keras("rmsprop", 1e-3, 0.0, rho=0.9, epsilon=1e-300), framework_rules.torch_rmsprop(ROSENBROCK, 1e-3, START, STEPS, alpha=0.9, eps=0.0)) < 1e-12
    assert gap(keras_run, framework_rules.optax_rmsprop(ROSENBROCK, 1e-3, START, STEPS, eps=1e-7)) < 1e-12
    placement = gap(keras_run, framework_rules.torch_rmsprop(ROSENBROCK, 1e-3, START, STEPS, alpha=0.9, eps=1e-7))
    report("rmsprop_eps_inside_vs_outside", placement)
    # Momentum: Keras and optax accumulate η-scaled steps, PyTorch gradient-scaled ones.
    constant = gap(keras("rmsprop", 1e-3, 0.5, epsilon=1e-300), framework_rules.torch_rmsprop(ROSENBROCK, 1e-3, START, STEPS, alpha=0.9, eps=0.0, momentum=0.5))
    scheduled = gap(
        keras("rmsprop", 1e-3, 0.5, epsilon=1e-300, schedule=DECAYING),
        framework_rules.torch_rmsprop(ROSENBROCK, 1e-3, START, STEPS, alpha=0.9, eps=0.0, momentum=0.5, schedule=DECAYING),
    )
    report("rmsprop_momentum_units_constant_rate", constant)
    report("rmsprop_momentum_units_under_schedule", scheduled)
    assert constant < 1e-12 and scheduled > 1e-6 and placement > 1e-12


def test_centered_rmsprop_epsilon() -> None:
    ours = keras("rmsprop", 1e-3, 0.0, centered=True)
    theirs = framework_rules.torch_rmsprop(ROSENBROCK, 1e-3, START, STEPS, alpha=0.9, eps=1e-7, centered=True)
    report("centered_rmsprop_eps_inside_vs_outside", gap(ours, theirs))
    assert gap(ours, theirs) > 1e-9


def test_adam_epsilon_before_or_after_bias_correction() -> None:
    assert gap(keras("adam", 0.01, epsilon=1e-300), framework_rules.torch_adam(ROSENBROCK, 0.01, START, STEPS, eps=0.0)) < 1e-12
    difference = gap(keras("adam", 0.01, epsilon=1e-7), framework_rules.torch_adam(ROSENBROCK, 0.01, START, STEPS, eps=1e-7))
    report("adam_eps_before_vs_after_bias_correction", difference)
    assert difference > 1e-12


def test_nadam_momentum_cache_three_ways() -> None:
    ours = keras("nadam", 0.01)
    cache_only = framework_rules.keras_nadam_cache(ROSENBROCK, 0.01, START, STEPS, decay=float(np.float32(0.96)))
    assert gap(ours, cache_only) < 1e-7  # the arrangement is transcribed right (Keras' product uses 0.96 exactly)
    torch = gap(ours, framework_rules.torch_nadam(ROSENBROCK, 0.01, START, STEPS, eps=1e-7))
    optax = gap(ours, framework_rules.optax_nadam(ROSENBROCK, 0.01, START, STEPS, eps=1e-7))
    report("nadam_keras_vs_pytorch_cache", torch)
    report("nadam_keras_vs_optax_constant_beta1", optax)
    assert torch > 1e-3 and optax > 1e-3


def test_decoupled_weight_decay_differs_from_l2_and_moves_the_minimum() -> None:
    coupled = framework_rules.torch_adam_l2(ROSENBROCK, 0.01, START, STEPS, weight_decay=0.004, eps=1e-7)
    decoupled = keras("adam", 0.01, weight_decay=0.004)
    report("adam_weight_decay_decoupled_vs_l2", gap(decoupled, coupled))
    assert gap(decoupled, coupled) > 1e-6
    # Adam's step is normalised, so the decay only balances it where |g|/(|g| + ε) = wd·|θ|: for
    # wd·|θ| < 1 that is a gradient of ~ε·wd·|θ| (the minimum barely moves, the run lags behind on
    # the way); for wd·|θ| > 1 there is no balance near the minimum and θ is pulled towards |θ| ≈ 1/wd.
    himmelblau = make_problem("himmelblau")
    settle = Schedule.from_mapping({"kind": "cosine", "decay_steps": 3000, "alpha": 0.0})

    def distance(weight_decay: float) -> float:
        run = numpy_backend.run(himmelblau, "adam", 0.01, None, (0.0, 0.0), 3000, schedule=settle,
                                options={"weight_decay": weight_decay})
        return float(himmelblau.distance_to_optimum(run.final_params))

    plain, keras_default, strong = distance(0.0), distance(0.004), distance(0.5)
    report("adam_distance_from_himmelblau_minimum", plain)
    report("adamw_0.004_distance_from_himmelblau_minimum", keras_default)
    report("adam_weight_decay_0.5_distance_from_himmelblau_minimum", strong)
    assert plain < 1e-10 < 1e-4 < keras_default < 0.01 < 0.1 < strong


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_momentum_forms_agree_with_a_constant_rate_and_part_under_the_demo_schedule(method: str) -> None:
    from momentumlab.config import load_config

    demo = next(e for e in load_config("config.yaml").experiments if e.name == "schedule_forms")
    spec = next(s for s in demo.optimizers if s.options.get("momentum_form") == "keras")
    problem = make_problem(demo.problem, demo.params)

    def run(form: str, schedule: Schedule | None) -> np.ndarray:
        return numpy_backend.run(problem, method, spec.lr, spec.momentum, demo.start, demo.steps, schedule=schedule,
                                 options={"momentum_form": form}).params

    constant = gap(run("keras", None), run("pytorch", None)) / max(1.0, float(np.abs(run("keras", None)).max()))
    parted = gap(run("keras", spec.schedule), run("pytorch", spec.schedule))
    report(f"{method}_forms_constant_rate_relative", constant)
    report(f"{method}_forms_under_{spec.schedule.kind}_schedule", parted)
    assert constant <= 1e-12 and parted > 1e-6
