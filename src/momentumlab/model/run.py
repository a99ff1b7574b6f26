"""One model experiment end to end: data, shared start and batch order, every run, the loss plane.

Every optimizer × backend starts from the same initial weights and consumes the same stored
minibatch order. numpy runs of one method share one batched call; each TensorFlow run is one
compiled Keras loop. Train/test loss and accuracy are evaluated at the recorded steps; the
best run (``records.rank_order`` on ``model_training.reached_steps``) is the plane's centre.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from momentumlab.model import plane as loss_plane

from momentumlab.model import training as model_training
from momentumlab.model.data import ClassificationData
from momentumlab.files import write_npz
from momentumlab.config import ModelExperiment
from momentumlab.model.network import Architecture, evaluate, initial_weights
from momentumlab.records import Section, best_index, json_number, rank_order, reference_backend
from momentumlab.runs import RunKey

Array = np.ndarray


@dataclass(frozen=True)
class ModelRun:
    """One (optimizer, backend) run: weights at ``steps_recorded`` and the metrics there."""

    optimizer: str
    backend: str
    steps_recorded: Array  # (R,)
    weights: Array  # (R, n_weights)
    step_loss: Array  # (steps,)
    train_loss: Array  # (R,)
    train_accuracy: Array
    test_loss: Array
    test_accuracy: Array
    diverged_at: int  # -1: never
    seconds: float

    @property
    def key(self) -> RunKey:
        """The run's identity (without its label)."""
        return RunKey(self.optimizer, self.backend)


@dataclass(frozen=True)
class ModelExperimentResult:
    """All runs of an experiment, their ranking and the shared loss plane."""

    spec: ModelExperiment
    data: ClassificationData
    arch: Architecture
    initial: Array
    orders: Array
    runs: tuple[ModelRun, ...]
    order: Array  # run indices by the best-run rule, best first
    winner: int | None  # index of the best run; None when every run diverged
    reached: Array  # (runs,) step of "reached", -1 never
    lowest: float
    plane: loss_plane.LossPlane
    alphas: Array
    betas: Array
    grid: Array  # (len(betas), len(alphas)) training loss

    @property
    def best(self) -> ModelRun:
        """The plane's centre: the first run by the rule (the best one unless every run diverged)."""
        return self.runs[int(self.order[0])]


def _metrics(arch: Architecture, data: ClassificationData, weights: Array) -> tuple[Array, Array, Array, Array]:
    train_loss, train_accuracy = evaluate(arch, weights, data.x_train, data.y_train)
    test_loss, test_accuracy = evaluate(arch, weights, data.x_test, data.y_test)
    return train_loss, train_accuracy, test_loss, test_accuracy


def run_model_experiment(
    spec: ModelExperiment, grid_size: int = 51, threads: int = 1, data: ClassificationData | None = None
) -> ModelExperimentResult:
    """Train every run of ``spec`` on ``data`` (default: ``spec.data()``) and build its loss plane."""
    data = spec.data() if data is None else data
    arch = spec.architecture(data)
    initial = initial_weights(arch, spec.seed)
    orders = model_training.epoch_orders(spec.seed, len(data.y_train), spec.batch_size, spec.steps)
    batches = None if spec.batch_size is None else model_training.batch_indices(orders, spec.batch_size, spec.steps)
    found: dict[RunKey, ModelRun] = {}
    if "numpy" in spec.backends:
        for method in dict.fromkeys(o.method for o in spec.optimizers):
            group = [o for o in spec.optimizers if o.method == method]
            began = time.perf_counter()
            runs = model_training.train(arch, data.x_train, data.y_train, initial, method, [o.lr for o in group],
                                        [o.momentum for o in group], spec.steps, batches, spec.record_every)
            seconds = (time.perf_counter() - began) / len(group)
            for k, optimizer in enumerate(group):
                found[RunKey(optimizer.name, "numpy")] = _run(arch, data, optimizer.name, "numpy", runs, k, seconds)
    if "tensorflow" in spec.backends:
        from momentumlab.model import keras as model_tensorflow
        from momentumlab.backends import prepare

        prepare("tensorflow", threads)
        for optimizer in spec.optimizers:
            began = time.perf_counter()
            runs = model_tensorflow.train(arch, data.x_train, data.y_train, initial, optimizer.method, optimizer.lr,
                                          optimizer.momentum, spec.steps, batches, spec.record_every)
            found[RunKey(optimizer.name, "tensorflow")] = _run(arch, data, optimizer.name, "tensorflow", runs, 0,
                                                       time.perf_counter() - began)
    ordered = tuple(found[key] for key in spec.runs)
    train_loss = np.stack([run.train_loss for run in ordered])
    reached, lowest = model_training.reached_steps(train_loss, ordered[0].steps_recorded, spec.tolerance)
    ranking = ([run.diverged_at >= 0 for run in ordered], reached, train_loss[:, -1],
               [run.backend == reference_backend(spec.backends) for run in ordered])
    order = rank_order(*ranking)
    trajectories = [run.weights for run in ordered]
    plane = loss_plane.fit_plane(trajectories, ordered[int(order[0])].weights[-1])
    alphas, betas = loss_plane.grid_axes(plane, trajectories, size=grid_size)
    grid = loss_plane.grid_loss(arch, plane, alphas, betas, data.x_train, data.y_train)
    return ModelExperimentResult(spec=spec, data=data, arch=arch, initial=initial, orders=orders, runs=ordered,
                                 order=order, winner=best_index(*ranking), reached=reached, lowest=lowest,
                                 plane=plane, alphas=alphas, betas=betas, grid=grid)


