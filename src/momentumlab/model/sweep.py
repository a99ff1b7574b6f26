"""Learning rate × momentum sweeps of a model: every cell a full training run, all in one batched loop.

The grid is the 2-D sweeps' (``lr`` log-spaced, ``momentum`` linear from 0; sgd sweeps lr
alone). Every cell starts from seed 0's initial weights and sees seed 0's minibatches
(``model_training.train`` with B = cells; one seed, not the experiment's paired seeds), so a
cell with the configured (η, μ) is the configured run on seed 0. Train loss is evaluated at
``SWEEP_RECORDS`` record steps: a cell diverged by ``model_verdicts.RULES["diverged"]`` (its
loss above 10× its initial loss, or not finite), and the best cell is picked by the one
best-run rule (``records.best_index``: never diverged, first to settle within ``tolerance`` of
the lowest train loss any undiverged cell reached, then the lowest final train loss).
TensorFlow re-runs a few cells (``spot_check``) from the same start on the same batches; a
cell that diverged on either backend or is chaotic (a one-ulp nudge of its start moves its
numpy final weights by more than ``model_verdicts.CHAOS_TOLERANCE``) is not compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from momentumlab import sweep

from momentumlab.model import training as model_training

from momentumlab.model import verdicts as model_verdicts
from momentumlab.model.data import ClassificationData
from momentumlab.files import read_json, read_npz, write_npz
from momentumlab.config import ModelExperiment
from momentumlab.model.network import evaluate, initial_weights
from momentumlab.records import Section, best_index, json_number

Array = np.ndarray
SWEEP_RECORDS = 20  # train-loss samples per cell for the "reached" rule
CURVES = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")  # the last axis of ModelSweepResult.curves
# Cells trained per batched call: their recorded weights stay within ~RECORD_BYTES.
RECORD_BYTES = 64 << 20


@dataclass(frozen=True)
class ModelSweepResult(sweep.GridResult):
    """Final metrics of every cell, [momentum][lr] (Q, P), and the best cell; a cell diverged by
    ``model_verdicts``' rule."""

    final_train_loss: Array  # (Q, P)
    final_test_loss: Array
    final_train_accuracy: Array
    final_test_accuracy: Array
    steps_to_reach: Array  # (Q, P) int, -1: never within tolerance of the lowest train loss
    final_weights: Array  # (Q, P, n_weights)
    lowest_train_loss: float
    best: tuple[int, int] | None  # (q, p); None when every cell diverged
    record_steps: Array | None = None  # (R,) the steps at which ``curves`` sampled every cell
    curves: Array | None = None  # (Q, P, R, 4): CURVES at each recorded step, for the report's explorer
    has_optimum: ClassVar[bool] = False  # no known optimum: "diverged" by model_verdicts' rule
    diverged_label: ClassVar[str] = f"diverged (loss > {model_verdicts.DIVERGENCE_FACTOR:g}× initial, or not finite)"

    def cell(self, lr: float, momentum: float) -> tuple[int, int] | None:
        """The cell holding exactly (``lr``, ``momentum``), if the grid has it."""
        p = np.flatnonzero(np.isclose(self.lr, lr, rtol=1e-12, atol=0.0))
        q = np.flatnonzero(np.isclose(self.momentum, momentum, rtol=1e-12, atol=1e-15))
        return (int(q[0]), int(p[0])) if p.size and q.size else None


def sweep_axes(spec: ModelExperiment) -> tuple[Array, Array]:
    """(lr (P,), momentum (Q,)) of the experiment's sweep; sgd has the single momentum 0."""
    settings = spec.sweep
    lr = np.geomspace(settings.lr_min, settings.lr_max, settings.lr_points)
    momentum = (np.zeros(1) if settings.method == "sgd"
                else np.linspace(0.0, settings.momentum_max, settings.momentum_points))
    return lr, momentum


def _batches(spec: ModelExperiment, n_train: int, steps: int) -> Array | None:
    if spec.batch_size is None:
        return None
    orders = model_training.epoch_orders(spec.seed, n_train, spec.batch_size, max(steps, spec.steps))
    return model_training.batch_indices(orders, spec.batch_size, steps)


