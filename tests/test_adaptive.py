"""Every method × every problem × (constant rate, a schedule): numpy ≡ TensorFlow, 1000 steps
(`make test` runs each schedule kind on one problem, `make test-slow` on the other two).

The bound is |Δθ| ≤ 1e-12 · max(1, |θ|) at every step. The only difference between the backends
is the gradient (analytic in numpy, ``tf.GradientTape`` in TensorFlow, equal to ~1 ulp), so the
settings are ones whose dynamics do not amplify rounding (no chaotic bouncing): that is what makes
a bound this tight meaningful. One TensorFlow trace per run, each run built once per session.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab import backends
from momentumlab.backends import numpy_backend, tensorflow_backend
from momentumlab.optim import ADAPTIVE, DEFAULTS, METHODS, MOMENTUM_KEY, SGD_FAMILY
from momentumlab.problems import PROBLEM_TYPES, Problem
from momentumlab.schedules import Schedule
from problem_builders import shared_problem, shared_run

KINDS = sorted(PROBLEM_TYPES)
STEPS = 1000
BOUND = 1e-12
START = {
    "linear_regression": (-20.0, -20.0), "rosenbrock": (-1.5, 2.5), "quadratic": (-4.0, 3.0),
    "beale": (1.0, 1.5), "himmelblau": (0.0, 0.0), "saddle": (-4.0, 0.01),
}
# Learning rates: the shipped config's for the SGD family, per-coordinate step sizes for the rest.
SGD_LR = {"linear_regression": 0.01, "rosenbrock": 1e-3, "quadratic": 0.01, "beale": 3e-3, "himmelblau": 0.01, "saddle": 0.01}
ADAPTIVE_LR = {"linear_regression": 0.1, "rosenbrock": 2e-3, "quadratic": 0.02, "beale": 2e-3, "himmelblau": 0.02, "saddle": 0.01}
# (name, method, momentum axis, options). RMSprop's scaled step ±η never settles, so at the
# other methods' rates it bounces chaotically round the minimum within 1000 steps; it runs at a
# tenth. Centered RMSprop subtracts two nearly equal numbers (s − c² for a steady gradient), which
# turns a 1-ulp gradient difference into ~1e-3 (measured; the same with a numpy gradient scaled by
# 1 + 2⁻⁵², so it is conditioning, not a formula mismatch): it is cross-checked with ε = 1.
# Every method of the registry at its defaults (μ = 0.9 for the SGD family's momentum), each
# momentum form, and a few non-default settings.
VARIANTS = [
    *((method, method, 0.9 if method in SGD_FAMILY and MOMENTUM_KEY[method] else None, {}) for method in METHODS),
    *((f"{method}_pytorch", method, 0.9, {"momentum_form": "pytorch"}) for method in METHODS if "momentum_form" in DEFAULTS[method]),
    ("rmsprop_centered_momentum", "rmsprop", 0.5, {"centered": True, "epsilon": 1.0}),
    ("adam_weight_decay", "adam", 0.8, {"weight_decay": 0.01, "beta_2": 0.99, "epsilon": 1e-6}),
]
# Each problem gets one schedule kind, so every method meets every kind across the problems.
# (Nesterov in gradient units warming up on Rosenbrock amplifies a 1-ulp gradient difference to
# ~3e-7 relative at the valley crossing, so Rosenbrock gets the plain cosine.)
SCHEDULES = [
    Schedule.from_mapping({"kind": "cosine", "decay_steps": 800, "alpha": 0.1, "warmup_steps": 50}),
    Schedule.from_mapping({"kind": "piecewise", "boundaries": [100, 400], "values": [1.0, 0.5, 0.25]}),
    Schedule.from_mapping({"kind": "exponential", "decay_steps": 200, "decay_rate": 0.5}),
    Schedule.from_mapping({"kind": "cosine", "decay_steps": 1000, "alpha": 0.0}),
]
SCHEDULE_OF = dict(
    zip(("beale", "himmelblau", "linear_regression", "quadratic", "rosenbrock", "saddle"), [SCHEDULES[i] for i in (0, 1, 2, 0, 3, 1)])
)


def learning_rate(name: str, method: str, kind: str) -> float:
    base = SGD_LR[kind] if method in SGD_FAMILY else ADAPTIVE_LR[kind]
    return base * {"adagrad": 10.0, "rmsprop": 0.1, "rmsprop_centered_momentum": 0.1}.get(name, 1.0)


# `make test` meets each schedule kind on one problem; quadratic repeats beale's (cosine with
# warm-up) and saddle himmelblau's (piecewise), so those two scheduled runs are `make test-slow`'s.
SLOW_SCHEDULED = {"quadratic", "saddle"}
VARIANT = {variant[0]: variant for variant in VARIANTS}


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {kind: shared_problem(kind) for kind in KINDS}


def runs_of(name: str, kind: str, scheduled: bool) -> tuple:
    """(numpy, TensorFlow) trajectories of one case, each computed once per test session."""
    _, method, axis, options = VARIANT[name]
    schedule = SCHEDULE_OF[kind] if scheduled else None
    lr = learning_rate(name, method, kind)
    return tuple(shared_run(backend, kind, method, lr, axis, START[kind], STEPS, schedule=schedule, options=options)
                 for backend in backends.BACKENDS)


def _case(name: str, kind: str, scheduled: bool) -> object:
    marks = [pytest.mark.slow] if scheduled and kind in SLOW_SCHEDULED else []
    return pytest.param(name, kind, scheduled, marks=marks, id=f"{name}-{kind}-{'schedule' if scheduled else 'constant'}")


def relative_gap(first, second) -> np.ndarray:  # noqa: ANN001
    """Per step max |Δθ| / max(1, |θ|)."""
    rows = min(len(first.params), len(second.params))
    scale = np.maximum(1.0, np.abs(first.params[:rows]).max(axis=1))
    return np.abs(first.params[:rows] - second.params[:rows]).max(axis=1) / scale


@pytest.mark.parametrize("name, kind, scheduled", [_case(name, kind, scheduled) for scheduled in (False, True)
                                                   for kind in KINDS for name in VARIANT])
def test_numpy_and_tensorflow_agree_at_every_step(name: str, kind: str, scheduled: bool) -> None:
    reference, other = runs_of(name, kind, scheduled)
    assert reference.diverged_at == other.diverged_at
    assert reference.params.shape == other.params.shape
    gap = relative_gap(reference, other)
    assert gap.max() <= BOUND, f"max relative |Δθ| {gap.max():.3e} first above at step {np.argmax(gap > BOUND)}"


@pytest.mark.slow
def test_agreement_table() -> None:
    """Prints max relative |Δθ| per method over every case (the numbers quoted in docs/numerics.md)."""
    for name in VARIANT:
        gaps = {(kind, scheduled): relative_gap(*runs_of(name, kind, scheduled)).max() for kind in KINDS for scheduled in (False, True)}
        print(f"max_rel_diff {name}: {max(gaps.values()):.2e}", " ".join(f"{k[0][:5]}{'S' if k[1] else ''}={v:.0e}" for k, v in gaps.items()))
        assert max(gaps.values()) <= BOUND


@pytest.mark.parametrize("method", [method for method in METHODS if MOMENTUM_KEY[method] == "beta_1"])
def test_adam_family_heads_for_the_quadratic_minimum(problems: dict, method: str) -> None:
    # (AdaGrad's rate decays like 1/√t and the RMSprop runs above use a tenth of the rate.)
    trajectory = runs_of(method, "quadratic", False)[0]
    assert not trajectory.diverged
    distance = trajectory.distance(problems["quadratic"])
    assert distance[-1] < 0.2 * distance[0]


@pytest.mark.parametrize("method", ADAPTIVE)
def test_run_batch_matches_single_runs_with_a_schedule(problems: dict, method: str) -> None:
    problem = problems["himmelblau"]
    schedule = SCHEDULES[0]
    rates = np.repeat([1e-3, 1e-2, 1e-1, 3.0], 3)
    axis = np.tile([0.0, 0.5, 0.9], 4)
    axis_or_none = None if MOMENTUM_KEY[method] is None else axis
    result = numpy_backend.run_batch(
        problem, method, rates, axis_or_none, START["himmelblau"], 300, 0.05, chunk=37, schedule=schedule
    )
    for i, lr in enumerate(rates):
        single = numpy_backend.run(
            problem, method, lr, None if axis_or_none is None else axis[i], START["himmelblau"], 300, schedule=schedule
        )
        assert np.array_equal(result.final_params[i], single.final_params), (i, lr)
        assert result.diverged_at[i] == (-1 if single.diverged_at is None else single.diverged_at)
        reached = single.steps_to_tolerance(problem, 0.05)
        assert result.steps_to_tolerance[i] == (-1 if reached is None else reached)
        settled = single.settled_at(problem, 0.05)
        assert result.settled_at[i] == (-1 if settled is None else settled)


def test_lion_at_beta_1_zero_runs_on_keras_as_sign_descent(problems: dict) -> None:
    """Keras' Lion constructor refuses β₁ = 0, a sweep's first row; the factory sets it afterwards."""
    problem, start = problems["quadratic"], START["quadratic"]
    numpy_run, keras_run = (backends.run(backend, problem, "lion", 0.01, 0.0, start, 50) for backend in backends.BACKENDS)
    assert np.array_equal(numpy_run.params, keras_run.params)
    steps = np.abs(np.diff(numpy_run.params, axis=0))
    np.testing.assert_allclose(steps[:10], 0.01, rtol=1e-12)  # sign descent: every coordinate moves by η


def test_float32_traps_of_schedules_and_hyperparameters(problems: dict) -> None:
    """A Python-float schedule computes in float32 even with floatx float64; a Python-float β₁ is
    cast through float32. Each moves the run far beyond the 1e-12 bound; ours avoid both."""
    import keras

    tf = tensorflow_backend.configure(1)
    problem, start = problems["quadratic"], START["quadratic"]
    exponential = Schedule.from_mapping({"kind": "exponential", "decay_steps": 200, "decay_rate": 0.5})
    python_schedule = keras.optimizers.schedules.ExponentialDecay(0.02, 200, 0.5)
    assert python_schedule(tf.constant(3, tf.int64)).dtype == tf.float32
    reference = numpy_backend.run(problem, "adam", 0.02, None, start, STEPS, schedule=exponential).params
    float32_rate = tensorflow_backend.run_optimizer(problem, keras.optimizers.Adam(learning_rate=python_schedule, beta_1=np.float64(0.9),
                                                            beta_2=np.float64(0.999), epsilon=np.float64(1e-7)), start, STEPS)
    float32_beta = tensorflow_backend.run_optimizer(problem, keras.optimizers.Adam(learning_rate=np.float64(0.02), beta_1=0.9,
                                                            beta_2=np.float64(0.999), epsilon=np.float64(1e-7)), start, STEPS)
    plain = numpy_backend.run(problem, "adam", 0.02, None, start, STEPS).params
    schedule_trap, beta_trap = np.abs(float32_rate - reference).max(), np.abs(float32_beta - plain).max()
    print(f"trap python_float_schedule: {schedule_trap:.2e}  python_float_beta_1: {beta_trap:.2e}")
    assert schedule_trap > 1e-9 and beta_trap > 1e-9


def test_nadam_needs_keras_float32_rounding_of_0_96(problems: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras' ``ops.cast(0.96, float64)`` is 0.959999978...; numpy with the exact 0.96 misses Keras."""
    from momentumlab.optim import adam

    problem, start, lr = problems["rosenbrock"], START["rosenbrock"], ADAPTIVE_LR["rosenbrock"]
    keras_params = backends.run("tensorflow", problem, "nadam", lr, None, start, STEPS).params
    ours = numpy_backend.run(problem, "nadam", lr, None, start, STEPS).params
    monkeypatch.setattr(adam, "NADAM_DECAY_STEP", np.float64(0.96))
    exact = numpy_backend.run(problem, "nadam", lr, None, start, STEPS).params
    print(f"trap nadam_exact_0.96: {np.abs(exact - keras_params).max():.2e}  ours: {np.abs(ours - keras_params).max():.2e}")
    assert np.abs(ours - keras_params).max() <= BOUND < 1e-9 < np.abs(exact - keras_params).max()
