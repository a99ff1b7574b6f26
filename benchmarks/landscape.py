"""Model-experiment benchmarks (not a test): ``python benchmarks/landscape.py`` prints ``name: value`` lines.

The default model: two moons, 400 points (300 for training, test_fraction 0.25), standardized,
MLP hidden [16, 16] tanh, full batch, heavy ball.

- ``grid_speedup_vs_loop``: the loss on a 51 × 51 grid of the plane of one run (1500 steps),
  evaluated batched (``loss_plane.grid_loss``: grid points as a batch of models) vs the loop
  loss-landscape-anim runs (``LossGrid.compute_loss_2d``), ported from its PyTorch model to
  this project's Keras model: for each grid point build w = c + α v₁ + β v₂, load it into the
  model, evaluate the model on all training examples in one call, read the loss back as a
  float and print a progress line (to an in-memory buffer here, not the terminal).
- ``grid_speedup_vs_numpy_loop``: the same batched evaluation vs the leanest per-model loop
  there is: plain numpy, weights as views, one model at a time vectorised over the data.
- ``grid_speedup_bound``: the numpy loop's time divided by the time of the batched
  evaluation's tanh calls alone, the part no batching removes (2 × 2601 × 300 × 16
  evaluations): an upper bound on ``grid_speedup_vs_numpy_loop`` on this machine.
- ``mlp_sweep_fraction_of_matmul``: FLOP rate of ``model_training.train`` on 480 runs (24 η × 20 μ)
  divided by numpy's 2048 × 2048 float64 matmul FLOP rate, both measured here. FLOPs counted are
  the dense layers' multiply-adds (2 per): forward m·n_in·n_out, weight gradient m·n_in·n_out,
  input gradient m·n_in·n_out for every layer but the first, bias gradient m·n_out; elementwise
  work (tanh, softmax, the update) is not counted but is in the time.

Times are the best of ``REPEATS`` (the machine is shared; the best is the least disturbed).
"""

from __future__ import annotations

import io
import time
from typing import Callable

import numpy as np

from momentumlab.model import plane as loss_plane

from momentumlab.model import training as model_training
from momentumlab.model.data import make_classification
from momentumlab.model.network import Architecture, initial_weights, make_architecture

REPEATS = 3
RUNS = 480
SWEEP_STEPS = 20


def best_seconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """The shortest wall time of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def loop_loss(arch: Architecture, weights: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The baseline: one model at a time, each vectorised over the examples."""
    out = np.empty(len(weights))
    rows = np.arange(len(y))
    for i, flat in enumerate(weights):
        activation = x
        layers = arch.split(flat[None])
        for k, (kernel, bias) in enumerate(layers):
            activation = activation @ kernel[0] + bias[0, 0]
            if k < len(layers) - 1:
                activation = np.tanh(activation)
        shifted = activation - activation.max(axis=1, keepdims=True)
        out[i] = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[rows, y])
    return out


def framework_loop_loss(arch: Architecture, plane: loss_plane.LossPlane, alphas: np.ndarray, betas: np.ndarray,
                        x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """loss-landscape-anim's grid loop with a Keras model in place of its PyTorch one."""
    import tensorflow as tf

    from momentumlab.model.keras import keras_model, set_flat_weights

    model = keras_model(arch, plane.centre)
    x_all, y_all = tf.constant(x), tf.constant(y.astype(np.int64))
    log = io.StringIO()
    out = np.empty((len(betas), len(alphas)))
    total, count = out.size, 0
    for j, beta in enumerate(betas):
        for i, alpha in enumerate(alphas):
            weights = plane.centre + alpha * plane.directions[0] + beta * plane.directions[1]
            set_flat_weights(model, arch, weights)
            logits = model(x_all)
            picked = tf.gather(logits, y_all, axis=1, batch_dims=1)
            out[j, i] = float(tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - picked))
            count += 1
            print(f"\rCalculating loss values for the contour plot: {count}/{total}...", end="", file=log)
    return out


def grid_figures(arch: Architecture, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(speedup of the batched grid over the framework loop, over the numpy loop, the tanh-only bound)."""
    runs = model_training.train(arch, x, y, initial_weights(arch, 0), "momentum", [0.05], [0.9], 1500, every=10)
    trajectory = runs.weights[:, 0]
    plane = loss_plane.fit_plane([trajectory], trajectory[-1])
    alphas, betas = loss_plane.grid_axes(plane, [trajectory], size=51)
    batched = best_seconds(lambda: loss_plane.grid_loss(arch, plane, alphas, betas, x, y))
    points = plane.points(alphas, betas)
    loop = best_seconds(lambda: loop_loss(arch, points, x, y), repeats=2)
    grid = loss_plane.grid_loss(arch, plane, alphas, betas, x, y)
    assert np.allclose(grid.ravel(), loop_loss(arch, points, x, y), rtol=1e-12)
    framework = best_seconds(lambda: framework_loop_loss(arch, plane, alphas, betas, x, y), repeats=1)
    assert np.allclose(grid, framework_loop_loss(arch, plane, alphas, betas, x, y), rtol=1e-10)
    hidden = np.random.default_rng(0).normal(size=(len(points) * len(y) * sum(arch.sizes[1:-1]),))
    chunk = 1 << 18  # the evaluation's activations are chunked too
    work = hidden.copy()
    blocks = [work[s : s + chunk] for s in range(0, work.size, chunk)]
    tanh_only = best_seconds(lambda: [np.tanh(block, out=block) for block in blocks])
    return framework / batched, loop / batched, loop / tanh_only


def sweep_fraction(arch: Architecture, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(fraction of matmul rate, sweep GFLOP/s, matmul GFLOP/s)."""
    rates, mus = np.meshgrid(np.geomspace(1e-3, 0.3, 24), np.linspace(0.0, 0.95, 20))
    initial = initial_weights(arch, 0)
    sweep = best_seconds(lambda: model_training.train(arch, x, y, initial, "momentum", rates.ravel(), mus.ravel(),
                                                      SWEEP_STEPS))
    m = x.shape[0]
    per_example = 0
    for k, (n_in, n_out) in enumerate(zip(arch.sizes[:-1], arch.sizes[1:])):
        per_example += n_in * n_out * (2 if k == 0 else 3) + n_out
    sweep_rate = 2.0 * per_example * m * RUNS * SWEEP_STEPS / sweep
    a = np.random.default_rng(0).normal(size=(2048, 2048))
    matmul_rate = 2.0 * 2048**3 / best_seconds(lambda: a @ a)
    return sweep_rate / matmul_rate, sweep_rate / 1e9, matmul_rate / 1e9


def main() -> None:
    data = make_classification("moons", seed=0, params={"n_points": 400, "noise": 0.2}, test_fraction=0.25)
    arch = make_architecture("mlp", 2, 2, (16, 16), "tanh")
    speedup, numpy_speedup, bound = grid_figures(arch, data.x_train, data.y_train)
    print(f"grid_speedup_vs_loop: {speedup:.2f}")
    print(f"grid_speedup_vs_numpy_loop: {numpy_speedup:.2f}")
    print(f"grid_speedup_bound: {bound:.2f}")
    fraction, sweep_rate, matmul_rate = sweep_fraction(arch, data.x_train, data.y_train)
    print(f"mlp_sweep_gflops: {sweep_rate:.2f}")
    print(f"matmul_2048_gflops: {matmul_rate:.2f}")
    print(f"mlp_sweep_fraction_of_matmul: {fraction:.3f}")


if __name__ == "__main__":
    main()
