"""The device parameter: CPU here, CUDA where the machine has it."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_lilaw import LiLAWClassifier

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def test_auto_is_kept_as_a_parameter_and_resolved_for_training(
    classification_data, fast
):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**fast, device="auto", random_state=0)
    assert clf.get_params()["device"] == "auto"
    assert clone(clf).get_params()["device"] == "auto"
    clf.fit(X, y, sample_origin=is_synthetic)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.device == expected
    assert next(clf.module_.parameters()).device.type == expected
    restored = pickle.loads(pickle.dumps(clf))
    assert restored.get_params()["device"] == "auto"
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present")
def test_cuda_without_cuda_is_a_clear_error(classification_data, fast):
    X, y, _ = classification_data
    with pytest.raises(ValueError, match="device='cuda' asks for CUDA"):
        LiLAWClassifier(**fast, device="cuda").fit(X, y)


@pytest.mark.gpu
@needs_cuda
def test_training_on_cuda(classification_data, fast):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**fast, device="cuda", random_state=0)
    clf.fit(X, y, sample_origin=is_synthetic)
    assert next(clf.module_.parameters()).is_cuda
    assert clf.criterion_ is not None and clf.lilaw_state_.scalars.is_cuda
    proba = clf.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == (300, 3)
    assert isinstance(clf.predict(X), np.ndarray)
    assert clf.lilaw_params_["alpha"] < 10.0
    # A CUDA-trained estimator unpickles and predicts the same.
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), proba, atol=1e-6)
    # The same seed gives the same model on CPU up to float round-off.
    cpu = LiLAWClassifier(**fast, device="cpu", random_state=0)
    cpu.fit(X, y, sample_origin=is_synthetic)
    np.testing.assert_array_equal(cpu.meta_indices_, clf.meta_indices_)
