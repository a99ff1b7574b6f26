"""One model experiment end to end: data, paired seeds, every run, the verdicts' numbers, the loss plane.

Paired seeds (``spec.seeds`` = N, ``model_training.paired_seeds``): seed i gives every optimizer
the same initial weights and the same epoch orders. The numpy runs of one method, every seed
and one more run from seed 0's start nudged by one ulp (the chaos check), share one batched
call; TensorFlow re-runs seed 0 of every optimizer (one compiled Keras loop each) for the
agreement check. Train/test loss and accuracy are evaluated at the recorded steps of every
seed; the verdicts follow ``model_verdicts``. The loss plane is fitted to seed 0's runs and
centred on the mean of their final weights, a point no run owns.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from momentumlab.model import edge
from momentumlab.model import plane as loss_plane

from momentumlab.model import training as model_training

from momentumlab.model import verdicts as model_verdicts
from momentumlab.model.data import ClassificationData
from momentumlab.files import write_npz
from momentumlab.config import ModelExperiment
from momentumlab.model.network import Architecture, evaluate, initial_weights
from momentumlab.records import Section, json_number, reference_backend
from momentumlab.runs import RunKey

Array = np.ndarray
SEED_METRICS = ("train_loss", "train_accuracy", "test_loss", "test_accuracy")


@dataclass(frozen=True)
class ModelRun:
    """One (optimizer, backend) run: seed 0's weights at ``steps_recorded`` and the metrics of every seed.

    ``train_loss`` … ``test_accuracy`` are (S, R): one row per paired seed (TensorFlow: seed 0
    only); ``diverged_at`` (S,) by ``model_verdicts.diverged_at``, −1 never; ``ulp_change``
    the relative move of seed 0's final weights under a one-ulp nudge of its start (numpy only).
    """

    optimizer: str
    backend: str
    steps_recorded: Array  # (R,)
    weights: Array  # (R, n_weights), seed 0
    step_loss: Array  # (steps,), seed 0
    train_loss: Array  # (S, R)
    train_accuracy: Array
    test_loss: Array
    test_accuracy: Array
    diverged_at: Array  # (S,)
    seconds: float
    ulp_change: float | None = None
    sharpness: Array | None = None  # (R,) seed 0's top Hessian eigenvalue at each record (``spec.sharpness``, numpy)

    @property
    def key(self) -> RunKey:
        """The run's identity (without its label)."""
        return RunKey(self.optimizer, self.backend)


@dataclass(frozen=True)
class ModelExperimentResult:
    """All runs of an experiment, the seeds they ran and the shared loss plane."""

    spec: ModelExperiment
    data: ClassificationData
    arch: Architecture
    seeds: tuple[int, ...]
    initial: Array  # (S, n_weights)
    orders: Array  # (S, epochs, n_train)
    runs: tuple[ModelRun, ...]
    plane: loss_plane.LossPlane
    alphas: Array
    betas: Array
    grid: Array  # (len(betas), len(alphas)) training loss


def _metrics(arch: Architecture, data: ClassificationData, weights: Array) -> tuple[Array, Array, Array, Array]:
    train_loss, train_accuracy = evaluate(arch, weights, data.x_train, data.y_train)
    test_loss, test_accuracy = evaluate(arch, weights, data.x_test, data.y_test)
    return train_loss, train_accuracy, test_loss, test_accuracy


