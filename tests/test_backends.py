"""Backends: numpy vs TensorFlow step by step, divergence, batched vs single runs, Keras' precision traps.

One battery over every problem × SGD-family method (× backend where both run); the adaptive
methods, schedules and momentum forms have theirs in test_adaptive.py. Hyperparameters are the
shipped config's; none of these runs turned out chaotic enough to need a looser bound than
1e-8 × scale over the full 1000 steps (docs/numerics.md), so the test has no exceptions.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab import backends
from momentumlab.backends import numpy_backend, tensorflow_backend
from momentumlab.config import parse_config
from momentumlab.optim import SGD_FAMILY
from momentumlab.problems import PROBLEM_TYPES, Problem
from momentumlab.records import run_record
from momentumlab.trajectory import Trajectory
from problem_builders import shared_problem, shared_run

KINDS = sorted(PROBLEM_TYPES)
AGREEMENT_STEPS = 1000
# (learning rate, start) per problem: the shipped config's values where it has the problem.
SETTINGS: dict[str, tuple[float, tuple[float, float]]] = {
    "linear_regression": (0.01, (-20.0, -20.0)),
    "rosenbrock": (1e-3, (-1.5, 2.5)),
    "quadratic": (0.01, (-4.0, 3.0)),
    "beale": (3e-3, (1.0, 1.5)),
    "himmelblau": (0.01, (0.0, 0.0)),
    "saddle": (0.01, (-4.0, 0.01)),
}
MOMENTUM = 0.9


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {kind: shared_problem(kind) for kind in KINDS}


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, str, str], Trajectory]:
    """Every problem × method × backend, 1000 steps: one TensorFlow trace each, shared by the tests
    (and with test_adaptive.py's constant-rate SGD-family runs, the same runs)."""
    tensorflow_backend.configure(1)
    return {
        (kind, method, backend): shared_run(backend, kind, method, SETTINGS[kind][0], None if method == "sgd" else MOMENTUM,
                                            SETTINGS[kind][1], AGREEMENT_STEPS)
        for kind in KINDS
        for method in SGD_FAMILY
        for backend in backends.BACKENDS
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", SGD_FAMILY)
def test_numpy_and_tensorflow_agree_step_by_step(runs: dict, kind: str, method: str) -> None:
    reference, other = runs[kind, method, "numpy"], runs[kind, method, "tensorflow"]
    assert reference.diverged_at == other.diverged_at
    assert reference.params.shape == other.params.shape
    scale = max(1.0, float(np.abs(reference.params).max()))
    assert np.abs(reference.params - other.params).max() <= 1e-8 * scale
    np.testing.assert_allclose(reference.loss, other.loss, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "saddle"])
@pytest.mark.parametrize("method", ["momentum", "nesterov"])
@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_momentum_methods_converge(runs: dict, problems: dict, kind: str, method: str, backend: str) -> None:
    trajectory = runs[kind, method, backend]
    assert not trajectory.diverged
    assert len(trajectory.params) == AGREEMENT_STEPS + 1
    assert trajectory.distance(problems[kind])[-1] < 0.05


@pytest.mark.parametrize("method", SGD_FAMILY)
@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_saddle_escapes_and_is_recorded_as_diverged(runs: dict, method: str, backend: str) -> None:
    trajectory = runs["saddle", method, backend]
    assert trajectory.diverged and 0 < trajectory.diverged_at < AGREEMENT_STEPS
    assert len(trajectory.params) == trajectory.diverged_at
    assert np.all(np.abs(trajectory.params) <= 1e3)


def experiment_and_spec(lr: float, steps: int):  # noqa: ANN201
    config = parse_config(
        {"experiments": {"blowup": {"problem": "rosenbrock", "start": [-1.5, 2.5], "steps": steps,
                                    "optimizers": {"hot": {"method": "momentum", "lr": lr, "momentum": 0.9}}}}}
    )
    experiment = config.experiment("blowup")
    return experiment, experiment.optimizer("hot")


def test_divergence_is_detected_recorded_and_agreed_on(problems: dict) -> None:
    experiment, spec = experiment_and_spec(lr=10.0, steps=200)
    rosenbrock = problems["rosenbrock"]
    numpy_run = backends.run("numpy", rosenbrock, "momentum", 10.0, 0.9, experiment.start, experiment.steps)
    tensorflow_run = backends.run("tensorflow", rosenbrock, "momentum", 10.0, 0.9, experiment.start, experiment.steps)
    assert numpy_run.diverged_at is not None and numpy_run.diverged_at <= 5
    assert tensorflow_run.diverged_at == numpy_run.diverged_at
    np.testing.assert_array_equal(numpy_run.params, tensorflow_run.params)
    record = run_record(experiment, spec, "numpy", rosenbrock, numpy_run, seconds=0.01)
    assert record["diverged"] is True and record["diverged_at"] == numpy_run.diverged_at
    assert all(np.isfinite(record["final_params"])) and record["final_loss"] is not None
    assert record["settled_at"] is None and record["distance_to_optimum"] > 0


def test_run_record_of_a_converged_run(problems: dict, runs: dict) -> None:
    experiment, spec = experiment_and_spec(lr=1e-3, steps=AGREEMENT_STEPS)
    trajectory = runs["rosenbrock", "momentum", "numpy"]
    record = run_record(experiment, spec, "numpy", problems["rosenbrock"], trajectory, seconds=0.5)
    assert record["diverged"] is False and record["diverged_at"] is None
    assert record["final_loss"] == pytest.approx(problems["rosenbrock"].value(trajectory.final_params))
    assert record["distance_to_optimum"] == pytest.approx(np.linalg.norm(trajectory.final_params - [1.0, 1.0]))
    assert record["settled_at"] == trajectory.settled_at(problems["rosenbrock"], experiment.tolerance)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", SGD_FAMILY)
def test_run_batch_matches_single_runs_row_by_row(problems: dict, kind: str, method: str) -> None:
    problem = problems[kind]
    base, start = SETTINGS[kind]
    rates = np.repeat(base * np.array([0.3, 1.0, 3.0, 30.0, 300.0]), 3)
    momenta = np.tile([0.0, 0.5, 0.9], 5)
    given = (rates.copy(), momenta.copy())
    steps, tolerance = 300, 0.05
    result = numpy_backend.run_batch(problem, method, rates, momenta, start, steps, tolerance, chunk=37)
    assert np.array_equal(rates, given[0]) and np.array_equal(momenta, given[1])
    default_chunk = numpy_backend.run_batch(problem, method, rates, momenta, start, steps, tolerance)
    for i, (lr, mu) in enumerate(zip(rates, momenta)):
        single = numpy_backend.run(problem, method, lr, mu, start, steps)
        assert np.array_equal(result.final_params[i], single.final_params), (i, lr, mu)
        assert result.final_loss[i] == pytest.approx(single.final_loss, rel=1e-12)
        assert result.diverged_at[i] == (-1 if single.diverged_at is None else single.diverged_at)
        reached = single.steps_to_tolerance(problem, tolerance)
        assert result.steps_to_tolerance[i] == (-1 if reached is None else reached)
        settled = single.settled_at(problem, tolerance)
        assert result.settled_at[i] == (-1 if settled is None else settled), (i, lr, mu)
    for field in ("final_params", "diverged_at", "steps_to_tolerance", "settled_at"):
        assert np.array_equal(getattr(result, field), getattr(default_chunk, field))
    # The grid is meant to exercise both outcomes (Rosenbrock's valley takes longer than 300 steps).
    assert (result.diverged_at > 0).any()
    if method != "sgd" and problem.minima and kind != "rosenbrock":
        assert (result.steps_to_tolerance > 0).any() and (result.settled_at > 0).any()


def test_tensorflow_compiled_and_eager_loops_agree(problems: dict) -> None:
    tf = tensorflow_backend.configure(1)
    problem = problems["beale"]
    results = []
    for compiled in (True, False):
        variable = tf.Variable(np.array([1.0, 1.5]), dtype=tf.float64)
        optimizer = tensorflow_backend.make_keras_sgd("nesterov", 3e-3, 0.9)
        optimizer.build([variable])
        history, written = tensorflow_backend.compile_loop(problem, optimizer, variable, 50, compiled=compiled)()
        results.append(history.numpy()[: int(written)])
    # Not bit for bit: graph optimisation may reorder float operations (seen: ~4e-16).
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12, atol=1e-14)


