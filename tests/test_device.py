"""The device parameter: CPU here, CUDA where the machine has it."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_lilaw import LiLAWClassifier

FAST = dict(hidden_layer_sizes=(16,), max_epochs=3, lr=0.01, batch_size=64)
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def test_auto_is_kept_as_a_parameter_and_resolved_for_training(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, device="auto", random_state=0)
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
def test_cuda_without_cuda_is_a_clear_error(classification_data):
    X, y, _ = classification_data
    with pytest.raises(ValueError, match="device='cuda' asks for CUDA"):
        LiLAWClassifier(**FAST, device="cuda").fit(X, y)


@pytest.mark.gpu
@needs_cuda
def test_training_on_cuda(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, device="cuda", random_state=0)
    clf.fit(X, y, sample_origin=is_synthetic)
    assert next(clf.module_.parameters()).is_cuda
    assert clf.criterion_ is not None and clf.lilaw_scalars_.is_cuda
    proba = clf.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == (300, 3)
    assert isinstance(clf.predict(X), np.ndarray)
    assert clf.lilaw_params_["alpha"] < 10.0
    # A CUDA-trained estimator unpickles and predicts the same.
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), proba, atol=1e-6)
    # The same seed gives the same model on CPU up to float round-off.
    cpu = LiLAWClassifier(**FAST, device="cpu", random_state=0)
    cpu.fit(X, y, sample_origin=is_synthetic)
    np.testing.assert_array_equal(cpu.meta_indices_, clf.meta_indices_)


class _EagerOnCuda(LiLAWClassifier):
    """The same estimator with CUDA graphs turned off."""

    def _graphs_allowed(self):
        return False


@pytest.mark.gpu
@needs_cuda
@pytest.mark.parametrize("detach", [False, True])
def test_cuda_graphs_train_the_same_model_as_eager_steps(classification_data, detach):
    X, y, is_synthetic = classification_data
    # meta_lr large enough that a missing or wrong meta update shows
    params = dict(
        FAST, device="cuda", random_state=0, detach_weights=detach, meta_lr=0.5
    )
    graphed = LiLAWClassifier(**params).fit(X, y)
    eager = _EagerOnCuda(**params).fit(X, y)
    assert graphed._graphs_allowed() and not eager._graphs_allowed()
    for name in ("alpha", "beta", "delta"):
        np.testing.assert_allclose(
            graphed.history[:, name], eager.history[:, name], rtol=1e-5
        )
    np.testing.assert_allclose(
        graphed.history[:, "weight_real"], eager.history[:, "weight_real"], rtol=1e-5
    )
    np.testing.assert_allclose(
        graphed.predict_proba(X), eager.predict_proba(X), atol=1e-5
    )


@pytest.mark.gpu
@needs_cuda
def test_graphed_function_replays_one_graph_per_signature():
    from sklearn_lilaw._cuda_graphs import GraphedFunction

    graphed = GraphedFunction(lambda a, b: (a * b + 1, a.sum()))
    for n in (5, 5, 3, 5):
        a = torch.randn(n, device="cuda")
        b = torch.randn(n, device="cuda")
        out, total = graphed(a, b)
        torch.testing.assert_close(out, a * b + 1)
        torch.testing.assert_close(total, a.sum())
    assert len(graphed._graphs) == 2  # one graph per input shape

    cpu = GraphedFunction(lambda a: a + 1)
    torch.testing.assert_close(cpu(torch.zeros(2)), torch.ones(2))
    assert not cpu._graphs
