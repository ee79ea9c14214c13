"""The speed-ups agree with the plain definitions they replace.

The closed-form softmax path, the fused optimizer, the skipped train/eval
switches and the block-gathered batches change how a fit is computed, never
what it computes.
"""

import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from torch import nn

from sklearn_lilaw import MLP, LiLAWClassifier, LiLAWDataset, StackedLSTM, _data
from sklearn_lilaw._data import TensorBatchIterator
from sklearn_lilaw._optim import make_optimizer
from sklearn_lilaw._softmax_lilaw import softmax_meta_gradient, softmax_weighted_loss
from sklearn_lilaw._train_mode import is_mode_independent
from sklearn_lilaw.weights import meta_gradient, multiclass_scores, multiclass_weights


def _logits_and_labels(seed, n=40, k=5):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, k, generator=gen, dtype=torch.float64) * 2
    y = torch.randint(0, k, (n,), generator=gen)
    y[:5] = logits.argmax(1)[:5]  # some observed labels are the top class
    return logits, y


@pytest.mark.parametrize("detach", [False, True])
def test_mean_weighted_loss_matches_autograd_of_the_definition(detach):
    logits, y = _logits_and_labels(0)
    logits.requires_grad_()
    params = torch.tensor([9.0, 3.0, 7.0], dtype=torch.float64)
    weights = multiclass_weights(logits, y, *params)
    ce = nn.functional.cross_entropy(logits, y, reduction="none")
    expected = ((weights.detach() if detach else weights) * ce).mean()
    loss, got_weights = softmax_weighted_loss(
        logits, y, params, detach_weights=detach, mean=True
    )
    assert loss.ndim == 0
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(got_weights, weights.detach(), rtol=1e-12)
    (want,) = torch.autograd.grad(expected * 3.0, logits)
    (have,) = torch.autograd.grad(loss * 3.0, logits)
    np.testing.assert_allclose(have, want, rtol=1e-10, atol=1e-13)


def test_weighted_loss_takes_integer_labels_of_any_dtype():
    logits, y = _logits_and_labels(1)
    loss, _ = softmax_weighted_loss(logits, y, torch.tensor([10.0, 2.0, 6.0]).double())
    loss32, _ = softmax_weighted_loss(
        logits, y.to(torch.int32), torch.tensor([10.0, 2.0, 6.0]).double()
    )
    np.testing.assert_array_equal(loss, loss32)


