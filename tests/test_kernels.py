"""The loss kernel computes what Algorithm 1 defines, for any criterion."""

import numpy as np
import pytest
import torch
from torch import nn

from sklearn_lilaw import LiLAWClassifier, LiLAWRegressor
from sklearn_lilaw._engine._kernels import LossKernel
from sklearn_lilaw.weights import multiclass_scores, multiclass_weights


def _per_sample_ce(y_pred, y_true):
    return nn.functional.cross_entropy(y_pred, y_true, reduction="none")


def _batch(seed=0, n=32, k=4):
    torch.manual_seed(seed)  # the same network on every call
    gen = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, k)).double()
    X = torch.randn(n, 5, generator=gen, dtype=torch.float64)
    y = torch.randint(0, k, (n,), generator=gen)
    return net, X, y


@pytest.mark.parametrize("detach", [False, True])
@pytest.mark.parametrize("with_factor", [False, True])
def test_model_step_loss_is_the_mean_weighted_loss(detach, with_factor):
    kernel = LossKernel(_per_sample_ce, multiclass_scores)
    params = torch.tensor([9.0, 3.0, 7.0], dtype=torch.float64)
    factor = torch.rand(32, dtype=torch.float64) if with_factor else None
    net, X, y = _batch()
    loss, weights = kernel.weighted_loss(
        net(X), y, params, detach=detach, row_factor=factor
    )
    assert not weights.requires_grad
    grads = torch.autograd.grad(loss, list(net.parameters()))
    # The definition, written out: c * W * CE, W detached or not.
    logits = net(X)
    w = multiclass_weights(logits, y, *params)
    terms = (w.detach() if detach else w) * _per_sample_ce(logits, y)
    if with_factor:
        terms = terms * factor
    expected = torch.autograd.grad(terms.mean(), list(net.parameters()))
    assert loss.item() == pytest.approx(terms.mean().item(), rel=1e-12)
    np.testing.assert_allclose(weights, w.detach(), rtol=1e-12)
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-15)
    if not detach:  # the weights' own gradient reaches the model
        plain = torch.autograd.grad(
            (
                w.detach()
                * _per_sample_ce(net(X), y)
                * (1 if factor is None else factor)
            ).mean(),
            list(net.parameters()),
        )
        assert not torch.allclose(plain[0], grads[0])


def test_meta_gradient_is_autograd_of_the_meta_batch_loss():
    kernel = LossKernel(_per_sample_ce, multiclass_scores)
    net, X, y = _batch(1)
    with torch.no_grad():
        logits = net(X)
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)
    w = multiclass_weights(logits, y, *params)
    (expected,) = torch.autograd.grad((w * _per_sample_ce(logits, y)).mean(), params)
    got = kernel.meta_gradient(logits, y, params.detach())
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(
        kernel.weights(logits, y, params.detach()), w.detach(), rtol=1e-12
    )


class _Focal(nn.Module):
    """A per-sample criterion the closed form does not know."""

    def __init__(self, reduction="none"):
        super().__init__()

    def forward(self, logits, y):
        ce = nn.functional.cross_entropy(logits, y, reduction="none")
        return (1 - torch.exp(-ce)) ** 2 * ce


class _DoubleNet(nn.Module):
    """A float64 network behind float32 inputs (LiLAW's scalars are float32)."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs).double()

    def forward(self, X):
        return self.linear(X.double())


@pytest.mark.parametrize(
    "options",
    [
        {"synthetic_weight": 1.0},
        {"synthetic_weight": 0.5},
        {"synthetic_weight": "auto"},
        {"criterion": _Focal},
        {"detach_weights": True},
    ],
)
def test_float64_modules_train_on_every_path(options):
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4).astype(np.float32)
    y = np.arange(120) % 3
    origin = np.arange(120) % 4 == 0
    clf = LiLAWClassifier(
        module=_DoubleNet,
        max_epochs=3,
        batch_size=32,
        random_state=0,
        lilaw=True,
        **options,
    ).fit(X, y, sample_origin=origin)
    assert clf.lilaw_params_["alpha"] < 10.0
    assert np.isfinite(clf.predict_proba(X)).all()


def test_float64_regressor_trains():
    X = np.random.RandomState(0).randn(120, 4).astype(np.float32)
    reg = LiLAWRegressor(
        module=_DoubleNet, max_epochs=3, batch_size=32, random_state=0, lilaw=True
    ).fit(X, X @ np.array([1.0, -2.0, 0.5, 0.0]))
    assert reg.lilaw_params_["alpha"] != 10.0
    assert np.isfinite(reg.predict(X)).all()
