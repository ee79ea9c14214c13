"""Tests of the shipped ECG5000 data set."""

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_lilaw.datasets import load_ecg5000

TRAIN_COUNTS = [292, 177, 10, 19, 2]  # UCR ECG5000 train, labels 1..5
TEST_COUNTS = [2627, 1590, 86, 175, 22]


@pytest.mark.parametrize(
    "split, n_rows, counts",
    [("train", 500, TRAIN_COUNTS), ("test", 4500, TEST_COUNTS)],
)
def test_shapes_dtypes_and_class_counts(split, n_rows, counts):
    X, y = load_ecg5000(split, return_X_y=True)
    assert X.shape == (n_rows, 140)
    assert X.dtype == np.float32
    assert y.shape == (n_rows,)
    assert y.dtype == np.int64
    assert y.min() == 0 and y.max() == 4
    assert np.bincount(y).tolist() == counts
    assert np.isfinite(X).all()


@pytest.mark.parametrize("split", ["train", "test"])
def test_rows_are_z_normalised(split):
    X, _ = load_ecg5000(split, return_X_y=True)
    np.testing.assert_allclose(X.mean(axis=1), 0, atol=1e-5)
    # The UCR files normalise with the sample standard deviation (ddof=1).
    np.testing.assert_allclose(X.std(axis=1, ddof=1), 1, atol=1e-4)


def test_first_training_row_matches_ucr_file():
    # Label 1 and the first values of row 0 of ECG5000_TRAIN.tsv.
    X, y = load_ecg5000(return_X_y=True)
    assert y[0] == 0
    np.testing.assert_allclose(
        X[0, :4], [-0.11252183, -2.8272038, -3.7738969, -4.3497511], rtol=1e-6
    )


def test_default_is_train_bunch():
    bunch = load_ecg5000()
    assert isinstance(bunch, Bunch)
    assert set(bunch) == {"data", "target", "target_names", "DESCR"}
    assert bunch.data.shape == (500, 140)
    assert list(bunch.target_names) == ["Normal", "R-on-T PVC", "PVC", "SP or EB", "UB"]
    assert "Dau" in bunch.DESCR and "Goldberger" in bunch.DESCR
    X, y = load_ecg5000("train", return_X_y=True)
    np.testing.assert_array_equal(bunch.data, X)
    np.testing.assert_array_equal(bunch.target, y)


def test_each_call_returns_new_arrays():
    first = load_ecg5000()
    first.data[:] = 0
    first.target[:] = 0
    first.target_names[0] = "changed"
    second = load_ecg5000()
    assert np.abs(second.data).sum() > 0
    assert np.bincount(second.target).tolist() == TRAIN_COUNTS
    assert second.target_names[0] == "Normal"


def test_splits_differ():
    X_train, _ = load_ecg5000("train", return_X_y=True)
    X_test, _ = load_ecg5000("test", return_X_y=True)
    assert not np.array_equal(X_train, X_test[:500])


@pytest.mark.parametrize("split", ["valid", "TRAIN", "", None, 0, ["train"]])
def test_bad_split_raises(split):
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_ecg5000(split)
