"""LiLAWClassifier: the algorithm, the fitted state, inputs and errors."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from skorch.callbacks import Callback, EarlyStopping
from skorch.dataset import ValidSplit
from torch import nn

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.weights import multiclass_weights


class FixedLinear(nn.Module):
    """A linear model with a fixed initialisation, so a test can replay training."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs)
        with torch.no_grad():
            n = self.linear.weight.numel()
            self.linear.weight.copy_(
                torch.linspace(-0.5, 0.5, n).reshape(n_outputs, -1)
            )
            self.linear.bias.zero_()

    def forward(self, X):
        return self.linear(X)


def _replay_algorithm_1(X, y, meta_indices, *, epochs, lr, detach):
    """Algorithm 1 of LiLAW written out by hand, full-batch."""
    train = np.setdiff1d(np.arange(len(y)), meta_indices)
    X_t, y_t = torch.tensor(X[train]), torch.tensor(y[train])
    X_m, y_m = torch.tensor(X[meta_indices]), torch.tensor(y[meta_indices])
    model = FixedLinear(X.shape[1], 2)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    alpha, beta, delta = (torch.tensor(v, requires_grad=True) for v in (10.0, 2.0, 6.0))
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        logits = model(X_t)
        ce = nn.functional.cross_entropy(logits, y_t, reduction="none")
        if epoch == 1:  # warm-up: plain training, no meta step
            ce.mean().backward()
            opt.step()
            continue
        w = multiclass_weights(
            logits, y_t, alpha.detach(), beta.detach(), delta.detach()
        )
        (((w.detach() if detach else w) * ce).mean()).backward()
        opt.step()
        with torch.no_grad():
            logits_m = model(X_m)
            ce_m = nn.functional.cross_entropy(logits_m, y_m, reduction="none")
        meta_loss = (
            multiclass_weights(logits_m, y_m, alpha, beta, delta) * ce_m
        ).mean()
        grads = torch.autograd.grad(meta_loss, (alpha, beta, delta))
        with torch.no_grad():
            for p, g in zip((alpha, beta, delta), grads):
                p -= 0.005 * (g + 1e-4 * p)
            alpha.clamp_(min=1.0)
            delta.copy_(torch.maximum(delta, beta))
    return model, [alpha.item(), beta.item(), delta.item()]


@pytest.mark.parametrize("detach", [False, True])
def test_training_replays_algorithm_1_exactly(detach, paper):
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3).astype(np.float32)
    y = (X[:, 0] + 0.5 * rng.randn(40) > 0).astype(np.int64)
    clf = LiLAWClassifier(
        **paper,
        module=FixedLinear,
        optimizer=torch.optim.SGD,
        lr=0.5,
        max_epochs=4,
        batch_size=64,  # one full batch per epoch; the meta batch is the meta split
        meta_size=8,
        detach_weights=detach,
        random_state=0,
    ).fit(X, y)
    model, scalars = _replay_algorithm_1(
        X, y, clf.meta_indices_, epochs=4, lr=0.5, detach=detach
    )
    got = [clf.lilaw_params_[k] for k in ("alpha", "beta", "delta")]
    np.testing.assert_allclose(got, scalars, rtol=1e-5)
    np.testing.assert_allclose(
        clf.module_.linear.weight.detach(), model.linear.weight.detach(), atol=1e-5
    )
    assert got[0] < 10.0 and got[1] > 2.0  # the paper's signs


def test_detaching_changes_the_model_gradient(paper):
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    params = dict(module=FixedLinear, lr=0.5, max_epochs=3, meta_size=8, random_state=0)
    a = LiLAWClassifier(**paper, **params).fit(X, y).module_.linear.weight.detach()
    b = (
        LiLAWClassifier(**paper, detach_weights=True, **params)
        .fit(X, y)
        .module_.linear.weight
    )
    assert not torch.allclose(a, b.detach())


def test_history_records_lilaw_state_per_epoch(classification_data, fast, paper):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**paper, **fast, random_state=0).fit(
        X, y, sample_origin=is_synthetic
    )
    h = clf.history
    assert len(h) == 3
    for key in (
        "alpha",
        "beta",
        "delta",
        "weight_real",
        "weight_synthetic",
        "meta_loss",
    ):
        assert len(h[:, key]) == 3
    alpha = h[:, "alpha"]
    assert alpha[0] == 10.0  # warm-up epoch: no meta step yet
    assert alpha[-1] < alpha[1] < 10.0 and h[:, "beta"][-1] > 2.0
    assert all(1.0 < w < 3.0 for w in h[:, "weight_real"] + h[:, "weight_synthetic"])
    assert all(loss > 0 for loss in h[:, "meta_loss"])
    assert clf.lilaw_params_ == pytest.approx(
        {"alpha": alpha[-1], "beta": h[-1, "beta"], "delta": h[-1, "delta"]}
    )


