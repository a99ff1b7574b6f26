"""Run an optimizer on a problem with one of two interchangeable backends.

Both backends share one signature, ``run(problem, method, lr, momentum, start, steps)``,
and return a :class:`~momentumlab.trajectory.Trajectory`. TensorFlow is imported only
when the ``tensorflow`` backend is asked for.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from momentumlab.problems import Problem
from momentumlab.schedules import Schedule
from momentumlab.trajectory import Trajectory

BACKENDS = ("numpy", "tensorflow")


def run(
    backend: str,
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
    """Optimize ``problem`` from ``start`` for ``steps`` steps on ``backend``.

    ``momentum`` is the method's momentum-axis value (μ, or β₁ for the Adam family);
    ``options`` its other hyperparameters, ``schedule`` the learning-rate schedule.
    """
    if backend == "numpy":
        from momentumlab.backends import numpy_backend

        return numpy_backend.run(problem, method, lr, momentum, start, steps, schedule=schedule, options=options)
    if backend == "tensorflow":
        from momentumlab.backends import tensorflow_backend

        return tensorflow_backend.run(
            problem, method, lr, momentum, start, steps, threads=threads, schedule=schedule, options=options
        )
    raise ValueError(f"unknown backend {backend!r}; known: {list(BACKENDS)}")


def prepare(backend: str, threads: int = 1) -> None:
    """Import and configure a backend up front, so run timings exclude the import."""
    if backend == "tensorflow":
        from momentumlab.backends import tensorflow_backend

        tensorflow_backend.configure(threads)