def run_cells(spec: ModelExperiment, data: ClassificationData, index: int = 0, chunks: int = 1) -> dict[str, Array]:
    """Train chunk ``index`` of ``chunks`` of the flattened grid (``sweep.chunk_slice``, row-major over
    [momentum][lr]); per cell its ``CURVES`` at every record, the step it was frozen at (−1: never), its
    final weights and final metrics, and the compute's wall ``seconds``. Any chunk, in any job, gives
    the same numbers for its cells."""
    began = time.perf_counter()
    arch = spec.architecture(data)
    initial = initial_weights(arch, spec.seed)
    steps = spec.sweep.steps
    batches = _batches(spec, len(data.y_train), steps)
    lr, momentum = sweep_axes(spec)
    flat_lr, flat_mu = (g.ravel() for g in np.meshgrid(lr, momentum))
    part = sweep.chunk_slice(flat_lr.size, index, chunks)
    flat_lr, flat_mu = flat_lr[part], flat_mu[part]
    every = max(1, steps // SWEEP_RECORDS)
    marks = model_training.record_steps(steps, every)
    per_call = max(1, RECORD_BYTES // (8 * len(marks) * arch.n_weights))
    curves = np.empty((flat_lr.size, len(marks), len(CURVES)))
    final = np.empty((flat_lr.size, arch.n_weights))
    frozen = np.empty(flat_lr.size, dtype=np.int64)
    for start in range(0, flat_lr.size, per_call):
        cells = slice(start, start + per_call)
        runs = model_training.train(arch, data.x_train, data.y_train, initial, spec.sweep.method, flat_lr[cells],
                                    flat_mu[cells], steps, batches, every)
        count = runs.weights.shape[1]
        every_record = runs.weights.reshape(-1, arch.n_weights)
        found = np.stack([*evaluate(arch, every_record, data.x_train, data.y_train),
                          *evaluate(arch, every_record, data.x_test, data.y_test)], axis=-1)  # (R·count, 4)
        curves[cells] = found.reshape(len(marks), count, 4).transpose(1, 0, 2)[..., [0, 2, 1, 3]]  # (count, R, CURVES)
        final[cells] = runs.final_weights
        frozen[cells] = runs.diverged_at
    empty = np.zeros(0)
    final_train_loss, final_train_accuracy = evaluate(arch, final, data.x_train, data.y_train) if final.size else (empty, empty)
    final_test_loss, final_test_accuracy = evaluate(arch, final, data.x_test, data.y_test) if final.size else (empty, empty)
    return {"index": np.arange(part.start, part.stop), "marks": marks, "curves": curves, "frozen_at": frozen,
            "final_weights": final, "final_train_loss": final_train_loss, "final_train_accuracy": final_train_accuracy,
            "final_test_loss": final_test_loss, "final_test_accuracy": final_test_accuracy,
            "seconds": np.array(time.perf_counter() - began)}


def gather_cells(spec: ModelExperiment, chunks: list[dict[str, Array]]) -> ModelSweepResult:
    """The sweep result from every chunk ``run_cells`` made (in any order), the cells ranked over the whole grid."""
    lr, momentum = sweep_axes(spec)
    shape = (len(momentum), len(lr))
    order = np.argsort(np.concatenate([chunk["index"] for chunk in chunks]), kind="stable")
    if not np.array_equal(np.concatenate([chunk["index"] for chunk in chunks])[order], np.arange(lr.size * momentum.size)):
        raise ValueError(f"the chunks do not cover the {lr.size * momentum.size} cells of the grid exactly once")

    def joined(name: str) -> Array:
        return np.concatenate([chunk[name] for chunk in chunks])[order]

    marks, curves = chunks[0]["marks"], joined("curves")
    train_loss = np.ascontiguousarray(curves[..., CURVES.index("train_loss")])  # (cells, R)
    diverged_at = model_verdicts.diverged_at(train_loss, marks, joined("frozen_at"))
    lowest = model_verdicts.lowest_loss(train_loss[diverged_at < 0])
    reached = model_verdicts.settled_at(train_loss, marks, lowest, spec.tolerance)
    final_train_loss = joined("final_train_loss")
    index = best_index(diverged_at >= 0, reached, final_train_loss)
    best = None if index is None else tuple(int(i) for i in np.unravel_index(index, shape))
    final = joined("final_weights")
    return ModelSweepResult(
        method=spec.sweep.method, steps=spec.sweep.steps, tolerance=spec.tolerance, lr=lr, momentum=momentum,
        final_train_loss=final_train_loss.reshape(shape), final_test_loss=joined("final_test_loss").reshape(shape),
        final_train_accuracy=joined("final_train_accuracy").reshape(shape),
        final_test_accuracy=joined("final_test_accuracy").reshape(shape), steps_to_reach=reached.reshape(shape),
        diverged_at=diverged_at.reshape(shape), final_weights=final.reshape(*shape, final.shape[-1]),
        lowest_train_loss=lowest, best=best, record_steps=np.asarray(marks),
        curves=curves.reshape(*shape, len(marks), len(CURVES)),
    )


def run_sweep(spec: ModelExperiment, data: ClassificationData) -> ModelSweepResult:
    """Train every cell of ``spec.sweep`` in one piece and rank them."""
    return gather_cells(spec, [run_cells(spec, data)])


def save_chunk(path: str | Path, chunk: dict[str, Array]) -> None:
    """Write what ``run_cells`` returned (a temporary file of the workflow)."""
    write_npz(path, chunk)


def spot_check_cells(result: ModelSweepResult, count: int = 3) -> list[tuple[int, int]]:
    """Cells to re-run on TensorFlow, chosen as for a 2-D sweep (``sweep.spot_check_cells``)."""
    return sweep.spot_check_cells(result.best, result.diverged, result.diverged_at, count)


def spot_check(spec: ModelExperiment, data: ClassificationData, result: ModelSweepResult,
               threads: int = 1) -> list[dict[str, Any]]:
    """Re-run ``spot_check_cells`` in Keras; max |Δθ| of the final weights against the sweep's.

    Each cell is also re-run in numpy from its start nudged by one ulp (``ulp_change``); a cell
    that diverged on either backend or is chaotic is listed with the reason it is ``excluded``
    and no difference (its raw one stays in ``raw_max_abs_diff``).
    """
    from momentumlab.model import keras as model_tensorflow
    from momentumlab.backends import prepare

    prepare("tensorflow", threads)
    arch = spec.architecture(data)
    initial = initial_weights(arch, spec.seed)
    batches = _batches(spec, len(data.y_train), result.steps)
    cells = spot_check_cells(result)
    if not cells:
        return []
    nudged = model_training.train(arch, data.x_train, data.y_train, np.nextafter(initial, np.inf), result.method,
                                  [float(result.lr[p]) for _, p in cells], [float(result.momentum[q]) for q, _ in cells],
                                  result.steps, batches, result.steps)
    rows = []
    for k, (q, p) in enumerate(cells):
        runs = model_tensorflow.train(arch, data.x_train, data.y_train, initial, result.method, float(result.lr[p]),
                                      float(result.momentum[q]), result.steps, batches)
        tf_loss = evaluate(arch, runs.weights[:, 0], data.x_train, data.y_train)[0]
        tf_diverged = int(model_verdicts.diverged_at(tf_loss[None], runs.steps_recorded, runs.diverged_at[:1])[0])
        difference = float(np.abs(runs.final_weights[0] - result.final_weights[q, p]).max())
        change = model_verdicts.relative_change(result.final_weights[q, p], nudged.final_weights[k])
        reasons = [f"diverged on {backend} at step {step}" for backend, step in
                   (("numpy", int(result.diverged_at[q, p])), ("tensorflow", tf_diverged)) if step >= 0]
        if change > model_verdicts.CHAOS_TOLERANCE:
            reasons.append(f"chaotic: a one-ulp nudge of the start moves the final weights by {change:.2g} (relative)")
        raw = difference if np.isfinite(difference) else None
        rows.append({"lr": float(result.lr[p]), "momentum": float(result.momentum[q]),
                     "max_abs_diff": None if reasons else raw, "raw_max_abs_diff": raw,
                     "ulp_change": json_number(change), "compared": not reasons, "excluded": "; ".join(reasons) or None,
                     "same_divergence": tf_diverged == int(result.diverged_at[q, p])})
    return rows


_FIELDS = ("lr", "momentum", "final_train_loss", "final_test_loss", "final_train_accuracy", "final_test_accuracy",
           "steps_to_reach", "diverged_at", "final_weights")


def save_sweep(path: str | Path, result: ModelSweepResult) -> None:
    """Write a sweep result as one reproducible ``.npz``."""
    arrays: dict[str, Any] = {name: getattr(result, name) for name in _FIELDS}
    if result.curves is not None:
        arrays.update(record_steps=result.record_steps, curves=result.curves)
    arrays.update(method=np.array(result.method), steps=np.array(result.steps), tolerance=np.array(result.tolerance),
                  lowest_train_loss=np.array(result.lowest_train_loss),
                  best=np.array(result.best if result.best is not None else (-1, -1)))
    write_npz(path, arrays)


def load_sweep(path: str | Path) -> ModelSweepResult:
    """Read what ``save_sweep`` wrote."""
    arrays = read_npz(path)
    best = (int(arrays["best"][0]), int(arrays["best"][1]))
    return ModelSweepResult(
        method=str(arrays["method"]), steps=int(arrays["steps"]), tolerance=float(arrays["tolerance"]),
        lowest_train_loss=float(arrays["lowest_train_loss"]), best=None if best[0] < 0 else best,
        record_steps=arrays.get("record_steps"), curves=arrays.get("curves"),
        **{name: arrays[name] for name in _FIELDS},
    )


def _cell_record(result: ModelSweepResult, q: int, p: int) -> dict[str, Any]:
    reached = int(result.steps_to_reach[q, p])
    return {"lr": float(result.lr[p]), "momentum": float(result.momentum[q]),
            "final_train_loss": json_number(result.final_train_loss[q, p]),
            "final_test_accuracy": json_number(result.final_test_accuracy[q, p]),
            "final_test_loss": json_number(result.final_test_loss[q, p]), "settled_at": reached if reached >= 0 else None}


def summary_row(spec: ModelExperiment, result: ModelSweepResult, tf_spot_check: list[dict[str, Any]],
                seconds: float | None) -> dict[str, Any]:
    """The experiment's row of summary.json's ``sweeps``: grids as [momentum][lr] lists (null: diverged)."""
    ok = ~result.diverged

    def grid(values: Array) -> list[list[float | None]]:
        return [[json_number(v) if fine else None for v, fine in zip(row, fine_row)] for row, fine_row in zip(values, ok)]

    return {
        "experiment": spec.name, "kind": "model", "method": result.method, "steps": result.steps,
        "tolerance": result.tolerance, "seeds": 1, "lr": [float(v) for v in result.lr],
        "momentum": [float(v) for v in result.momentum], "final_train_loss": grid(result.final_train_loss),
        "final_test_accuracy": grid(result.final_test_accuracy),
        "settled_at": [[int(v) if v >= 0 else None for v in row] for row in result.steps_to_reach],
        "diverged_fraction": float(result.diverged.mean()), "diverged_cells": int(result.diverged.sum()), "lowest_train_loss": json_number(result.lowest_train_loss),
        "best": None if result.best is None else _cell_record(result, *result.best),
        "configured": [{"optimizer": o.name, "lr": o.lr, "momentum": o.momentum, "cell": result.cell(o.lr, o.momentum)}
                       for o in spec.optimizers if o.method == result.method],
        "tf_spot_check": tf_spot_check, "compute_seconds": seconds,
    }


def summary_section(row_path: str | Path, timing_path: str | Path) -> Section:
    """The ``sweeps`` section of one model experiment: the row its sweep job wrote, with the job's wall time."""
    return {"sweeps": [{**read_json(row_path), **read_json(timing_path)}]}
