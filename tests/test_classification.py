"""Classification data sets: seeded, stratified, standardized with training statistics, self-describing."""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab.model.data import KINDS, load_classification, make_classification, save_classification


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_seeded_split_and_standardized(kind):
    data = make_classification(kind, seed=3, test_fraction=0.25)
    again = make_classification(kind, seed=3, test_fraction=0.25)
    np.testing.assert_array_equal(data.x_train, again.x_train)
    np.testing.assert_array_equal(data.y_test, again.y_test)
    n = len(data.y_train) + len(data.y_test)
    assert abs(len(data.y_test) / n - 0.25) < 0.02
    assert set(np.unique(data.y_train)) == set(range(data.n_classes)) == set(np.unique(data.y_test))
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-12)
    std = data.x_train.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-12) | (std == 0))  # digits has constant pixels (scale 1)
    assert data.x_train.dtype == np.float64 and data.y_train.dtype == np.int64


def test_synthetic_parameters_reach_the_generator():
    blobs = make_classification("blobs", seed=0, params={"n_points": 90, "classes": 4, "noise": 0.5})
    assert blobs.n_classes == 4 and len(blobs.y_train) + len(blobs.y_test) == 90
    spirals = make_classification("spirals", seed=0, params={"n_points": 200, "classes": 5})
    assert spirals.n_classes == 5
    other = make_classification("moons", seed=1)
    assert not np.array_equal(other.x_train[:5], make_classification("moons", seed=0).x_train[:5])


def test_without_standardize_the_features_are_raw():
    data = make_classification("wine", seed=0, standardize=False)
    np.testing.assert_array_equal(data.mean, 0.0)
    assert data.x_train.max() > 100  # proline is in the hundreds


def test_the_file_records_what_it_is(tmp_path):
    data = make_classification("iris", seed=2, test_fraction=0.3)
    save_classification(tmp_path / "iris.npz", data)
    loaded = load_classification(tmp_path / "iris.npz")
    assert loaded.kind == "iris" and loaded.params == {"test_fraction": 0.3, "standardize": True, "seed": 2}
    assert loaded.class_names == ("setosa", "versicolor", "virginica")
    assert loaded.feature_names[0] == "sepal length (cm)"
    np.testing.assert_array_equal(loaded.mean, data.mean)
    np.testing.assert_array_equal(loaded.x_test, data.x_test)


@pytest.mark.parametrize("kind, params, fraction, message", [
    ("mnist", {}, 0.25, "unknown dataset"),
    ("moons", {}, 0.0, "test_fraction"),
    ("moons", {}, 1.0, "test_fraction"),
    ("moons", {"classes": 3}, 0.25, "takes no"),
    ("iris", {"n_points": 10}, 0.25, "takes no"),
    ("blobs", {"classes": 1}, 0.25, "classes"),
])
def test_bad_input_is_refused(kind, params, fraction, message):
    with pytest.raises(ValueError, match=message):
        make_classification(kind, seed=0, params=params, test_fraction=fraction)


def test_every_class_lands_in_both_parts_even_at_extreme_fractions():
    for fraction in (0.01, 0.99):
        data = make_classification("spirals", seed=0, params={"n_points": 12, "classes": 3}, test_fraction=fraction)
        assert set(data.y_train) == set(data.y_test) == {0, 1, 2}