def test_keras_precision_traps_exist_and_ours_avoids_them(problems: dict) -> None:
    """A plain Keras SGD (floatx float32, Python-float momentum) drifts off numpy; ours does not."""
    import keras

    tensorflow_backend.configure(1)
    problem, start, steps = problems["rosenbrock"], (-1.5, 2.5), 1000
    reference = numpy_backend.run(problem, "momentum", 1e-3, 0.9, start, steps).params
    keras.config.set_floatx("float32")  # Keras' default; the optimizer fixes its dtypes when built
    try:
        plain_sgd = keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9)
        lr_variable_dtype = plain_sgd.learning_rate.dtype
    finally:
        keras.config.set_floatx("float64")
    plain = tensorflow_backend.run_optimizer(problem, plain_sgd, start, steps)
    python_float_momentum = tensorflow_backend.run_optimizer(problem, keras.optimizers.SGD(learning_rate=np.float64(1e-3), momentum=0.9), start, steps)
    ours = tensorflow_backend.run_optimizer(problem, tensorflow_backend.make_keras_sgd("momentum", 1e-3, 0.9), start, steps)
    assert lr_variable_dtype == "float32"
    assert np.abs(plain - reference).max() > 1e-9
    assert np.abs(python_float_momentum - reference).max() > 1e-9  # the momentum cast alone
    assert np.abs(ours - reference).max() <= 1e-12


