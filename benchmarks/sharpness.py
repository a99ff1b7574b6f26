"""Sharpness benchmark (not a test): ``python benchmarks/sharpness.py`` prints ``name: value`` lines.

The default model: config.yaml's ``edge_of_stability`` experiment (two moons, 300 training
points, MLP [16, 16] tanh, full batch), its SGD run trained for its 3000 steps and recorded
every 30 steps; the first 100 records' weights are the workload.

- ``sharpness_100_records_s``: one batched Lanczos (``model.edge.sharpness_series``) over the 100
  records at the pipeline's tolerance ``edge.TOLERANCE`` (the issue's target: ≤ 2 s);
- ``sharpness_100_records_tight_s``: the same at tolerance 1e-9;
- ``sharpness_max_relative_error``: the largest relative difference of the two, what the looser
  tolerance costs in accuracy (the figure's band is ``edge.BAND`` = 10 %).

Times are the best of ``REPEATS`` (the machine is shared; the best is the least disturbed).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from momentumlab.config import load_yaml, parse_config
from momentumlab.model import edge
from momentumlab.model import training as model_training
from momentumlab.model.network import initial_weights

REPEATS = 3
RECORDS = 100
ROOT = Path(__file__).resolve().parent.parent


def _best_seconds(run, repeats: int = REPEATS) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - began)
    return best, value


def main() -> None:
    config = parse_config(load_yaml(ROOT / "config.yaml"))
    spec = next(e for e in config.model_experiments if e.name == "edge_of_stability")
    data = spec.data()
    arch = spec.architecture(data)
    sgd = spec.optimizer("sgd")
    runs = model_training.train(arch, data.x_train, data.y_train, initial_weights(arch, spec.seed)[None], "sgd",
                                [sgd.lr], [0.0], spec.steps, None, spec.steps // RECORDS)
    weights = runs.weights[:RECORDS, 0]
    loose_s, loose = _best_seconds(lambda: edge.sharpness_series(arch, [weights], data.x_train, data.y_train)[0])
    tight_s, tight = _best_seconds(lambda: edge.sharpness_series(arch, [weights], data.x_train, data.y_train,
                                                                 tolerance=1e-9)[0], 1)
    print(f"sharpness_100_records_s: {loose_s:.3f}")
    print(f"sharpness_100_records_tight_s: {tight_s:.3f}")
    print(f"sharpness_max_relative_error: {np.max(np.abs(loose - tight) / np.abs(tight)):.2e}")


if __name__ == "__main__":
    main()