def test_weight_of_an_absent_origin_is_nan(classification_data, fast, paper):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**paper, **fast, random_state=0).fit(X, y)
    assert np.isnan(clf.history[-1, "weight_synthetic"])


@pytest.mark.parametrize(
    "meta_origin, allowed", [(None, False), ("real", False), ("synthetic", True)]
)
def test_meta_split_comes_from_the_allowed_origin(
    classification_data,
    fast,
    meta_origin,
    allowed,
    paper,
):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **paper, **fast, meta_origin=meta_origin, meta_size=0.1, random_state=0
    )
    clf.fit(X, y, sample_origin=is_synthetic)
    meta = clf.meta_indices_
    assert len(meta) == 30
    assert np.all(is_synthetic[meta] == allowed)
    assert set(np.unique(y[meta])) == {0, 1, 2}  # stratified
    assert clf.n_train_samples_ == 300 - 30


def test_meta_origin_any_draws_from_all_rows(classification_data, fast, paper):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **paper, **fast, meta_origin="any", meta_size=0.5, random_state=0
    )
    clf.fit(X, y, sample_origin=is_synthetic)
    assert 0 < is_synthetic[clf.meta_indices_].sum() < 150


def test_lilaw_false_is_plain_training_on_every_row(classification_data, fast):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**fast, lilaw=False, synthetic_weight=1.0, random_state=0)
    clf.fit(X, y, sample_origin=is_synthetic)
    assert clf.meta_indices_.size == 0 and clf.n_train_samples_ == 300
    assert "alpha" not in clf.history[-1] and not hasattr(clf, "lilaw_params_")
    # Same seed, same network, same batches: matches a LiLAW fit whose
    # weights are forced to 1, i.e. LiLAW adds nothing else to the loss.
    assert clf.score(X, y) > 0.6


def test_sample_origin_never_reaches_forward(classification_data):
    X, y, is_synthetic = classification_data
    seen = []

    class Strict(nn.Module):
        def __init__(self, n_features_in, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_features_in, n_outputs)

        def forward(self, X, **kwargs):
            seen.append(kwargs)
            assert isinstance(X, torch.Tensor)
            return self.linear(X)

    LiLAWClassifier(module=Strict, max_epochs=2, random_state=0).fit(
        X, y, sample_origin=is_synthetic
    )
    assert seen and all(kwargs == {} for kwargs in seen)


def test_module_class_gets_data_shapes_and_module_params(classification_data):
    X, y, _ = classification_data

    class Net(nn.Module):
        def __init__(self, n_features_in, n_outputs, width=4):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(n_features_in, width), nn.ReLU())
            self.head = nn.Linear(width, n_outputs)

        def forward(self, X):
            return self.head(self.body(X))

    clf = LiLAWClassifier(module=Net, module__width=7, max_epochs=1).fit(X, y)
    assert clf.module_.head.in_features == 7 and clf.module_.head.out_features == 3
    assert clf.module_.body[0].in_features == 8


def test_inputs_are_not_modified(classification_data, fast):
    X, y, is_synthetic = classification_data
    X64, y_copy, o_copy = X.astype(np.float64), y.copy(), is_synthetic.copy()
    X64_copy = X64.copy()
    LiLAWClassifier(**fast).fit(X64, y, sample_origin=is_synthetic).predict(X64)
    np.testing.assert_array_equal(X64, X64_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(is_synthetic, o_copy)


def test_fit_is_deterministic_and_leaves_the_global_rng_alone(
    classification_data, fast
):
    X, y, is_synthetic = classification_data
    state = torch.get_rng_state()
    a = LiLAWClassifier(**fast, random_state=3).fit(X, y, sample_origin=is_synthetic)
    assert torch.equal(torch.get_rng_state(), state)
    b = LiLAWClassifier(**fast, random_state=3).fit(X, y, sample_origin=is_synthetic)
    c = LiLAWClassifier(**fast, random_state=4).fit(X, y, sample_origin=is_synthetic)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.meta_indices_, b.meta_indices_)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_labels_pandas_and_float64(classification_data, fast):
    X, y, is_synthetic = classification_data
    names = np.array(["cat", "dog", "emu"])[y]
    df = pd.DataFrame(X.astype(np.float64), columns=[f"f{i}" for i in range(8)])
    clf = LiLAWClassifier(**fast, random_state=0)
    clf.fit(df, pd.Series(names), sample_origin=pd.Series(is_synthetic))
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    assert set(clf.predict(df)) <= {"cat", "dog", "emu"}
    proba = clf.predict_proba(df)
    assert proba.shape == (300, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # Non-contiguous integer labels map back to themselves.
    odd = np.array([3, 17, 40])[y]
    clf = LiLAWClassifier(**fast, random_state=0).fit(X, odd)
    np.testing.assert_array_equal(clf.classes_, [3, 17, 40])
    assert np.mean(clf.predict(X) == odd) > 0.5


def test_clone_and_nested_params(classification_data):
    X, y, _ = classification_data
    clf = LiLAWClassifier(alpha=12.0, module__dropout=0.2, optimizer__weight_decay=0.01)
    params = clf.get_params()
    assert params["alpha"] == 12.0
    assert (
        params["module__dropout"] == 0.2 and params["optimizer__weight_decay"] == 0.01
    )
    twin = clone(clf)
    assert twin.get_params()["module__dropout"] == 0.2
    twin.set_params(max_epochs=1, optimizer__weight_decay=0.5, module__dropout=0.0)
    twin.fit(X, y)
    assert twin.optimizer_.param_groups[0]["weight_decay"] == 0.5
    assert not any(isinstance(m, nn.Dropout) for m in twin.module_.modules())
    assert clf.get_params()["optimizer__weight_decay"] == 0.01  # original untouched


def test_partial_fit_and_warm_start_continue_training(classification_data, fast, paper):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**paper, **fast, random_state=0)
    clf.partial_fit(X, y, sample_origin=is_synthetic)
    first_alpha = clf.lilaw_params_["alpha"]
    clf.partial_fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history) == 6
    assert clf.lilaw_params_["alpha"] < first_alpha
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :5], y)
    warm = LiLAWClassifier(**paper, **fast, warm_start=True, random_state=0).fit(X, y)
    warm.fit(X, y)
    assert len(warm.history) == 6