def _run(arch: Architecture, data: ClassificationData, optimizer: str, backend: str,
         runs: model_training.ModelRuns, k: int, seconds: float) -> ModelRun:
    weights = runs.weights[:, k]
    train_loss, train_accuracy, test_loss, test_accuracy = _metrics(arch, data, weights)
    return ModelRun(optimizer=optimizer, backend=backend, steps_recorded=runs.steps_recorded, weights=weights,
                    step_loss=runs.step_loss[:, k], train_loss=train_loss, train_accuracy=train_accuracy,
                    test_loss=test_loss, test_accuracy=test_accuracy, diverged_at=int(runs.diverged_at[k]),
                    seconds=seconds)


def save_result(path: str | Path, result: ModelExperimentResult) -> None:
    """Everything needed to redraw and re-check the experiment, in one reproducible .npz."""
    arrays: dict[str, Any] = {"initial_weights": result.initial, "epoch_orders": result.orders,
                              "plane/centre": result.plane.centre, "plane/directions": result.plane.directions,
                              "plane/explained_variance": result.plane.explained_variance,
                              "plane/alphas": result.alphas, "plane/betas": result.betas, "plane/loss": result.grid}
    for run in result.runs:
        key = run.key.file_name
        for name in ("steps_recorded", "weights", "step_loss", "train_loss", "train_accuracy", "test_loss",
                     "test_accuracy"):
            arrays[f"{key}/{name}"] = getattr(run, name)
        arrays[f"{key}/diverged_at"] = np.array(run.diverged_at)
        arrays[f"{key}/plane_coordinates"] = result.plane.coordinates(run.weights)
        arrays[f"{key}/off_plane_distance"] = result.plane.off_plane_distance(run.weights)
    write_npz(path, arrays)


def run_seconds(result: ModelExperimentResult) -> dict[str, float]:
    """Wall time of each run, keyed ``<optimizer>-<backend>`` (numpy: the batched call's share)."""
    return {run.key.file_name: run.seconds for run in result.runs}


def summary_records(result: ModelExperimentResult) -> Section:
    """The ``runs`` and ``agreement`` rows of summary.json, one per run and per optimizer with both backends.

    A model run's row has the fields every run row has (``final_loss`` is the final training
    loss; ``optimum``, ``distance_to_optimum``, ``start`` and ``final_params`` are null: no
    optimum is known and the weights are in ``model_runs.npz``) plus the model's own:
    ``dataset``, ``model``, ``n_weights``, ``batch_size``, ``epochs``, train/test loss and
    accuracy, ``explained_variance`` of the loss plane. Wall times are left out
    (``run_seconds``), so the rows are byte-reproducible.
    """
    spec = result.spec
    n_train = len(result.data.y_train)
    records = []
    for index, run in enumerate(result.runs):
        optimizer = next(o for o in spec.optimizers if o.name == run.optimizer)
        records.append({
            "experiment": spec.name, "label": spec.label, "problem": spec.model, "model": spec.model,
            "dataset": spec.dataset, "start": None, "optimizer_label": optimizer.label,
            "dataset_params": {**dict(spec.dataset_params), "test_fraction": spec.test_fraction,
                               "standardize": spec.standardize},
            "n_weights": result.arch.n_weights, "batch_size": spec.batch_size, "optimizer": run.optimizer,
            "method": optimizer.method, "backend": run.backend, "lr": optimizer.lr, "momentum": optimizer.momentum,
            "steps": spec.steps, "epochs": json_number(spec.steps * (spec.batch_size or n_train) / n_train),
            "final_params": None, "final_loss": json_number(run.train_loss[-1]), "optimum": None,
            "distance_to_optimum": None, "tolerance": spec.tolerance, "final_train_loss": json_number(run.train_loss[-1]),
            "final_test_loss": json_number(run.test_loss[-1]), "final_train_accuracy": json_number(run.train_accuracy[-1]),
            "final_test_accuracy": json_number(run.test_accuracy[-1]), "lowest_train_loss": json_number(result.lowest),
            "steps_to_tolerance": None if result.reached[index] < 0 else int(result.reached[index]),
            "diverged": run.diverged_at >= 0, "diverged_at": None if run.diverged_at < 0 else run.diverged_at,
            "best": index == result.winner, "explained_variance": [float(v) for v in result.plane.explained_variance],
            "max_off_plane_distance": json_number(result.plane.off_plane_distance(run.weights).max()),
        })
    agreement = []
    for optimizer in spec.optimizers:
        pair = [run for run in result.runs if run.optimizer == optimizer.name]
        if len(pair) == 2:
            agreement.append({"experiment": spec.name, "optimizer": optimizer.name,
                              "max_abs_diff": json_number(np.abs(pair[0].weights - pair[1].weights).max()),
                              "steps_compared": spec.steps, "same_divergence": pair[0].diverged_at == pair[1].diverged_at})
    return {"runs": records, "agreement": agreement}
