"""Shared fixtures: fixed seeds, small float32 data sets and fast settings."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification, make_regression

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor

# Scripts that tests launch in subprocesses (torchrun), not test modules:
# --doctest-modules would import them, and their optional imports with them.
collect_ignore = ["scripts"]


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same numpy and torch RNG state."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def fast():
    """Estimator settings that fit in a fraction of a second."""
    return dict(hidden_layer_sizes=(16,), max_epochs=3, lr=0.01, batch_size=64)


@pytest.fixture
def paper():
    """The paper's LiLAW: every row weighted by alpha, beta, delta, synthetic
    rows like real ones (the estimators' defaults are ``lilaw=False,
    synthetic_weight='auto'``)."""
    return dict(lilaw=True, synthetic_weight=1.0)


@pytest.fixture(scope="module")
def classification_data():
    """A 3-class problem (300 x 8) with a synthetic-row mask (40% synthetic)."""
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    is_synthetic = np.random.RandomState(0).rand(300) < 0.4
    return X.astype(np.float32), y, is_synthetic


def make_task(name, n_samples=200):
    """``(estimator class, X, y, is_synthetic)`` for one of the three tasks."""
    is_synthetic = np.random.RandomState(0).rand(n_samples) < 0.4
    if name == "regressor":
        X, y = make_regression(n_samples, 6, noise=5.0, random_state=0)
        return LiLAWRegressor, X, y, is_synthetic
    if name == "classifier":
        X, y = make_classification(
            n_samples, 6, n_informative=4, n_classes=3, random_state=0
        )
        return LiLAWClassifier, X, y, is_synthetic
    X, c = make_classification(
        n_samples, 6, n_informative=4, n_classes=4, random_state=0
    )
    Y = np.c_[c % 2 == 0, c > 1, c == 3].astype(int)
    return LiLAWMultiLabelClassifier, X, Y, is_synthetic


TASKS = ["classifier", "multilabel", "regressor"]


@pytest.fixture(params=TASKS)
def task(request):
    """Each of the three estimators with 200 rows of its kind of data."""
    return make_task(request.param)
