"""The rows of ``summary.json``, the one best-run rule, and the one way numbers are printed.

Rows: :func:`experiment_summary` (``runs`` and ``agreement``) and :func:`theory_rows`
(``theory``); a sweep's row is ``sweep_summary.sweep_row``, a model's ``model.run.summary_records``.
Every float is finite or None (:func:`json_number`).

The best run (:func:`rank_order`), the same for the report, the deck, the sweeps' ``best``
pair and the model experiments' ``best`` mark:

1. Only runs on the reference backend compete: numpy when it ran, else the first backend.
   A TensorFlow run repeats its numpy twin to rounding (the agreement tables measure how
   closely); ranking twins would crown one by its rounding noise.
2. A run that diverged is never best (diverged runs rank last).
3. Runs that settled (``settled_at``: the first step from which a run stays within the
   tolerance to its last step) rank before runs that did not, earliest first: the race asks
   who gets there and stays first; a run that only touched the tolerance and left it has not
   got there. Once a run has settled, how much closer it ends is mostly floating-point noise
   (1e-14 against 1e-27).
4. Ties, and runs that did not settle, rank by their error: the final distance to the
   nearest optimum; the final loss on a problem without one; the final training loss for a
   model experiment (whose tolerance counts from the lowest training loss any run reached).
5. Remaining ties go to the run listed first (the config's order).

Numbers (:func:`format_number`, and counts with :func:`format_count`) are printed the same in
the report, its script (the port ``formatNumber`` in ``templates/_script.js.j2``) and the deck.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from momentumlab.config import Experiment, OptimizerSpec
from momentumlab.floors import minimum_value
from momentumlab.runs import RunKey
from momentumlab.stability import NO_BOUND_NOTE, stability_bound, step_progressions
from momentumlab.wording import counted, ordinal

if TYPE_CHECKING:
    from momentumlab.problems import Problem
    from momentumlab.theory import RateCheck
    from momentumlab.trajectory import Trajectory

Array = np.ndarray
Section = Mapping[str, list[Any]]  # part of summary.json: row lists by key, merged key by key
MISSING = "—"
DIGITS = 4
REFERENCE_BACKEND = "numpy"
BEST_RUN_RULE = ("Best: of the numpy runs (TensorFlow repeats them to rounding) that did not diverge, the one that "
                 "settled first (stayed within the tolerance of an optimum from that step to its last); ties, and "
                 "runs that did not settle, go to the smaller final distance (the lower final loss on a problem "
                 "without a minimum).")


def json_number(value: float) -> float | None:
    """A JSON-safe float: NaN and infinities become None."""
    value = float(value)
    return value if math.isfinite(value) else None


# --- the best-run rule ---------------------------------------------------------------------


def rank_order(diverged: Any, settled_at: Any, error: Any, reference: Any = None) -> Array:
    """Run indices, best first, by the rule above.

    ``settled_at`` below 0 means never; a NaN or infinite ``error`` ranks as +∞;
    ``reference`` marks the runs on the reference backend (default: all). Stable, so equal
    runs keep the given order.
    """
    diverged = np.asarray(diverged, dtype=bool).ravel()
    steps = np.asarray(settled_at, dtype=np.int64).ravel()
    error = np.asarray(error, dtype=float).ravel()
    reference = np.ones_like(diverged) if reference is None else np.asarray(reference, dtype=bool).ravel()
    never = steps < 0
    return np.lexsort((np.where(np.isfinite(error), error, np.inf), np.where(never, 0, steps), never, diverged,
                       ~reference))


def best_index(diverged: Any, settled_at: Any, error: Any, reference: Any = None) -> int | None:
    """The index of the best run, or None when no reference run finished without diverging."""
    order = rank_order(diverged, settled_at, error, reference)
    if order.size == 0:
        return None
    first = int(order[0])
    diverged = np.asarray(diverged, dtype=bool).ravel()
    competes = reference is None or bool(np.asarray(reference, dtype=bool).ravel()[first])
    return None if diverged[first] or not competes else first


def reference_backend(backends: Iterable[str]) -> str | None:
    """The backend whose runs compete: numpy when it ran, else the first one (None without runs)."""
    backends = list(backends)
    return REFERENCE_BACKEND if REFERENCE_BACKEND in backends else next(iter(backends), None)


def run_error(row: Mapping[str, Any]) -> float | None:
    """The error a summary row ranks by: distance to the optimum, else final (training) loss."""
    if "final_train_loss" in row:  # a model experiment's row
        return row["final_train_loss"]
    if row.get("optimum") is None and row.get("distance_to_optimum") is None:
        return row.get("final_loss")
    return row.get("distance_to_optimum")


def settled_step(row: Mapping[str, Any]) -> int | None:
    """The step a ``runs`` row settled at (None: not settled).

    A model row without ``settled_at`` (the model wing's own key) falls back to its ``steps_to_tolerance``.
    """
    return row["settled_at"] if "settled_at" in row else row.get("steps_to_tolerance")


def competing_runs(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One experiment's rows on its reference backend: the runs the rule compares."""
    rows = list(rows)
    reference = reference_backend(row["backend"] for row in rows)
    return [row for row in rows if row["backend"] == reference]


def best_run(rows: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The best of one experiment's ``runs`` rows (2-D or model), None if none finished.

    Model rows carry their own verdict (``best``, by ``model_verdicts``' paired-seed rule): it is read, not re-ranked.
    """
    runs = competing_runs(rows)
    if runs and all(is_model_row(run) and "seeds" in run for run in runs):
        return next((run for run in runs if run.get("best")), None)
    errors = [run_error(run) for run in runs]
    index = best_index(
        [bool(run.get("diverged")) for run in runs],
        [-1 if settled_step(run) is None else settled_step(run) for run in runs],
        [math.nan if error is None else error for error in errors],
    )
    return None if index is None else runs[index]


def is_model_row(row: Mapping[str, Any]) -> bool:
    """Whether a ``runs`` row is a model experiment's (it names its model; no known optimum)."""
    return "model" in row


def rows_by_experiment(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Summary rows grouped by their ``experiment``, in order of first appearance."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["experiment"], []).append(row)
    return grouped


# --- the number format ---------------------------------------------------------------------


def format_number(value: Any, digits: int = DIGITS) -> str:
    """A number as a table cell, a caption or a note shows it.

    None is "—", a boolean "yes"/"no"; an integer (or an integral float below 10¹⁵) is written
    in full with a space every three digits ("12 345"); any other number is rounded to
    ``digits`` significant digits (halves away from zero, as JavaScript rounds), trailing
    zeros dropped, fixed from 0.001 up to 10⁴ ("0.001235", "3.142") and scientific outside
    ("1.235e-7", "2.5e4"); "inf", "-inf" and "nan" as Python prints them.
    """
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}".replace(",", " ")
    with localcontext() as context:
        context.prec, context.rounding = digits, ROUND_HALF_UP
        rounded = +Decimal(number)  # the exact binary value, rounded once
        exponent = rounded.adjusted()
        if -3 <= exponent < 4:
            return format(rounded.normalize(), "f")
        return f"{format(rounded.scaleb(-exponent).normalize(), 'f')}e{exponent}"


def format_count(count: int, noun: str, plural: str | None = None) -> str:
    """``"1 step"``, ``"1 000 steps"``: a count in the number format, with the right plural."""
    return counted(count, noun, plural, number=format_number)


# --- stability along a run ------------------------------------------------------------------

RATIO_DIGITS = 3
STABILITY_RULE = ("Local stability (the list below the table): at each step t of a run, η_t·λmax(∇²f(θ_t)) (η_t with the "
                  "schedule; λmax the largest Hessian eigenvalue at θ_t) divided by the method's bound on η·λ for a quadratic mode: "
                  "2 for gradient descent, 2(1 + μ) for heavy ball, 2(1 + μ)/(1 + 2μ) for Nesterov. Above 1 the step from "
                  "θ_t is beyond what the local quadratic model of the loss allows: its steepest mode overshoots and grows. "
                  "Adaptive methods scale each coordinate's step by their own "
                  "accumulators, so no single bound applies.")
SHOWN_PROGRESSIONS = 4  # a longer list of steps above the bound shows its first three and its last


def stability_fields(method: str, momentum: float | None, ratios: Array | None) -> dict[str, Any]:
    """A run's stability fields: its method's bound on η·λ at its μ, the max ratio η_t·λmax(θ_t) / bound
    over its recorded θ_t and its (first) step, the min ratio, the steps above 1 as ``[first, last, stride]`` progressions
    (``stability.step_progressions``) and their count, and ``stability_note`` (:func:`stability_text`).
    Without a single bound (the adaptive methods) every number is None and the note says so."""
    bound = stability_bound(method, momentum or 0.0)
    fields: dict[str, Any] = {"stability_bound": bound, "max_stability_ratio": None, "max_stability_ratio_step": None,
                              "min_stability_ratio": None, "steps_beyond_bound": None, "steps_beyond_bound_count": None}
    if bound is not None and ratios is not None and np.isfinite(ratios).any():
        peak = int(np.argmax(np.where(np.isnan(ratios), -np.inf, ratios)))
        beyond = np.flatnonzero(ratios > 1.0)
        fields.update(max_stability_ratio=json_number(ratios[peak]), max_stability_ratio_step=peak,
                      min_stability_ratio=json_number(np.nanmin(ratios)),
                      steps_beyond_bound=step_progressions(beyond), steps_beyond_bound_count=int(beyond.size))
    fields["stability_note"] = stability_text(fields)
    return fields


def progression_text(first: int, last: int, stride: int) -> str:
    """``"3"``, ``"0–1"``, ``"every other step from 1 to 45"``, ``"every 3rd step from 2 to 20"``."""
    if first == last:
        return format_number(first)
    if stride == 1:
        return f"{format_number(first)}–{format_number(last)}"
    nth = "other" if stride == 2 else ordinal(stride)
    return f"every {nth} step from {format_number(first)} to {format_number(last)}"


def stability_text(fields: Mapping[str, Any]) -> str:
    """What a run's stability fields say, e.g. "beyond the local stability bound at 3 steps: 0–1, 3
    (max 2.37× at step 3)", "within the local stability bound at every step (max 0.648× at step 1)" or, where the
    ratio never changes, "(0.611× at every step)"."""
    if fields.get("stability_bound") is None:
        return NO_BOUND_NOTE
    if fields.get("steps_beyond_bound") is None:
        return "no stability ratio recorded"
    peak, low = fields["max_stability_ratio"], fields.get("min_stability_ratio")
    if peak is not None and low is not None and math.isclose(peak, low, rel_tol=1e-9):  # constant rate and curvature
        largest = f"{format_number(peak, RATIO_DIGITS)}× at every step"
    else:
        largest = f"max {format_number(peak, RATIO_DIGITS)}× at step {format_number(fields['max_stability_ratio_step'])}"
    pieces = [progression_text(*piece) for piece in fields["steps_beyond_bound"]]
    if not pieces:
        return f"within the local stability bound at every step ({largest})"
    if len(pieces) > SHOWN_PROGRESSIONS:
        pieces = [*pieces[: SHOWN_PROGRESSIONS - 1], "…", pieces[-1]]
    count = fields["steps_beyond_bound_count"]
    return f"beyond the local stability bound at {format_count(count, 'step')}: {', '.join(pieces)} ({largest})"


# --- runs and agreement ----------------------------------------------------------------------


def hyperparameters(spec: OptimizerSpec) -> dict[str, Any]:
    """Every hyperparameter of a run by its Keras name (lr, the momentum axis, the options)."""
    values: dict[str, Any] = {"lr": spec.lr}
    if spec.momentum_key:
        values[spec.momentum_key] = spec.momentum
    values.update(spec.options)
    return values


def run_record(
    experiment: Experiment,
    spec: OptimizerSpec,
    backend: str,
    problem: Problem,
    trajectory: Trajectory,
    seconds: float | None,
) -> dict[str, Any]:
    """The SPEC's record of one run (``spec`` with its tuned values resolved)."""
    optimum = problem.nearest_optimum(trajectory.final_params)
    distance = problem.distance_to_optimum(trajectory.final_params)
    return {
        "experiment": experiment.name,
        "label": experiment.label,
        "problem": experiment.problem,
        "problem_params": dict(experiment.params),
        "start": list(experiment.start),
        "optimizer": spec.name,
        "optimizer_label": spec.label,
        "method": spec.method,
        "backend": backend,
        "lr": spec.lr,
        "momentum": spec.momentum,
        "momentum_key": spec.momentum_key,
        "hyperparameters": hyperparameters(spec),
        "schedule": spec.schedule.as_dict(),
        "lr_chosen": spec.chosen or "configured",
        "steps": experiment.steps,
        "final_params": [json_number(v) for v in trajectory.final_params],
        "final_loss": json_number(trajectory.final_loss),
        "f_star": minimum_value(problem),
        "excess_loss": None if optimum is None else json_number(trajectory.final_loss - minimum_value(problem)),
        "optimum": None if optimum is None else [float(v) for v in optimum],
        "distance_to_optimum": None if distance is None else json_number(distance),
        "tolerance": experiment.tolerance,
        "settled_at": trajectory.settled_at(problem, experiment.tolerance),
        "diverged": trajectory.diverged,
        "diverged_at": trajectory.diverged_at,
        "seconds": None if seconds is None else round(float(seconds), 6),
        **stability_fields(spec.method, spec.momentum, trajectory.stability_ratio),
    }


def max_abs_difference(first: Trajectory, second: Trajectory) -> float | None:
    """max |Δθ| over the steps both trajectories recorded (None if either is empty)."""
    rows = min(len(first.params), len(second.params))
    if rows == 0:
        return None
    return json_number(np.max(np.abs(first.params[:rows] - second.params[:rows])))


def agreement_rows(experiment: Experiment, runs: Mapping[RunKey, Trajectory]) -> list[dict[str, Any]]:
    """numpy vs TensorFlow max |Δθ| for every optimizer that ran on both backends."""
    rows = []
    for spec in experiment.optimizers:
        numpy_run = runs.get(RunKey(spec.name, "numpy"))
        tensorflow_run = runs.get(RunKey(spec.name, "tensorflow"))
        if numpy_run is None or tensorflow_run is None:
            continue
        rows.append(
            {
                "experiment": experiment.name,
                "optimizer": spec.name,
                "max_abs_diff": max_abs_difference(numpy_run, tensorflow_run),
                "steps_compared": min(len(numpy_run.params), len(tensorflow_run.params)) - 1,
                "same_divergence": numpy_run.diverged_at == tensorflow_run.diverged_at,
            }
        )
    return rows


def experiment_summary(
    experiment: Experiment,
    problem: Problem,
    runs: Mapping[RunKey, Trajectory],
    seconds: Mapping[RunKey, float],
) -> dict[str, list[Any]]:
    """The ``runs`` and ``agreement`` rows of one (resolved) experiment."""
    records = [
        run_record(experiment, experiment.optimizer(run.optimizer), run.backend, problem, runs[run], seconds.get(run))
        for run in experiment.runs
    ]
    return {"runs": records, "agreement": agreement_rows(experiment, runs)}


def merge_sections(sections: Iterable[Section]) -> dict[str, list[Any]]:
    """Concatenate the lists of several partial summaries key by key, in order."""
    merged: dict[str, list[Any]] = {}
    for section in sections:
        for key, rows in section.items():
            merged.setdefault(key, []).extend(rows)
    return merged


# --- theory -----------------------------------------------------------------------


def theory_rows(experiment: str, checks: Sequence[RateCheck]) -> list[dict[str, Any]]:
    """The ``theory`` rows of one quadratic experiment: predicted and measured rates."""
    return [
        {
            "experiment": experiment,
            "method": check.method,
            "lr": check.lr,
            "momentum": check.momentum,
            "predicted_rate": check.predicted_rate,
            "measured_rate": check.measured_rate,
            "log_ratio_error": check.log_ratio_error,
            "prefactor_power": check.prefactor_power,
            "steps": check.steps,
            "fit_window": list(check.window) if check.window else None,
            "note": check.note,
            "path_steps": list(check.path_steps),
            "path": list(check.path),
        }
        for check in checks
    ]
