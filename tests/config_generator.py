"""Random schema-valid configs at tiny sizes, and every pipeline stage run on one in-process.

``random_config(seed)`` draws one config from the whole space the schema admits —
every problem, method, backend and format, with edge values at the schema's bounds
(κ = 1, steps = 1, frames = 2, a start on a minimum, n_points at the maximum with few
steps, momentum near 1, the smallest and largest learning rates) — while keeping each
example under two CPU seconds on a quiet machine. ``tests/pipeline_stages.py`` runs the pipeline's
stages on it.
Every method with its Keras hyperparameters (``tuned`` included), both momentum forms and every
schedule kind are drawn. One config in three also has a model experiment (``random_model_experiment``):
every data set and model, both activations, full batch and minibatches up to larger than the
training set, L2 up to its bound, its own sweep.
"""

from __future__ import annotations

import copy
import random
from typing import Any, Callable

import numpy as np

from momentumlab.config import Config, parse_config
from momentumlab.optim import METHODS, MODEL_METHODS, REGISTRY

PROBLEMS = ("linear_regression", "rosenbrock", "quadratic", "beale", "himmelblau", "saddle")
SCHEDULES = ("none", "constant", "piecewise", "exponential", "cosine")
BACKENDS = ("numpy", "tensorflow")
FORMATS = ("gif", "mp4")
LEARNING_RATES = (1e-14, 1e-6, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 1e6)
MOMENTA = (0.0, 0.3, 0.9, 0.99, 0.999999)
# Values drawn for each hyperparameter of the registry, at the schema's bounds, in the order drawn
# (a hyperparameter missing here is left at its default).
HYPERPARAMETER_VALUES: dict[str, tuple] = {
    "epsilon": (1e-12, 1e-7, 1.0, 1e3), "weight_decay": (0.0, 0.004, 1e3), "initial_accumulator_value": (0.0, 0.1, 1e6),
    "rho": (0.0, 0.9, 0.999999), "centered": (False, True), "momentum": MOMENTA + ("tuned",),
    "beta_1": MOMENTA + ("tuned",), "beta_2": (0.0, 0.999, 0.999999),
}
DATASETS = ("moons", "circles", "blobs", "spirals", "iris", "wine", "breast_cancer", "digits")
MODELS = ("logistic_regression", "mlp")
ACTIVATIONS = ("tanh", "relu")
MINIMA = {"rosenbrock": lambda p: [p.get("a", 1.0), p.get("a", 1.0) ** 2], "quadratic": lambda p: [0.0, 0.0],
          "beale": lambda p: [3.0, 0.5], "himmelblau": lambda p: [3.0, 2.0], "saddle": lambda p: [0.0, 0.0]}


def _params(rng: random.Random, problem: str) -> dict[str, Any]:
    if problem == "linear_regression":
        params: dict[str, Any] = {"n_points": rng.choice([2, 3, 50, 1000, 1_000_000])}
        if rng.random() < 0.5:
            params.update(x_mean=rng.uniform(-1000, 1000), x_std=rng.choice([1e-3, 1.0, 5.0, 1000.0]),
                          slope=rng.uniform(-1000, 1000), noise=rng.choice([0.0, 1.0, 1000.0]))
        return params
    if problem == "rosenbrock":
        return {"a": rng.choice([-100.0, 0.0, 1.0, 2.5, 100.0]), "b": rng.choice([1e-6, 1.0, 100.0, 10000.0])}
    if problem == "quadratic":
        return {"kappa": rng.choice([1.0, 1.0 + 1e-9, 2.0, 100.0, 1e4, 1e6, 1e8, 1e12]), "angle": rng.uniform(-360, 360)}
    return {}


def _start(rng: random.Random, problem: str, params: dict[str, Any]) -> list[float] | None:
    roll = rng.random()
    if roll < 0.25 and problem in MINIMA:
        return [float(v) for v in MINIMA[problem](params)]  # on a minimum: distance exactly 0
    if roll < 0.35:
        return [rng.choice([-10000.0, 10000.0]), rng.uniform(-10000, 10000)]  # at the schema's bound
    if roll < 0.7:
        return [rng.uniform(-5, 5), rng.uniform(-5, 5)]
    return None  # the problem's default start


