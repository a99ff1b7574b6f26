"""Optimizer benchmarks (not a test): ``python benchmarks/optimizers.py`` prints ``name: value`` lines.

- ``numpy_single_run_ms``: one numpy run, 5000 Rosenbrock steps, every step recorded.
- ``numpy_sweep_msteps_per_s``: a 64 × 64 grid of (η, μ) on Rosenbrock, 5000 steps each, in one
  vectorised ``run_batch`` call; million run-steps per second (4096 × 5000 / seconds).
- ``tf_compiled_vs_eager``: the same 1000 Keras-SGD steps as an eager Python loop and as one
  ``tf.function``; the compiled loop is called once to warm up (tracing and graph building excluded
  from its time), then timed.

Numpy figures are the best of ``REPEATS`` runs (the machine is shared; the best is the least
disturbed), the sweep also on process CPU time; the eager and compiled TensorFlow loops are timed once each, side by side.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from momentumlab.backends import numpy_backend, tensorflow_backend
from momentumlab.problems import make_problem

REPEATS = 3
START = (-1.5, 2.5)
GRID = 64


def best_seconds(action: Callable[[], object], repeats: int = REPEATS, clock: Callable[[], float] = time.perf_counter) -> float:
    """The shortest time of ``repeats`` calls on ``clock`` (wall by default)."""
    times = []
    for _ in range(repeats):
        began = clock()
        action()
        times.append(clock() - began)
    return min(times)


def tensorflow_seconds(steps: int) -> tuple[float, float]:
    """(eager, compiled) seconds for ``steps`` heavy-ball steps on Rosenbrock; compile time excluded."""
    tf = tensorflow_backend.configure(1)
    problem = make_problem("rosenbrock")
    variable = tf.Variable(np.asarray(START), dtype=tf.float64)
    optimizer = tensorflow_backend.make_keras_sgd("momentum", 1e-3, 0.9)
    optimizer.build([variable])

    def reset() -> None:
        variable.assign(np.asarray(START))
        for slot in optimizer.variables:
            slot.assign(tf.zeros_like(slot))

    eager = tensorflow_backend.compile_loop(problem, optimizer, variable, steps, compiled=False)
    compiled = tensorflow_backend.compile_loop(problem, optimizer, variable, steps, compiled=True)
    compiled()  # trace and build the graph once
    timings = []
    for loop in (eager, compiled):
        reset()
        began = time.perf_counter()
        history, _ = loop()
        history.numpy()
        timings.append(time.perf_counter() - began)
    return timings[0], timings[1]


def main() -> None:
    problem = make_problem("rosenbrock")
    single = best_seconds(lambda: numpy_backend.run(problem, "momentum", 1e-3, 0.9, START, 5000))
    print(f"numpy_single_run_ms: {single * 1e3:.1f}")

    rates, momenta = np.meshgrid(np.geomspace(1e-5, 2e-3, GRID), np.linspace(0.0, 0.99, GRID), indexing="ij")
    steps = 5000
    result = numpy_backend.run_batch(problem, "momentum", rates.ravel(), momenta.ravel(), START, steps, 1e-3)
    def sweep_once() -> object:
        return numpy_backend.run_batch(problem, "momentum", rates.ravel(), momenta.ravel(), START, steps, 1e-3)

    sweep = best_seconds(sweep_once)
    sweep_cpu = best_seconds(sweep_once, clock=time.process_time)
    print(f"numpy_sweep_runs: {rates.size}")
    print(f"numpy_sweep_diverged_runs: {int((result.diverged_at >= 0).sum())}")
    print(f"numpy_sweep_reached_runs: {int((result.steps_to_tolerance >= 0).sum())}")
    print(f"numpy_sweep_seconds: {sweep:.3f}")
    print(f"numpy_sweep_msteps_per_s: {rates.size * steps / sweep / 1e6:.1f}")
    # Process CPU time: less disturbed than wall time when other jobs share the cores.
    print(f"numpy_sweep_cpu_msteps_per_s: {rates.size * steps / sweep_cpu / 1e6:.1f}")

    eager, compiled = tensorflow_seconds(1000)
    print(f"tf_eager_ms: {eager * 1e3:.1f}")
    print(f"tf_compiled_ms: {compiled * 1e3:.1f}")
    print(f"tf_compiled_vs_eager: {eager / compiled:.1f}")


if __name__ == "__main__":
    main()