@pytest.mark.parametrize(
    "params", [(10.0, 2.0, 6.0), (1.0, 4.0, 4.0), (30.0, 9.0, 12.0)]
)
def test_meta_gradient_fast_path_matches_general_and_autograd(params):
    logits, y = _logits_and_labels(2)
    params = torch.tensor(params, dtype=torch.float64)
    score, reference = multiclass_scores(logits, y)
    losses = nn.functional.cross_entropy(logits, y, reduction="none")
    general = meta_gradient(score, reference, losses, params)
    fast = softmax_meta_gradient(logits, y, params)
    p = params.clone().requires_grad_()
    (auto,) = torch.autograd.grad(
        (multiclass_weights(logits, y, *p) * losses).mean(), p
    )
    np.testing.assert_allclose(fast, general, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(fast, auto, rtol=1e-10, atol=1e-15)
    # Signs from the paper's derivation: alpha only decreases, beta only grows.
    assert fast[0] >= 0 and fast[1] <= 0


def test_mode_independence_is_recognised_conservatively():
    class Custom(nn.Module):  # may read self.training: never assumed mode-free
        def forward(self, X):
            return X

    assert is_mode_independent(MLP(4, 3, (8, 8)), nn.CrossEntropyLoss())
    assert is_mode_independent(StackedLSTM(n_outputs=3, hidden_size=4))
    assert is_mode_independent(nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.0)))
    assert not is_mode_independent(MLP(4, 3, (8,), dropout=0.5))
    assert not is_mode_independent(StackedLSTM(n_outputs=3, dropout=0.2))
    assert not is_mode_independent(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    assert not is_mode_independent(nn.Sequential(nn.Linear(2, 2), Custom()))


class _RecordsMode(nn.Module):
    """Identity-like net that records the mode of each forward call."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs)
        self.dropout = nn.Dropout(0.5)
        self.modes = []

    def forward(self, X):
        self.modes.append(self.training)
        return self.linear(self.dropout(X))


def test_meta_forward_still_runs_in_eval_mode_for_mode_dependent_modules():
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4).astype(np.float32)
    y = np.arange(120) % 3
    clf = LiLAWClassifier(
        module=_RecordsMode, batch_size=40, max_epochs=2, meta_size=0.3, random_state=0
    ).fit(X, y)
    modes = clf.module_.modes
    # epoch 2: each training batch (train mode) is followed by a meta batch
    # (eval mode); the end-of-epoch meta loss is also computed in eval mode.
    assert True in modes and False in modes
    n_batches = 3  # 84 training rows in batches of 40
    epoch2 = modes[-(2 * n_batches + 1) :]
    assert epoch2[:-1:2] == [True] * n_batches
    assert epoch2[1::2] == [False] * n_batches


def test_default_adam_is_fused_unless_an_implementation_is_chosen():
    params = [nn.Parameter(torch.zeros(3))]
    fused = make_optimizer(torch.optim.Adam, params, {"lr": 0.1})
    assert fused.defaults["fused"] is True
    chosen = make_optimizer(torch.optim.Adam, params, {"lr": 0.1, "foreach": False})
    assert not chosen.defaults["fused"]
    sgd = make_optimizer(torch.optim.SGD, params, {"lr": 0.1})
    assert not sgd.defaults.get("fused")
    half = [nn.Parameter(torch.zeros(3, dtype=torch.float16))]  # left to torch
    assert not make_optimizer(torch.optim.Adam, half, {"lr": 0.1}).defaults["fused"]


def test_fused_adam_takes_the_same_steps_as_torch_default():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    common = dict(max_epochs=3, batch_size=32, random_state=0, lilaw=False)
    fused = LiLAWClassifier(**common).fit(X, y)
    plain = LiLAWClassifier(**common, optimizer__foreach=False).fit(X, y)
    assert fused.optimizer_.defaults["fused"] and not plain.optimizer_.defaults["fused"]
    for a, b in zip(fused.module_.parameters(), plain.module_.parameters()):
        np.testing.assert_allclose(a.detach(), b.detach(), rtol=1e-4, atol=1e-6)


def test_block_gathered_batches_equal_per_batch_gathering(monkeypatch):
    X = torch.arange(100.0).reshape(50, 2)
    y = torch.arange(50)
    origin = torch.arange(50) % 3 == 0
    data = torch.utils.data.Subset(LiLAWDataset(X, y, origin), torch.arange(3, 50))
    # Blocks of 2 batches (the row is 2 floats, an int and a bool: 17 bytes).
    monkeypatch.setattr(_data, "_BLOCK_BYTES", 2 * 4 * 17)
    torch.manual_seed(0)
    batches = list(TensorBatchIterator(data, batch_size=4, shuffle=True))
    torch.manual_seed(0)
    order = torch.arange(3, 50)[torch.randperm(47)]
    assert len(batches) == 12
    for i, (Xb, yb) in enumerate(batches):
        rows = order[4 * i : 4 * i + 4]
        assert yb.tolist() == rows.tolist()
        assert Xb["X"].tolist() == X[rows].tolist()
        assert Xb["sample_origin"].tolist() == origin[rows].tolist()
    dropped = list(
        TensorBatchIterator(data, batch_size=4, shuffle=True, drop_last=True)
    )
    assert [len(b[1]) for b in dropped] == [4] * 11


@pytest.mark.parametrize("params", [(10.0, 2.0, 6.0), (1.0, 4.0, 4.0)])
def test_meta_update_is_one_clamped_gradient_step(params):
    from sklearn_lilaw._softmax_lilaw import softmax_weights

    logits, y = _logits_and_labels(3)
    params = torch.tensor(params, dtype=torch.float64)
    before = params.clone()
    lr, wd = 0.5, 0.01  # large, so that the clamps act
    grad = softmax_meta_gradient(logits, y, params)
    expected = params - lr * (grad + wd * params)
    expected[0] = expected[0].clamp(min=1.0)
    expected[2] = torch.maximum(expected[2], expected[1])
    # The estimator's meta update (its closed-form route for the default loss).
    clf = LiLAWClassifier(meta_lr=lr, meta_weight_decay=wd)
    clf._initialize_criterion()  # CrossEntropyLoss(reduction="none")
    got = clf._updated_scalars(logits, y, params)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    np.testing.assert_array_equal(params, before)  # pure: params untouched
    np.testing.assert_allclose(
        softmax_weights(logits, y, params),
        multiclass_weights(logits, y, *params),
        rtol=1e-12,
    )


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("detach", [False, True])
@pytest.mark.parametrize("k", [2, 5])
def test_numpy_twins_match_the_torch_steps(dtype, detach, k):
    from sklearn_lilaw import _softmax_lilaw as t
    from sklearn_lilaw import _softmax_numpy as n

    meta_logits, meta_y = _logits_and_labels(7, n=16, k=k)
    logits, y = _logits_and_labels(8, n=24, k=k)
    meta_logits, logits = meta_logits.to(dtype), logits.to(dtype)
    params = torch.tensor([10.0, 2.0, 6.0], dtype=dtype)
    rtol = 1e-10 if dtype == torch.float64 else 2e-5
    pairs = [
        (
            n.numpy_weighted_loss_terms,
            t.softmax_weighted_loss_terms,
            (logits, y, params),
            dict(detach_weights=detach, mean=False),
        ),
        (
            n.numpy_meta_gradient,
            t.softmax_meta_gradient,
            (meta_logits, meta_y, params),
            {},
        ),
        (n.numpy_weights, t.softmax_weights, (logits, y, params), {}),
    ]
    for twin, reference, args, options in pairs:
        got, want = twin(*args, **options), reference(*args, **options)
        for a, b in zip(
            got if isinstance(got, tuple) else (got,),
            want if isinstance(want, tuple) else (want,),
        ):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-2)


def test_numpy_is_used_only_for_small_float_cpu_batches():
    from sklearn_lilaw._softmax_numpy import cpu_fast, numpy_supported

    assert numpy_supported(torch.zeros(256, 5))
    assert numpy_supported(torch.zeros(256, 5, dtype=torch.float64))
    assert not numpy_supported(torch.zeros(256, 5, dtype=torch.bfloat16))
    assert not numpy_supported(torch.zeros(4096, 1000))  # torch's threads win
    choose = cpu_fast(lambda x: "torch", lambda x: "numpy")
    assert choose(torch.zeros(3, 2)) == "numpy"
    assert choose(torch.zeros(3, 2, dtype=torch.float16)) == "torch"
    both = cpu_fast(lambda a, b: "torch", lambda a, b: "numpy")
    assert both(torch.zeros(3, 2), torch.zeros(3, 2)) == "numpy"
    assert both(torch.zeros(3, 2), torch.zeros(40000, 2)) == "torch"


class _PickleEachEpoch(Callback):
    """Pickles the net at the end of every epoch, as a checkpoint would."""

    def initialize(self):
        self.pickles = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.pickles.append(pickle.dumps(net))


def test_a_net_pickled_during_fit_leaves_the_fit_state_out():
    rng = np.random.RandomState(0)
    X = rng.randn(150, 4).astype(np.float32)
    y = np.arange(150) % 3
    clf = LiLAWClassifier(
        max_epochs=3, batch_size=32, random_state=0, callbacks=[_PickleEachEpoch()]
    ).fit(X, y)
    pickles = dict(clf.callbacks_)["_PickleEachEpoch"].pickles
    assert len(pickles) == 3
    restored = pickle.loads(pickles[-1])
    assert "_fit_state" not in vars(restored)
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))


class _DoubleNet(nn.Module):
    """A float64 network behind float32 inputs (LiLAW's scalars are float32)."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs).double()

    def forward(self, X):
        return self.linear(X.double())


class _Focal(nn.Module):
    """A criterion the closed-form path does not know (per-sample)."""

    def __init__(self, reduction="none"):
        super().__init__()

    def forward(self, logits, y):
        ce = nn.functional.cross_entropy(logits, y, reduction="none")
        return (1 - torch.exp(-ce)) ** 2 * ce


@pytest.mark.parametrize(
    "options",
    [{}, {"synthetic_weight": 0.5}, {"criterion": _Focal}, {"detach_weights": True}],
)
def test_float64_modules_train_on_every_path(options):
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4).astype(np.float32)
    y = np.arange(120) % 3
    origin = np.arange(120) % 4 == 0
    clf = LiLAWClassifier(
        module=_DoubleNet, max_epochs=3, batch_size=32, random_state=0, **options
    ).fit(X, y, sample_origin=origin)
    assert clf.lilaw_params_["alpha"] < 10.0
    assert np.isfinite(clf.predict_proba(X)).all()


def test_float64_regressor_trains():
    from sklearn_lilaw import LiLAWRegressor

    rng = np.random.RandomState(0)
    X = rng.randn(120, 4).astype(np.float32)
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.randn(120)
    reg = LiLAWRegressor(
        module=_DoubleNet, max_epochs=3, batch_size=32, random_state=0
    ).fit(X, y)
    assert reg.lilaw_params_["alpha"] != 10.0
    assert np.isfinite(reg.predict(X)).all()


class _RecordScalars(Callback):
    """Records alpha at every batch end; sets meta_lr to 0 after epoch 2."""

    def initialize(self):
        self.alphas = []
        return self

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self.alphas.append(net.lilaw_scalars_[0].item())

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            net.meta_lr = 0.0


def test_scalars_are_current_after_every_step_and_meta_lr_is_read_live():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4).astype(np.float32)
    y = np.arange(200) % 2
    clf = LiLAWClassifier(
        max_epochs=4,
        batch_size=50,
        meta_size=0.2,
        meta_lr=0.05,
        random_state=0,
        callbacks=[_RecordScalars()],
    ).fit(X, y)
    alphas = dict(clf.callbacks_)["_RecordScalars"].alphas
    per_epoch = [alphas[i : i + 4] for i in range(0, 16, 4)]  # 160 rows / 50
    assert per_epoch[0] == [10.0] * 4  # warm-up: no meta step
    # epoch 2: each batch's meta step has already moved alpha at its end
    assert per_epoch[1][0] < 10.0
    assert all(b < a for a, b in zip(per_epoch[1], per_epoch[1][1:]))
    # meta_lr = 0 from epoch 3 on: alpha only decays by weight decay * 0
    assert per_epoch[2] == per_epoch[3] == [per_epoch[1][-1]] * 4
    assert clf.history[-1, "alpha"] == per_epoch[1][-1]