def run_model_experiment(
    spec: ModelExperiment, grid_size: int = 51, threads: int = 1, data: ClassificationData | None = None
) -> ModelExperimentResult:
    """Train every run of ``spec`` on ``data`` (default: ``spec.data()``) on every paired seed; build the loss plane."""
    data = spec.data() if data is None else data
    arch = spec.architecture(data)
    seeds = model_training.paired_seeds(spec.seed, spec.seeds)
    starts = np.stack([initial_weights(arch, seed) for seed in seeds])
    n_train = len(data.y_train)
    orders = np.stack([model_training.epoch_orders(seed, n_train, spec.batch_size, spec.steps) for seed in seeds])
    batches = None if spec.batch_size is None else np.stack(
        [model_training.batch_indices(order, spec.batch_size, spec.steps) for order in orders])
    found: dict[RunKey, ModelRun] = {}
    if "numpy" in spec.backends:
        for method in dict.fromkeys(o.method for o in spec.optimizers):
            group = [o for o in spec.optimizers if o.method == method]
            found.update(_numpy_runs(arch, data, group, method, starts, batches, spec))
    if "tensorflow" in spec.backends:
        from momentumlab.model import keras as model_tensorflow
        from momentumlab.backends import prepare

        prepare("tensorflow", threads)
        for optimizer in spec.optimizers:
            began = time.perf_counter()
            runs = model_tensorflow.train(arch, data.x_train, data.y_train, starts[0], optimizer.method, optimizer.lr,
                                          optimizer.momentum, spec.steps, None if batches is None else batches[0],
                                          spec.record_every)
            found[RunKey(optimizer.name, "tensorflow")] = _run(arch, data, optimizer.name, "tensorflow", runs,
                                                               [0], time.perf_counter() - began)
    ordered = tuple(found[key] for key in spec.runs)
    if spec.sharpness:
        ordered = _with_sharpness(arch, data, ordered)
    trajectories = [run.weights for run in ordered]
    finals = np.stack([run.weights[-1] for run in ordered])
    centre = finals[np.isfinite(finals).all(axis=1)].mean(axis=0) if np.isfinite(finals).any() else finals[0]
    plane = loss_plane.fit_plane(trajectories, centre)
    alphas, betas = loss_plane.grid_axes(plane, trajectories, size=grid_size)
    grid = loss_plane.grid_loss(arch, plane, alphas, betas, data.x_train, data.y_train)
    return ModelExperimentResult(spec=spec, data=data, arch=arch, seeds=tuple(seeds), initial=starts, orders=orders,
                                 runs=ordered, plane=plane, alphas=alphas, betas=betas, grid=grid)


def _with_sharpness(arch: Architecture, data: ClassificationData, runs: tuple[ModelRun, ...]) -> tuple[ModelRun, ...]:
    """``runs`` with the sharpness of every numpy run's records, all runs in one batched Lanczos."""
    measured = [run for run in runs if run.backend == "numpy"]
    series = edge.sharpness_series(arch, [run.weights for run in measured], data.x_train, data.y_train)
    found = {run.key: values for run, values in zip(measured, series)}
    return tuple(dataclasses.replace(run, sharpness=found[run.key]) if run.key in found else run for run in runs)


def sharpness_record(spec: ModelExperiment, optimizer_name: str, steps: Array, values: Array) -> dict[str, Any]:
    """A run's ``sharpness`` field of summary.json from its recorded ``steps`` and sharpness ``values``:
    the series, its threshold and the formula it follows (None for a minibatch run, ``reason``
    says why), and ``edge.edge_fraction``'s first reach and fraction of later records near it."""
    optimizer = spec.optimizer(optimizer_name)
    limit = edge.threshold(optimizer.method, optimizer.lr, optimizer.momentum, spec.batch_size is None)
    first, fraction = edge.edge_fraction(values, limit)
    return {"steps": [int(s) for s in steps], "values": [json_number(v) for v in values],
            "threshold": json_number(limit) if limit is not None else None,
            "formula": edge.FORMULAS.get(optimizer.method) if limit is not None else None,
            "reason": None if limit is not None else edge.NO_THRESHOLD,
            "reached_at": None if first is None else int(steps[first]),
            "records_after": None if first is None else len(values) - first - 1,
            "fraction_near": json_number(fraction) if fraction is not None else None,
            "median_after": (json_number(np.median(values[first + 1:])) if first is not None and first + 1 < len(values)
                             else None),
            "reach": edge.REACH, "band": edge.BAND, "rule": edge.RULE,
            "start": json_number(values[0]), "max": json_number(np.max(values))}