def test_unknown_backend_fails_clearly(problems: dict) -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        backends.run("jax", problems["quadratic"], "sgd", 0.1, 0.0, (1.0, 1.0), 3)


def test_several_settings_in_one_traced_loop_equal_separate_runs(problems: dict) -> None:
    """run_many (the sweep spot check's single trace) gives each setting's own run, divergence included."""
    problem, start, steps = problems["rosenbrock"], (-1.5, 2.5), 300
    settings = [(1e-3, 0.9), (2e-3, 0.5), (0.05, 0.9)]  # the last one diverges
    together = tensorflow_backend.run_many(problem, "momentum", settings, start, steps)
    for (lr, momentum), trajectory in zip(settings, together):
        alone = tensorflow_backend.run(problem, "momentum", lr, momentum, start, steps)
        assert trajectory.diverged_at == alone.diverged_at
        assert trajectory.params.shape == alone.params.shape
        np.testing.assert_allclose(trajectory.params, alone.params, rtol=1e-12, atol=1e-14)
    assert together[2].diverged and not together[0].diverged


def test_settled_at_is_the_step_from_which_a_run_stays_within_tolerance(problems: dict) -> None:
    problem = problems["quadratic"]
    optimum = np.asarray(problem.minima[0])
    offsets = np.array([5.0, 0.01, 0.5, 0.01, 0.01])  # touches at 1, leaves at 2, stays from 3
    params = optimum + np.outer(offsets, [1.0, 0.0])
    run = Trajectory(params=params, loss=problem.value(params), steps=4)
    assert run.steps_to_tolerance(problem, 0.1) == 1 and run.settled_at(problem, 0.1) == 3
    ends_outside = Trajectory(params=params[:3], loss=problem.value(params[:3]), steps=2)
    assert ends_outside.steps_to_tolerance(problem, 0.1) == 1 and ends_outside.settled_at(problem, 0.1) is None
    diverged = Trajectory(params=params, loss=problem.value(params), steps=9, diverged_at=5)
    assert diverged.settled_at(problem, 0.1) is None


def test_importing_keras_leaves_scikit_learn_importable():
    import sys

    tensorflow_backend._import_keras()
    assert sys.modules.get("sklearn", "not loaded") is not None  # never left hidden
    from sklearn import datasets

    assert datasets.make_moons(4, random_state=0)[0].shape == (4, 2)


@pytest.mark.slow
def test_a_fresh_tensorflow_start_does_not_load_scikit_learn():
    import subprocess
    import sys

    code = ("import sys; from momentumlab.backends import tensorflow_backend as t; t.configure(1); "
            "print('sklearn' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