def _schedule(rng: random.Random) -> dict[str, Any] | None:
    """A schedule of every kind, with values at the schema's bounds."""
    kind = rng.choice(SCHEDULES)
    if kind == "none":
        return None
    if kind == "piecewise":
        boundaries = sorted(rng.sample([0, 1, 5, 100, 10_000_000], rng.randint(1, 3)))
        return {"kind": kind, "boundaries": boundaries,
                "values": [rng.choice([0.0, 0.1, 1.0, 1e6]) for _ in range(len(boundaries) + 1)]}
    if kind == "exponential":
        return {"kind": kind, "decay_steps": rng.choice([1, 10, 10_000_000]), "decay_rate": rng.choice([1e-6, 0.5, 1.0, 1e6])}
    if kind == "cosine":
        schedule: dict[str, Any] = {"kind": kind, "decay_steps": rng.choice([1, 7, 10_000_000])}
        if rng.random() < 0.5:
            schedule["alpha"] = rng.choice([0.0, 0.1, 1.0])
        if rng.random() < 0.5:
            schedule["warmup_steps"] = rng.choice([0, 1, 3, 10_000_000])
        return schedule
    return {"kind": "constant"}


def _hyperparameters(rng: random.Random, method: str) -> dict[str, Any]:
    """Keras hyperparameters of ``method`` (each present or left at its default), at the bounds."""
    takes = set(REGISTRY[method].defaults)
    choices = {key: values for key, values in HYPERPARAMETER_VALUES.items() if key in takes}
    return {key: rng.choice(values) for key, values in choices.items() if rng.random() < 0.4}


def _optimizers(rng: random.Random, count: int) -> dict[str, Any]:
    optimizers = {}
    for index in range(count):
        method = rng.choice(METHODS)
        entry: dict[str, Any] = {"method": method, "lr": rng.choice(LEARNING_RATES + ("tuned",))}
        spec = REGISTRY[method]
        if spec.family == "sgd":  # momentum is required where the method has one: no silent default
            if spec.momentum_key:
                entry[spec.momentum_key] = rng.choice(MOMENTA + ("tuned",))
            if "momentum_form" in spec.defaults and rng.random() < 0.4:
                entry["momentum_form"] = rng.choice(["keras", "pytorch"])
        else:
            entry.update(_hyperparameters(rng, method))
        schedule = _schedule(rng)
        if schedule is not None:
            entry["schedule"] = schedule
        if rng.random() < 0.2:
            entry["label"] = rng.choice(["Heavy ball", "<b>&amp; 'quoted'", "η = 0.1 · μ"])
        if method == "momentum" and index == 1 and "tuned" not in (entry["lr"], entry["momentum"]):
            entry["ghost"] = "effective_rate"  # GD at η/(1 − μ) beside it, drawn without moving the stream
        optimizers[f"{method}_{index}"] = entry
    return optimizers


def random_experiment(rng: random.Random, tensorflow: bool) -> dict[str, Any]:
    """One experiment entry; ``tensorflow`` adds the TensorFlow backend (with fewer runs)."""
    problem = rng.choice(PROBLEMS)
    params = _params(rng, problem)
    big_data = params.get("n_points", 0) >= 1000
    experiment: dict[str, Any] = {
        "problem": problem,
        "steps": rng.choice([1, 2, 5] if big_data else [1, 2, 17, 150, 400]),
        "optimizers": _optimizers(rng, 1 if tensorflow else rng.randint(1, 2)),  # TF: an animation per backend
        "backends": rng.choice([["numpy", "tensorflow"], ["tensorflow"]]) if tensorflow else ["numpy"],
    }
    if params:
        experiment["params"] = params
    start = _start(rng, problem, params)
    if start is not None:
        experiment["start"] = start
    if problem != "saddle" and rng.random() < 0.3:
        experiment["tolerance"] = rng.choice([1e-12, 1e-3, 10.0, 1e6])
    if rng.random() < 0.3:
        experiment["label"] = rng.choice(["A <i>label</i>", "κ & μ", "x" * 60])
    sweep: dict[str, Any] = {"enabled": rng.random() < 0.7, "method": rng.choice(METHODS)}
    if rng.random() < 0.5:
        sweep.update(lr_points=rng.randint(2, 4), momentum_points=rng.randint(2, 3),
                     momentum_max=rng.choice([1e-9, 0.5, 0.999999]), chunks=rng.randint(1, 3))
    experiment["sweep"] = sweep
    return experiment