def _numpy_runs(arch: Architecture, data: ClassificationData, group: list[Any], method: str, starts: Array,
                batches: Array | None, spec: ModelExperiment) -> dict[RunKey, ModelRun]:
    """The runs of one method on every seed, and seed 0 nudged by one ulp, in one batched call (seed-major)."""
    seeds, size = len(starts), len(group)
    nudged = np.nextafter(starts[0], np.inf)
    initial = np.concatenate([np.repeat(starts, size, axis=0), np.broadcast_to(nudged, (size, arch.n_weights))])
    orders = np.concatenate([np.repeat(np.arange(seeds), size), np.zeros(size, dtype=np.int64)])
    lr = np.tile([o.lr for o in group], seeds + 1)
    momentum = np.tile([o.momentum for o in group], seeds + 1)
    began = time.perf_counter()
    runs = model_training.train(arch, data.x_train, data.y_train, initial, method, lr, momentum, spec.steps,
                                batches, spec.record_every, orders)
    seconds = (time.perf_counter() - began) / (size * (seeds + 1))
    found = {}
    for k, optimizer in enumerate(group):
        columns = [s * size + k for s in range(seeds)]
        change = model_verdicts.relative_change(runs.weights[-1, k], runs.weights[-1, seeds * size + k])
        found[RunKey(optimizer.name, "numpy")] = _run(arch, data, optimizer.name, "numpy", runs, columns,
                                                      seconds * (seeds + 1), change)
    return found


def _run(arch: Architecture, data: ClassificationData, optimizer: str, backend: str,
         runs: model_training.ModelRuns, columns: list[int], seconds: float, ulp_change: float | None = None) -> ModelRun:
    """The run whose seeds are ``columns`` of the batched ``runs`` (seed 0 first), evaluated at every record."""
    weights = runs.weights[:, columns]  # (R, S, n)
    records, seeds = weights.shape[:2]
    flat = np.ascontiguousarray(weights.transpose(1, 0, 2)).reshape(seeds * records, arch.n_weights)
    train_loss, train_accuracy, test_loss, test_accuracy = (
        values.reshape(seeds, records) for values in _metrics(arch, data, flat))
    frozen = runs.diverged_at[columns]
    return ModelRun(optimizer=optimizer, backend=backend, steps_recorded=runs.steps_recorded, weights=weights[:, 0],
                    step_loss=runs.step_loss[:, columns[0]], train_loss=train_loss, train_accuracy=train_accuracy,
                    test_loss=test_loss, test_accuracy=test_accuracy,
                    diverged_at=model_verdicts.diverged_at(train_loss, runs.steps_recorded, frozen),
                    seconds=seconds, ulp_change=ulp_change)


def architecture_fields(spec: ModelExperiment, arch: Architecture) -> dict[str, Any]:
    """What rebuilds the model: hidden sizes, activation, l2, classes and input features."""
    return {"model": spec.model, "hidden": list(arch.sizes[1:-1]), "activation": arch.activation, "l2": arch.l2,
            "n_classes": arch.sizes[-1], "n_features": arch.sizes[0]}


def save_result(path: str | Path, result: ModelExperimentResult) -> None:
    """Everything needed to redraw and re-check the experiment, in one reproducible .npz.

    Per run: seed 0's weights, plane coordinates and metrics under ``<run>/``, every seed's
    metrics (S, R) and divergence steps under ``<run>/seeds/``; the architecture under
    ``architecture/`` and the paired seeds under ``seeds``.
    """
    arrays: dict[str, Any] = {"initial_weights": result.initial, "epoch_orders": result.orders,
                              "seeds": np.array(result.seeds, dtype=np.int64),
                              "plane/centre": result.plane.centre, "plane/directions": result.plane.directions,
                              "plane/explained_variance": result.plane.explained_variance,
                              "plane/alphas": result.alphas, "plane/betas": result.betas, "plane/loss": result.grid}
    arrays["verdict/best"] = np.array(_best(result) or "")
    for name, value in architecture_fields(result.spec, result.arch).items():
        arrays[f"architecture/{name}"] = np.array(value)
    for run in result.runs:
        key = run.key.file_name
        arrays[f"{key}/steps_recorded"] = run.steps_recorded
        arrays[f"{key}/weights"] = run.weights
        arrays[f"{key}/step_loss"] = run.step_loss
        for name in SEED_METRICS:
            arrays[f"{key}/{name}"] = getattr(run, name)[0]
            arrays[f"{key}/seeds/{name}"] = getattr(run, name)
        arrays[f"{key}/diverged_at"] = np.array(run.diverged_at[0])
        arrays[f"{key}/seeds/diverged_at"] = run.diverged_at
        arrays[f"{key}/plane_coordinates"] = result.plane.coordinates(run.weights)
        arrays[f"{key}/off_plane_distance"] = result.plane.off_plane_distance(run.weights)
        if run.sharpness is not None:
            arrays[f"{key}/sharpness"] = run.sharpness
    write_npz(path, arrays)