def test_partial_fit_with_classes_argument(classification_data, fast):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**fast, random_state=0)
    first = y < 2
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (300, 3)
    clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X, y + 5)


def test_skorch_train_split_and_early_stopping_on_meta_loss(
    classification_data, fast, paper
):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **paper,
        **{**fast, "max_epochs": 30},
        train_split=ValidSplit(5, stratified=True),
        callbacks=[EarlyStopping(monitor="meta_loss", patience=2, threshold=0.5)],
        random_state=0,
    ).fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history) < 30  # stopped early
    assert 0.0 <= clf.history[-1, "valid_acc"] <= 1.0
    assert clf.history[-1, "valid_loss"] > 0


def test_dataloader_as_iterator(classification_data, fast, paper):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **paper,
        **fast,
        iterator_train=torch.utils.data.DataLoader,
        iterator_train__shuffle=True,
    )
    clf.fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history[:, "weight_synthetic"]) == 3


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, fit_kwargs, error, message",
    [
        ({}, {"y": np.zeros(5)}, ValueError, "inconsistent numbers of samples"),
        ({}, {"sample_origin": np.zeros(5)}, ValueError, "sample_origin must be 1-d"),
        ({}, {"sample_origin": ["real"] * 299 + ["fake"]}, ValueError, "'real' or"),
        ({}, {"sample_origin": np.ones(300, bool)}, ValueError, "no real rows"),
        ({"meta_origin": "synthetic"}, {}, ValueError, "no synthetic rows"),
        ({"meta_size": 1.5}, {}, ValueError, "'meta_size' parameter"),
        ({"meta_size": 2}, {}, ValueError, "smaller than one sample per class"),
        ({"meta_size": 300}, {}, ValueError, "meta_size asks for 300"),
        ({"meta_origin": "both"}, {}, ValueError, "'meta_origin' parameter"),
        ({"alpha": float("nan")}, {}, ValueError, "'alpha' parameter"),
        ({"beta": "2"}, {}, ValueError, "'beta' parameter"),
        ({"meta_lr": -1.0}, {}, ValueError, "'meta_lr' parameter"),
        (
            {"'warmup_epochs' parameter": -1},
            {},
            ValueError,
            "'warmup_epochs' parameter",
        ),
        ({"hidden_layer_sizes": (0,)}, {}, ValueError, "hidden_layer_sizes"),
        ({"lilaw": "yes"}, {}, ValueError, "'lilaw' parameter"),
        ({"device": "tpu"}, {}, ValueError, "device must be"),
    ],
)
def test_bad_input_gets_a_clear_error(
    classification_data,
    fast,
    params,
    fit_kwargs,
    error,
    message,
    paper,
):
    X, y, _ = classification_data
    kwargs = {"y": y, **fit_kwargs}
    with pytest.raises(error, match=message):
        LiLAWClassifier(**{**paper, **fast, **params}).fit(X, **kwargs)


def test_nan_and_inf_in_X_are_rejected(classification_data, fast):
    X, y, _ = classification_data
    for bad in (np.nan, np.inf):
        X_bad = X.copy()
        X_bad[3, 2] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            LiLAWClassifier(**fast).fit(X_bad, y)