def random_quadratic_sweep(rng: random.Random, method: str) -> dict[str, Any]:
    """A quadratic experiment with a ``method`` sweep (heavy ball or Nesterov) drawn for divergence checks:
    κ up to 10⁴, any angle, a start anywhere in the window (off the minimum), an η range that spans the
    stability bound, μ up to near 1, and from a handful to a thousand steps."""
    kappa = 10 ** rng.uniform(0.0, 4.0)
    lr_min = 10 ** rng.uniform(-5.0, -1.0) / kappa
    return {
        "problem": "quadratic",
        "params": {"kappa": kappa, "angle": rng.uniform(-180.0, 180.0)},
        "start": [rng.uniform(-5.0, 5.0), rng.uniform(-5.0, 5.0)],
        "steps": 10,
        "backends": ["numpy"],
        "optimizers": {method: {"method": method, "lr": 1e-3, "momentum": 0.5}},
        "sweep": {"method": method, "lr_min": lr_min, "lr_max": 10 ** rng.uniform(0.5, 1.5) / kappa,
                  "lr_points": rng.randint(6, 14), "momentum_points": rng.randint(4, 10),
                  "momentum_max": rng.choice([0.3, 0.9, 0.99, 0.999]), "steps": rng.choice([3, 17, 100, 1000])},
    }


def random_model_experiment(rng: random.Random, tensorflow: bool, kind: str) -> dict[str, Any]:
    """One model experiment entry on data set ``kind`` at a tiny size, edge values included (some
    are refused: a batch larger than the training set, a split that leaves a class without test examples)."""
    dataset: dict[str, Any] = {"kind": kind, "test_fraction": rng.choice([0.01, 0.25, 0.5, 0.99]),
                               "standardize": rng.random() < 0.7}
    if kind in ("moons", "circles", "blobs", "spirals"):
        dataset.update(n_points=rng.choice([4, 7, 60]), noise=rng.choice([0.0, 0.2, 100.0]))
        if kind in ("blobs", "spirals"):
            dataset["classes"] = rng.choice([2, 3, 5])
    model = rng.choice(MODELS)
    params: dict[str, Any] = {"l2": rng.choice([0.0, 1e-3, 1e6])}
    if model == "mlp":
        params.update(hidden=rng.choice([[1], [3, 2], [8]]), activation=rng.choice(ACTIVATIONS))
    optimizers = {}
    for k in range(1 if tensorflow else rng.randint(1, 2)):
        method = rng.choice(MODEL_METHODS)
        optimizer: dict[str, Any] = {"method": method, "lr": rng.choice([1e-14, 1e-3, 0.5, 1e6])}
        if method != "sgd":
            optimizer["momentum"] = rng.choice([0.0, 0.9, 0.999999])
        optimizers[f"o{k}"] = optimizer
    entry: dict[str, Any] = {"problem": model, "dataset": dataset, "params": params, "steps": rng.choice([1, 7, 30]),
                             "backends": ["numpy", "tensorflow"] if tensorflow else ["numpy"], "optimizers": optimizers}
    entry["seeds"] = 1 + (entry["steps"] + len(optimizers)) % 3  # paired seeds, drawn without moving the stream
    entry["sharpness"] = entry["seeds"] == 2  # the Hessian's top eigenvalue at the records, also without moving it
    if rng.random() < 0.5:
        entry["batch_size"] = rng.choice([1, 3, 10_000])
    if rng.random() < 0.3:
        entry["record_every"] = rng.choice([1, 5, 1000])
    # TensorFlow's three spot checks would each compile a loop: no sweep beside a TensorFlow run
    entry["sweep"] = {"enabled": not tensorflow and rng.random() < 0.6, "method": rng.choice(MODEL_METHODS),
                      "lr_points": 2, "momentum_points": rng.choice([2, 3]), "steps": rng.choice([1, 5])}
    return entry


