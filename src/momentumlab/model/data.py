"""Classification data sets for the model experiments, seeded, split and (optionally) standardized.

Synthetic 2-D sets come from scikit-learn's generators (``moons``, ``circles``, ``blobs``) or are
written here (``spirals``); ``iris``, ``wine``, ``breast_cancer`` and ``digits`` are scikit-learn's
bundled tables. Everything random is drawn from one ``numpy.random.default_rng(seed)``:
first the generator's ``random_state``, then the stratified train/test split (per class
round(test_fraction · n_c) test examples, at least one and at most n_c − 1).

Standardization uses the training statistics only: x ← (x − mean_train) / scale_train, with
scale = the training standard deviation, or 1 where it is 0 (constant pixels in ``digits``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from momentumlab.files import read_npz, write_npz

Array = np.ndarray

SYNTHETIC = ("moons", "circles", "blobs", "spirals")
BUNDLED = ("iris", "wine", "breast_cancer", "digits")
KINDS = SYNTHETIC + BUNDLED
# The parameters each synthetic kind takes, with their defaults; bundled sets take none.
SYNTHETIC_DEFAULTS: dict[str, dict[str, float]] = {
    "moons": {"n_points": 400, "noise": 0.2},
    "circles": {"n_points": 400, "noise": 0.1},
    "blobs": {"n_points": 400, "noise": 1.0, "classes": 3},
    "spirals": {"n_points": 400, "noise": 0.2, "classes": 3},
}


@dataclass(frozen=True)
class ClassificationData:
    """A split data set: features (n, d) float64, labels (n,) int in [0, n_classes)."""

    kind: str
    params: dict[str, Any]
    x_train: Array
    y_train: Array
    x_test: Array
    y_test: Array
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    mean: Array = field(repr=False)  # (d,): zeros when not standardized
    scale: Array = field(repr=False)  # (d,): ones when not standardized

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def make_moons(n_points: int, noise: float, state: int) -> tuple[Array, Array]:
    """scikit-learn's ``make_moons(n_points, noise=noise, random_state=state)`` bit for bit, without
    importing scikit-learn (about a CPU second a job): two half circles, shuffled and jittered by
    one ``RandomState(state)``."""
    generator = np.random.RandomState(state)
    outer, inner = n_points // 2, n_points - n_points // 2
    x = np.vstack([np.append(np.cos(np.linspace(0, np.pi, outer)), 1 - np.cos(np.linspace(0, np.pi, inner))),
                   np.append(np.sin(np.linspace(0, np.pi, outer)), 1 - np.sin(np.linspace(0, np.pi, inner)) - 0.5)]).T
    y = np.hstack([np.zeros(outer, dtype=np.intp), np.ones(inner, dtype=np.intp)])
    order = np.arange(n_points)
    generator.shuffle(order)
    x, y = x[order], y[order]
    return x + generator.normal(scale=noise, size=x.shape), y


def _raw(kind: str, params: Mapping[str, Any], state: int) -> tuple[Array, Array, list[str], list[str]]:
    """(x, y, class names, feature names) before splitting."""
    if kind == "moons":
        x, y = make_moons(int(params["n_points"]), float(params["noise"]), state)
        return x.astype(np.float64), y.astype(np.int64), ["class 0", "class 1"], ["x1", "x2"]
    from sklearn import datasets as sk

    if kind in BUNDLED:
        loader = {"iris": sk.load_iris, "wine": sk.load_wine, "breast_cancer": sk.load_breast_cancer,
                  "digits": sk.load_digits}[kind]
        bunch = loader()
        names = [str(name) for name in bunch.target_names]
        features = [str(name) for name in getattr(bunch, "feature_names", [])]
        return bunch.data.astype(np.float64), bunch.target.astype(np.int64), names, features
    n, noise = int(params["n_points"]), float(params["noise"])
    if kind == "circles":
        x, y = sk.make_circles(n_samples=n, noise=noise, factor=0.5, random_state=state)
    elif kind == "blobs":
        x, y = sk.make_blobs(n_samples=n, centers=int(params["classes"]), n_features=2, cluster_std=noise,
                             random_state=state)
    else:
        x, y = make_spirals(n, int(params["classes"]), noise, state)
    classes = int(y.max()) + 1
    return x.astype(np.float64), y.astype(np.int64), [f"class {k}" for k in range(classes)], ["x1", "x2"]


def make_spirals(n_points: int, classes: int, noise: float, seed: int) -> tuple[Array, Array]:
    """``classes`` interleaved arms: point t ∈ [0, 1) of arm k sits at radius t and angle
    2πk/classes + 4πt, plus Normal(0, noise·0.1) on each coordinate (noise is relative to the
    unit radius). Class sizes differ by at most one."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_points) % classes
    t = rng.uniform(0.05, 1.0, size=n_points)
    angle = 2 * np.pi * y / classes + 4 * np.pi * t
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    return x + rng.normal(0.0, 0.1 * noise, size=x.shape), y