def test_single_class_is_rejected(classification_data, fast):
    X, _, _ = classification_data
    with pytest.raises(ValueError, match="at least 2 classes"):
        LiLAWClassifier(**fast).fit(X, np.zeros(300))


def test_reducing_criterion_instance_is_rejected(classification_data, fast):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**fast, criterion=nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="one loss per sample"):
        clf.fit(X, y)


# --------------------------------------------------------------------------
# skorch's conventions
# --------------------------------------------------------------------------
class _RecordScalars(Callback):
    """Records alpha at every batch end; sets meta_lr to 0 after epoch 2."""

    def initialize(self):
        self.alphas = []
        return self

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self.alphas.append(net.lilaw_state_.scalars[0].item())

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            net.meta_lr = 0.0


def test_scalars_are_current_after_every_step_and_meta_lr_is_read_live(paper):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4).astype(np.float32)
    y = np.arange(200) % 2
    clf = LiLAWClassifier(
        **paper,
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
    # meta_lr = 0 from epoch 3 on: alpha stays where it was
    assert per_epoch[2] == per_epoch[3] == [per_epoch[1][-1]] * 4
    assert clf.history[-1, "alpha"] == per_epoch[1][-1]


class _RecordsBatches(nn.Module):
    """A linear net that records the mode and the rows of each forward call."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs)
        self.dropout = nn.Dropout(0.5)
        self.calls = []

    def forward(self, X):
        self.calls.append((self.training, X[:, 0].tolist()))
        return self.linear(self.dropout(X))


def _ordered_rows(n=120):
    X = np.c_[np.arange(n), np.random.RandomState(0).randn(n, 3)].astype(np.float32)
    return X, np.arange(n) % 3


def test_meta_forward_runs_in_eval_mode(paper):
    X, y = _ordered_rows()
    clf = LiLAWClassifier(
        **paper, module=_RecordsBatches, batch_size=40, max_epochs=2, meta_size=0.3
    ).fit(X, y)
    modes = [training for training, _ in clf.module_.calls]
    # epoch 2: each training batch (train mode) is followed by a meta batch
    # (eval mode); the end-of-epoch meta loss is also computed in eval mode.
    n_batches = 3  # 84 training rows in batches of 40
    epoch2 = modes[-(2 * n_batches + 1) :]
    assert epoch2[:-1:2] == [True] * n_batches
    assert epoch2[1::2] == [False] * n_batches
    assert epoch2[-1] is False


def test_shuffling_is_a_default_the_user_can_turn_off():
    X, y = _ordered_rows()
    first_rows = {}
    for shuffle in (True, False):
        clf = LiLAWClassifier(
            module=_RecordsBatches,
            batch_size=1000,
            max_epochs=1,
            lilaw=False,
            iterator_train__shuffle=shuffle,
        ).fit(X, y)
        _, rows = clf.module_.calls[0]
        first_rows[shuffle] = rows
    assert first_rows[False] == list(range(120))
    assert sorted(first_rows[True]) == list(range(120))
    assert first_rows[True] != list(range(120))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"batch_size": 16}, 16),
        ({"batch_size": 16, "iterator_train__batch_size": 8}, 8),
        ({"batch_size": 16, "meta_batch_size": 5}, 5),
        ({"batch_size": 16, "meta_batch_size": 500}, 30),  # the whole meta split
    ],
)
def test_meta_batch_size(params, expected, paper):
    X, y = _ordered_rows()
    clf = LiLAWClassifier(
        **paper, module=_RecordsBatches, max_epochs=2, meta_size=30, **params
    ).fit(X, y)
    # A meta batch is an eval-mode call right after a training-mode call.
    calls = clf.module_.calls
    sizes = {
        len(rows)
        for (before, _), (training, rows) in zip(calls, calls[1:])
        if before and not training
    }
    assert sizes == {expected}


def test_torch_manual_seed_reproduces_a_fit_without_random_state(classification_data):
    X, y, is_synthetic = classification_data
    fits = []
    for seed in (7, 7, 8):
        torch.manual_seed(seed)
        clf = LiLAWClassifier(max_epochs=2, hidden_layer_sizes=(8,))
        fits.append(clf.fit(X, y, sample_origin=is_synthetic))
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))
    np.testing.assert_array_equal(fits[0].meta_indices_, fits[1].meta_indices_)
    assert not np.array_equal(fits[0].predict_proba(X), fits[2].predict_proba(X))


def test_the_optimizer_gets_exactly_what_the_user_passes(classification_data):
    X, y, _ = classification_data
    plain = LiLAWClassifier(max_epochs=1).fit(X, y)
    assert not plain.optimizer_.defaults["fused"]
    fused = LiLAWClassifier(max_epochs=1, optimizer__fused=True).fit(X, y)
    assert fused.optimizer_.defaults["fused"]