def random_config(seed: int) -> dict[str, Any]:
    """A schema-valid config drawn from ``seed``: one tiny experiment, and one config in three a
    tiny model experiment beside it."""
    rng = random.Random(seed)
    tensorflow = seed % 6 == 1  # TensorFlow's compile per run is the costliest stage: one example in six
    experiments = {"e0": random_experiment(rng, tensorflow)}  # several experiments: tests/test_workflow.py
    if seed % 3 == 2:
        # the data sets in turn, so every one is drawn within 24 seeds
        experiments["m0"] = random_model_experiment(rng, seed % 12 == 5, DATASETS[seed // 3 % len(DATASETS)])
    formats = rng.choice([["gif"], ["mp4"], ["gif", "mp4"]])
    config = {
        "title": rng.choice(["Property run", "<script>alert(1)</script>"]),
        "seed": rng.randint(0, 2**31),
        "experiments": experiments,
        "animation": {"width": rng.choice([160, 320]), "height": rng.choice([120, 180]), "fps": rng.choice([1, 12, 60]),
                      "frames": rng.choice([2, 3, 5]), "hold_seconds": rng.choice([0.0, 0.5]), "formats": formats},
        "sweep": {"lr_points": 2, "momentum_points": 2, "steps": rng.choice([1, 3, 40])},
        "slides": {"enabled": rng.random() < 0.5},
        "report_single_file": rng.random() < 0.3,
    }
    # drawn last, so the draws above (and the configs of earlier seeds) stay as they were
    config["animation"].update(spacing=rng.choice(["log", "linear"]), show_twins=rng.random() < 0.3,
                               arrows=rng.random() < 0.7)
    return config


def numpy_only(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with every experiment on the numpy backend alone."""
    raw = copy.deepcopy(raw)
    for entry in raw["experiments"].values():
        entry["backends"] = ["numpy"]
    return raw


def scaled(raw: dict[str, Any], factor: int) -> dict[str, Any]:
    """``raw`` with its work grown ``factor``-fold where the schema allows: every experiment's steps,
    sweep points and steps, and data points (regression and synthetic model data sets)."""
    raw = copy.deepcopy(raw)

    def grow(mapping: dict[str, Any], key: str, default: int, most: int) -> None:
        mapping[key] = int(min(most, max(1, mapping.get(key, default)) * factor))

    for entry in raw["experiments"].values():
        grow(entry, "steps", 1000 if entry["problem"] in ("mlp", "logistic_regression") else 1, 10_000_000)
        sweep = entry.setdefault("sweep", {})
        for key in ("lr_points", "momentum_points"):
            grow(sweep, key, raw.get("sweep", {}).get(key, 24 if key == "lr_points" else 20), 4096)
        if "steps" in sweep:
            grow(sweep, "steps", 1, 10_000_000)
        if "n_points" in entry.get("params", {}):
            grow(entry["params"], "n_points", 50, 1_000_000)
        if "n_points" in entry.get("dataset", {}):
            grow(entry["dataset"], "n_points", 200, 1_000_000)
    grow(raw.setdefault("sweep", {}), "steps", 2000, 10_000_000)
    return raw


def scaled_to_budget(raw: dict[str, Any], fits: Callable[[dict[str, Any]], bool], rounds: int = 12) -> dict[str, Any] | None:
    """``raw`` doubled (``scaled``) as long as ``fits`` still accepts it: the largest such config, near the
    edge of what ``fits`` allows; None when ``raw`` itself does not fit."""
    if not fits(raw):
        return None
    for _ in range(rounds):
        bigger = scaled(raw, 2)
        if bigger == raw or not fits(bigger):
            break
        raw = bigger
    return raw


def unflagged_non_finite(summary: dict[str, Any]) -> list[str]:
    """Report numbers that are NaN or infinite although their run is not marked diverged."""
    found = []
    for run in summary.get("runs", []):
        if run["diverged"]:
            continue
        for key, value in run.items():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, float) and not np.isfinite(v) for v in values):
                found.append(f"{run['experiment']}/{run['optimizer']}/{run['backend']}: {key} = {value}")
    for section in ("agreement", "sweeps", "theory"):
        for row in summary.get(section, []):
            for key, value in row.items():
                if isinstance(value, float) and not np.isfinite(value):
                    found.append(f"{section}/{row.get('experiment')}: {key} = {value}")
    return found


def parse_or_refusal(raw: dict[str, Any]) -> tuple[Config | None, str | None]:
    """The typed config, or the one-line refusal the workflow would print."""
    from momentumlab.config import ConfigError

    try:
        return parse_config(raw), None
    except ConfigError as error:
        return None, str(error)