def run_seconds(result: ModelExperimentResult) -> dict[str, float]:
    """Wall time of each run, keyed ``<optimizer>-<backend>`` (numpy: the batched call's share, all seeds)."""
    return {run.key.file_name: run.seconds for run in result.runs}


def _settled(result: ModelExperimentResult) -> tuple[dict[RunKey, Array], list[float]]:
    """Each run's settle step on each of its seeds, and the lowest training loss of each seed."""
    seeds = len(result.seeds)
    lowest = [model_verdicts.lowest_loss([run.train_loss[s] for run in result.runs if s < len(run.train_loss)])
              for s in range(seeds)]
    tolerance = result.spec.tolerance
    return {run.key: np.array([model_verdicts.settled_at(run.train_loss[s:s + 1], run.steps_recorded, lowest[s],
                                                          tolerance)[0] for s in range(len(run.train_loss))])
            for run in result.runs}, lowest


def _lower_median(values: Array) -> int:
    """The lower median of integer steps: a step some seed took."""
    return int(np.sort(values)[(len(values) - 1) // 2])


def _spread(name: str, values: Array) -> dict[str, Any]:
    """``name`` (the median over seeds) and ``name_range`` [min, max]."""
    return {name: json_number(np.median(values)), f"{name}_range": [json_number(values.min()), json_number(values.max())]}


def summary_records(result: ModelExperimentResult) -> Section:
    """The ``runs``, ``agreement`` and ``model_comparisons`` rows of summary.json.

    A model run's row has the fields every run row has (``final_loss`` is the median final
    training loss; ``optimum``, ``distance_to_optimum``, ``start`` and ``final_params`` are null:
    no optimum is known and the weights are in ``model_runs.npz``) plus the model's own:
    ``dataset``, the architecture (``architecture_fields``), ``n_weights``, ``batch_size``,
    ``epochs`` (steps × batch size / training examples), ``seeds`` and ``seed_values``; every
    final metric as the median over seeds with its ``_range`` and ``per_seed`` values; the
    verdict fields of ``model_verdicts`` (``settled_at``, ``diverged``, ``best``, the overfitting
    numbers); ``explained_variance`` of the loss plane; with ``sharpness: true``, ``sharpness``
    (``sharpness_record``; null on a TensorFlow row). Wall times are left out
    (``run_seconds``), so the rows are byte-reproducible.
    """
    spec = result.spec
    n_train = len(result.data.y_train)
    settled, lowest = _settled(result)
    reference = reference_backend(spec.backends)
    best = _best(result)
    records = []
    for run in result.runs:
        optimizer = spec.optimizer(run.optimizer)
        count = len(run.train_loss)
        finals = {f"final_{name}": getattr(run, name)[:, -1] for name in SEED_METRICS}
        steps = settled[run.key]
        diverged = run.diverged_at >= 0
        row: dict[str, Any] = {
            "experiment": spec.name, "label": spec.label, "problem": spec.model, **architecture_fields(spec, result.arch),
            "dataset": spec.dataset, "start": None, "optimizer_label": optimizer.label,
            "dataset_params": {**dict(spec.dataset_params), "test_fraction": spec.test_fraction,
                               "standardize": spec.standardize},
            "n_weights": result.arch.n_weights, "batch_size": spec.batch_size, "optimizer": run.optimizer,
            "method": optimizer.method, "backend": run.backend, "lr": optimizer.lr, "momentum": optimizer.momentum,
            "steps": spec.steps, "epochs": json_number(spec.steps * (spec.batch_size or n_train) / n_train),
            "seeds": count, "seed_values": list(result.seeds[:count]),
            "final_params": None, "final_loss": json_number(np.median(finals["final_train_loss"])), "optimum": None,
            "distance_to_optimum": None, "tolerance": spec.tolerance,
        }
        for name, values in finals.items():
            row.update(_spread(name, values))
        row.update({
            "lowest_train_loss": [json_number(v) for v in lowest[:count]],
            "settled_at": _lower_median(steps) if (steps >= 0).all() else None,
            "settled_seeds": int((steps >= 0).sum()),
            "diverged": bool(diverged.any()), "diverged_seeds": int(diverged.sum()),
            "diverged_at": None if run.diverged_at[0] < 0 else int(run.diverged_at[0]),
            **model_verdicts.overfitting(run.train_loss, run.test_loss, run.steps_recorded, diverged.all()),
            "chaotic": None if run.ulp_change is None else run.ulp_change > model_verdicts.CHAOS_TOLERANCE,
            "ulp_change": json_number(run.ulp_change) if run.ulp_change is not None else None,
            "best": run.backend == reference and run.optimizer == best,
            "per_seed": {**{name: [json_number(v) for v in values] for name, values in finals.items()},
                         "settled_at": [int(v) if v >= 0 else None for v in steps],
                         "diverged_at": [int(v) if v >= 0 else None for v in run.diverged_at]},
            "explained_variance": [float(v) for v in result.plane.explained_variance],
            "max_off_plane_distance": json_number(result.plane.off_plane_distance(run.weights).max()),
        })
        if spec.sharpness:
            row["sharpness"] = (None if run.sharpness is None else
                                sharpness_record(spec, run.optimizer, run.steps_recorded, run.sharpness))
        row["steps_to_tolerance"] = row["settled_at"]  # the 2-D rows' older name, for readers not yet moved
        records.append(row)
    return {"runs": records, "agreement": _agreement(result), "model_comparisons": _comparisons(result)}


def _competing(result: ModelExperimentResult) -> list[ModelRun]:
    """The runs the verdicts compare: the reference backend's (every seed)."""
    reference = reference_backend(result.spec.backends)
    return [run for run in result.runs if run.backend == reference]


def _comparisons(result: ModelExperimentResult) -> list[dict[str, Any]]:
    """Every pair of competing runs on every metric, paired seed by seed (``model_verdicts.compare``)."""
    runs = _competing(result)
    rows = []
    for i, a in enumerate(runs):
        for b in runs[i + 1:]:
            for metric, (_, lower) in model_verdicts.METRICS.items():
                name = metric.removeprefix("final_")
                verdict = model_verdicts.compare(getattr(a, name)[:, -1], getattr(b, name)[:, -1], lower)
                winner = {"a": a.optimizer, "b": b.optimizer, None: None}[verdict.pop("winner")]
                rows.append({"experiment": result.spec.name, "metric": metric, "a": a.optimizer, "b": b.optimizer,
                             **verdict, "winner": winner})
    return rows


def _best(result: ModelExperimentResult) -> str | None:
    """The best run by ``model_verdicts.RULES["best"]``: it beats every other undiverged competing run on train loss
    (none below ``model_verdicts.MIN_SEEDS_FOR_VERDICT`` paired seeds: no run beats another there)."""
    runs = [run for run in _competing(result) if not (run.diverged_at >= 0).any()]
    if runs and len(runs[0].train_loss) < model_verdicts.MIN_SEEDS_FOR_VERDICT:
        return None
    for run in runs:
        others = [other for other in runs if other is not run]
        if all(model_verdicts.compare(run.train_loss[:, -1], other.train_loss[:, -1], True)["winner"] == "a"
               for other in others):
            return run.optimizer
    return None


def _agreement(result: ModelExperimentResult) -> list[dict[str, Any]]:
    """numpy against TensorFlow on seed 0, per optimizer: compared only when neither diverged and numpy's
    run is not chaotic; otherwise ``excluded`` says why."""
    rows = []
    for optimizer in result.spec.optimizers:
        pair = [run for run in result.runs if run.optimizer == optimizer.name]
        if len(pair) != 2:
            continue
        reasons = [f"diverged on {run.backend} at step {int(run.diverged_at[0])}" for run in pair
                   if run.diverged_at[0] >= 0]
        change = next((run.ulp_change for run in pair if run.ulp_change is not None), None)
        if change is not None and change > model_verdicts.CHAOS_TOLERANCE:
            reasons.append(f"chaotic: a one-ulp nudge of the start moves the final weights by "
                           f"{change:.2g} (relative)")
        difference = json_number(np.abs(pair[0].weights - pair[1].weights).max())
        rows.append({"experiment": result.spec.name, "optimizer": optimizer.name,
                     "max_abs_diff": None if reasons else difference, "raw_max_abs_diff": difference,
                     "ulp_change": json_number(change) if change is not None else None,
                     "compared": not reasons, "excluded": "; ".join(reasons) or None,
                     "steps_compared": result.spec.steps,
                     "same_divergence": int(pair[0].diverged_at[0]) == int(pair[1].diverged_at[0])})
    return rows