def settings(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The kind's full parameters (defaults filled in); refuses unknown kinds and keys."""
    if kind not in KINDS:
        raise ValueError(f"unknown dataset {kind!r}; known: {list(KINDS)}")
    allowed = SYNTHETIC_DEFAULTS.get(kind, {})
    extra = sorted(set(params) - set(allowed))
    if extra:
        raise ValueError(f"dataset {kind!r} takes no {extra}; it takes {sorted(allowed) or 'no parameters'}")
    full = {**allowed, **params}
    if "n_points" in full and int(full["n_points"]) < 4:
        raise ValueError(f"n_points must be at least 4, got {full['n_points']}")
    if "classes" in full and int(full["classes"]) < 2:
        raise ValueError(f"classes must be at least 2, got {full['classes']}")
    if "noise" in full and not float(full["noise"]) >= 0:
        raise ValueError(f"noise must be >= 0, got {full['noise']}")
    return full


def make_classification(
    kind: str, seed: int, params: Mapping[str, Any] | None = None, test_fraction: float = 0.25,
    standardize: bool = True,
) -> ClassificationData:
    """The data set ``kind`` split into train/test with ``seed`` (stratified by class)."""
    full = settings(kind, dict(params or {}))
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    x, y, class_names, feature_names = _raw(kind, full, int(rng.integers(2**31 - 1)))
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        # Every class with two or more examples keeps at least one in each part.
        count = int(np.clip(round(test_fraction * len(members)), 1, len(members) - 1)) if len(members) > 1 else 0
        test[members[:count]] = True
    if test.all() or not test.any():
        raise ValueError(f"test_fraction {test_fraction} leaves an empty train or test set")
    train_index = rng.permutation(np.flatnonzero(~test))
    test_index = rng.permutation(np.flatnonzero(test))
    mean, scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
    if standardize:
        mean = x[train_index].mean(axis=0)
        std = x[train_index].std(axis=0)
        scale = np.where(std > 0, std, 1.0)
    x = (x - mean) / scale
    return ClassificationData(
        kind=kind, params={**full, "test_fraction": test_fraction, "standardize": bool(standardize), "seed": seed},
        x_train=x[train_index], y_train=y[train_index], x_test=x[test_index], y_test=y[test_index],
        class_names=tuple(class_names), feature_names=tuple(feature_names), mean=mean, scale=scale,
    )


def save_classification(path: str | Path, data: ClassificationData) -> None:
    """Write the data set and what it is (kind, parameters as JSON, names, mean/scale) to .npz."""
    write_npz(path, {
        "kind": np.array(data.kind), "params": np.array(json.dumps(data.params, sort_keys=True)),
        "x_train": data.x_train, "y_train": data.y_train, "x_test": data.x_test, "y_test": data.y_test,
        "class_names": np.array(data.class_names, dtype=str), "feature_names": np.array(data.feature_names, dtype=str),
        "mean": data.mean, "scale": data.scale,
    })


def load_classification(path: str | Path) -> ClassificationData:
    """Read what ``save_classification`` wrote."""
    arrays = read_npz(path)
    return ClassificationData(
        kind=str(arrays["kind"]), params=json.loads(str(arrays["params"])),
        x_train=arrays["x_train"], y_train=arrays["y_train"], x_test=arrays["x_test"], y_test=arrays["y_test"],
        class_names=tuple(str(name) for name in arrays["class_names"]),
        feature_names=tuple(str(name) for name in arrays["feature_names"]),
        mean=arrays["mean"], scale=arrays["scale"],
    )
