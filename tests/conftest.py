"""Shared fixtures: fixed seeds and small float32 data sets."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same numpy and torch RNG state."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(scope="module")
def classification_data():
    """A 3-class problem (300 x 8) with a synthetic-row mask."""
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    is_synthetic = np.random.RandomState(0).rand(300) < 0.4
    return X.astype(np.float32), y, is_synthetic
