"""The TensorFlow backend: ``keras.optimizers.*`` driven by ``tf.GradientTape`` in a ``tf.function``.

Two precision traps of Keras 3 are avoided on purpose: its learning-rate variable
is float32 unless ``floatx`` is float64, and a Python-float momentum is cast through
float32 (0.9 becomes 0.899999976...). We set ``floatx`` to float64 and pass
``np.float64`` hyperparameters, which makes Keras agree with the numpy backend to
rounding error.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from momentumlab.optim.base import keras_value
from momentumlab.optim.registry import resolve
from momentumlab.problems import Problem
from momentumlab.schedules import CONSTANT, Schedule, keras_schedule
from momentumlab.trajectory import Trajectory, truncate_at_divergence

_configured_threads: int | None = None


def _import_keras() -> tuple[Any, Any]:
    """(keras, tensorflow), imported without scikit-learn: Keras loads it (about 0.5 s of CPU) only for its
    scikit-learn wrappers, which we never use, and does without it when it is missing. It is hidden during
    the import unless already loaded, and stays importable afterwards."""
    import sys

    hidden = "sklearn" not in sys.modules
    if hidden:
        sys.modules["sklearn"] = None  # type: ignore[assignment]  # makes ``import sklearn`` raise ImportError
    try:
        import keras
        import tensorflow as tf
    finally:
        if hidden and "sklearn" in sys.modules and sys.modules["sklearn"] is None:
            del sys.modules["sklearn"]
    return keras, tf


def configure(threads: int) -> Any:
    """Import TensorFlow once, float64 by default, intra- and inter-op pools of ``threads`` threads.

    The pools can only be sized before TensorFlow's runtime starts, so the first call
    wins (a rule's ``threads`` reach it first through ``backends.prepare``); later calls
    keep that size.
    """
    global _configured_threads
    import os
    import sys
    import warnings

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    keras, tf = _import_keras()

    if _configured_threads is None:
        threads = max(1, int(threads))  # 0 would let TensorFlow take every core
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # the runtime was already initialised by the caller
            warnings.warn(f"TensorFlow was started before configure({threads}); its thread pools keep their size")
        _configured_threads = threads
        intra = tf.config.threading.get_intra_op_parallelism_threads()
        inter = tf.config.threading.get_inter_op_parallelism_threads()
        print(f"tensorflow threads: intra-op {intra}, inter-op {inter}", file=sys.stderr)  # lands in the rule's log
    keras.config.set_floatx("float64")
    return tf


def make_keras_sgd(method: str, lr: float, momentum: float) -> Any:
    """``keras.optimizers.SGD`` configured for ``method`` in full float64 precision."""
    return make_keras_optimizer(method, lr, momentum)


def make_keras_optimizer(
    method: str,
    lr: float,
    momentum: float | None = None,
    schedule: Schedule | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """The ``keras.optimizers`` object of ``method`` in full float64 precision, built by its registry entry.

    Every hyperparameter is an ``np.float64`` (a ``float`` subclass, so Keras accepts it):
    Keras casts a Python float through a float32 tensor in ``ops.cast``. ``momentum_form:
    pytorch`` is not a Keras optimizer: ``optim.sgd.GradientUnitsMomentum`` runs it instead.
    """
    import keras

    keras.config.set_floatx("float64")
    spec, axis, settings = resolve(method, momentum, dict(options or {}))
    rate = keras_schedule(schedule or CONSTANT, lr)
    return spec.keras(rate, np.float64(axis), {name: keras_value(value) for name, value in settings.items()})


def compile_loop(problem: Problem, optimizer: Any, variable: Any, steps: int, *, compiled: bool = True) -> Callable[[], Any]:
    """The optimization loop; returns (params history, number of valid rows).

    The loop stops early at the first non-finite or out-of-box parameter, which then
    is the last row written.
    """
    tf = configure(1)
    namespace = SimpleNamespace(mean=tf.reduce_mean)
    box = tf.constant(problem.box, dtype=tf.float64)

    def step(t: Any, history: Any, inside: Any) -> tuple[Any, Any, Any]:
        with tf.GradientTape() as tape:
            loss = problem.value(variable, xp=namespace)
        optimizer.apply_gradients([(tape.gradient(loss, variable), variable)])
        current = variable.read_value()
        inside = tf.reduce_all(tf.math.is_finite(current) & (tf.abs(current) <= box))
        return t + 1, history.write(t, current), inside

    def loop() -> Any:
        history = tf.TensorArray(tf.float64, size=steps + 1, element_shape=variable.shape)
        history = history.write(0, variable.read_value())
        # An explicit while_loop (no AutoGraph source rewriting); it ends after `steps`
        # steps or right after writing the first diverged row.
        written, history, _ = tf.while_loop(
            lambda t, history, inside: (t <= steps) & inside,
            step,
            (tf.constant(1), history, tf.constant(True)),
        )
        return history.gather(tf.range(written)), written

    return tf.function(loop, autograph=False, jit_compile=False) if compiled else loop


def run_optimizer(problem: Problem, optimizer: Any, start: Sequence[float], steps: int) -> np.ndarray:
    """The recorded parameters of a compiled run with a given (unbuilt) optimizer object, up to
    and including the first diverged row (also how the tests show the Keras traps we avoid)."""
    tf = configure(1)
    variable = tf.Variable(np.asarray(start, dtype=np.float64), dtype=tf.float64)
    optimizer.build([variable])
    history, written = compile_loop(problem, optimizer, variable, steps)()
    return history.numpy()[: int(written)]


def run(
    problem: Problem,
    method: str,
    lr: float,
    momentum: float,
    start: Sequence[float],
    steps: int,
    threads: int = 1,
    *,
    schedule: Schedule | None = None,
    options: Mapping[str, Any] | None = None,
) -> Trajectory:
    """One run through the Keras optimizer of ``method``; the whole loop is one compiled ``tf.function``."""
    configure(threads)
    params = run_optimizer(problem, make_keras_optimizer(method, lr, momentum, schedule, options), start, steps)
    with np.errstate(all="ignore"):
        loss = problem.value(params)
    return truncate_at_divergence(params, loss, steps, problem.box)



def run_many(
    problem: Problem,
    method: str,
    settings: Sequence[tuple[float, float | None]],
    start: Sequence[float],
    steps: int,
    threads: int = 1,
    *,
    schedule: Schedule | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[Trajectory]:
    """Several (lr, momentum-axis) settings of one method in ONE compiled loop, traced once.

    Each setting has its own Keras optimizer and variable; all step together in one
    ``tf.function`` (a loop per setting would trace one function per setting). A
    setting that diverges keeps stepping harmlessly and is cut at its first bad row;
    the loop ends after ``steps`` or once every setting has diverged.
    """
    tf = configure(threads)
    variables = [tf.Variable(np.asarray(start, dtype=np.float64), dtype=tf.float64) for _ in settings]
    optimizers = [make_keras_optimizer(method, lr, momentum, schedule, options) for lr, momentum in settings]
    for optimizer, variable in zip(optimizers, variables):
        optimizer.build([variable])
    namespace = SimpleNamespace(mean=tf.reduce_mean)
    box = tf.constant(problem.box, dtype=tf.float64)

    def step(t: Any, history: Any, inside: Any) -> tuple[Any, Any, Any]:
        for optimizer, variable in zip(optimizers, variables):
            with tf.GradientTape() as tape:
                loss = problem.value(variable, xp=namespace)
            optimizer.apply_gradients([(tape.gradient(loss, variable), variable)])
        current = tf.stack([variable.read_value() for variable in variables])
        inside &= tf.reduce_all(tf.math.is_finite(current) & (tf.abs(current) <= box), axis=1)
        return t + 1, history.write(t, current), inside

    def loop() -> Any:
        history = tf.TensorArray(tf.float64, size=steps + 1, element_shape=(len(variables), len(start)))
        history = history.write(0, tf.stack([variable.read_value() for variable in variables]))
        written, history, _ = tf.while_loop(
            lambda t, history, inside: (t <= steps) & tf.reduce_any(inside),
            step,
            (tf.constant(1), history, tf.ones(len(variables), dtype=tf.bool)),
        )
        return history.gather(tf.range(written)), written

    history, written = tf.function(loop, autograph=False, jit_compile=False)()
    stacked = history.numpy()[: int(written)]
    trajectories = []
    for index in range(len(settings)):
        params = stacked[:, index]
        with np.errstate(all="ignore"):
            loss = problem.value(params)
        trajectories.append(truncate_at_divergence(params, loss, steps, problem.box))
    return trajectories
