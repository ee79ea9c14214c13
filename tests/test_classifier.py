"""LiLAWClassifier: the algorithm, the fitted state, inputs and errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit
from torch import nn

from sklearn_lilaw import LiLAWClassifier
from sklearn_lilaw.weights import multiclass_weights

FAST = dict(hidden_layer_sizes=(16,), max_epochs=4, lr=0.01, batch_size=64)


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
def test_training_replays_algorithm_1_exactly(detach):
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3).astype(np.float32)
    y = (X[:, 0] + 0.5 * rng.randn(40) > 0).astype(np.int64)
    clf = LiLAWClassifier(
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


def test_detaching_changes_the_model_gradient():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    params = dict(module=FixedLinear, lr=0.5, max_epochs=3, meta_size=8, random_state=0)
    a = LiLAWClassifier(**params).fit(X, y).module_.linear.weight.detach()
    b = LiLAWClassifier(detach_weights=True, **params).fit(X, y).module_.linear.weight
    assert not torch.allclose(a, b.detach())


def test_history_records_lilaw_state_per_epoch(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, random_state=0).fit(X, y, sample_origin=is_synthetic)
    h = clf.history
    assert len(h) == 4
    for key in (
        "alpha",
        "beta",
        "delta",
        "weight_real",
        "weight_synthetic",
        "meta_loss",
    ):
        assert len(h[:, key]) == 4
    alpha = h[:, "alpha"]
    assert alpha[0] == 10.0  # warm-up epoch: no meta step yet
    assert alpha[-1] < alpha[1] < 10.0 and h[:, "beta"][-1] > 2.0
    assert all(1.0 < w < 3.0 for w in h[:, "weight_real"] + h[:, "weight_synthetic"])
    assert all(loss > 0 for loss in h[:, "meta_loss"])
    assert clf.lilaw_params_ == pytest.approx(
        {"alpha": alpha[-1], "beta": h[-1, "beta"], "delta": h[-1, "delta"]}
    )


def test_weight_of_an_absent_origin_is_nan(classification_data):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**FAST, random_state=0).fit(X, y)
    assert np.isnan(clf.history[-1, "weight_synthetic"])


@pytest.mark.parametrize(
    "meta_origin, allowed", [(None, False), ("real", False), ("synthetic", True)]
)
def test_meta_split_comes_from_the_allowed_origin(
    classification_data, meta_origin, allowed
):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **FAST, meta_origin=meta_origin, meta_size=0.1, random_state=0
    )
    clf.fit(X, y, sample_origin=is_synthetic)
    meta = clf.meta_indices_
    assert len(meta) == 30
    assert np.all(is_synthetic[meta] == allowed)
    assert set(np.unique(y[meta])) == {0, 1, 2}  # stratified
    assert clf.n_train_samples_ == 300 - 30


def test_meta_origin_any_draws_from_all_rows(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, meta_origin="any", meta_size=0.5, random_state=0)
    clf.fit(X, y, sample_origin=is_synthetic)
    assert 0 < is_synthetic[clf.meta_indices_].sum() < 150


def test_lilaw_false_is_plain_training_on_every_row(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, lilaw=False, random_state=0)
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


def test_inputs_are_not_modified(classification_data):
    X, y, is_synthetic = classification_data
    X64, y_copy, o_copy = X.astype(np.float64), y.copy(), is_synthetic.copy()
    X64_copy = X64.copy()
    LiLAWClassifier(**FAST).fit(X64, y, sample_origin=is_synthetic).predict(X64)
    np.testing.assert_array_equal(X64, X64_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(is_synthetic, o_copy)


def test_fit_is_deterministic_and_leaves_the_global_rng_alone(classification_data):
    X, y, is_synthetic = classification_data
    state = torch.get_rng_state()
    a = LiLAWClassifier(**FAST, random_state=3).fit(X, y, sample_origin=is_synthetic)
    assert torch.equal(torch.get_rng_state(), state)
    b = LiLAWClassifier(**FAST, random_state=3).fit(X, y, sample_origin=is_synthetic)
    c = LiLAWClassifier(**FAST, random_state=4).fit(X, y, sample_origin=is_synthetic)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.meta_indices_, b.meta_indices_)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_labels_pandas_and_float64(classification_data):
    X, y, is_synthetic = classification_data
    names = np.array(["cat", "dog", "emu"])[y]
    df = pd.DataFrame(X.astype(np.float64), columns=[f"f{i}" for i in range(8)])
    clf = LiLAWClassifier(**FAST, random_state=0)
    clf.fit(df, pd.Series(names), sample_origin=pd.Series(is_synthetic))
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    assert set(clf.predict(df)) <= {"cat", "dog", "emu"}
    proba = clf.predict_proba(df)
    assert proba.shape == (300, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # Non-contiguous integer labels map back to themselves.
    odd = np.array([3, 17, 40])[y]
    clf = LiLAWClassifier(**FAST, random_state=0).fit(X, odd)
    np.testing.assert_array_equal(clf.classes_, [3, 17, 40])
    assert np.mean(clf.predict(X) == odd) > 0.5


def test_pickle_round_trip_gives_identical_predictions(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, random_state=0).fit(X, y, sample_origin=is_synthetic)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.lilaw_params_ == clf.lilaw_params_
    assert "_fit_state" not in vars(restored)  # no training data in the pickle


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


def test_partial_fit_and_warm_start_continue_training(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**FAST, random_state=0)
    clf.partial_fit(X, y, sample_origin=is_synthetic)
    first_alpha = clf.lilaw_params_["alpha"]
    clf.partial_fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history) == 8
    assert clf.lilaw_params_["alpha"] < first_alpha
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :5], y)
    warm = LiLAWClassifier(**FAST, warm_start=True, random_state=0).fit(X, y)
    warm.fit(X, y)
    assert len(warm.history) == 8


def test_partial_fit_with_classes_argument(classification_data):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**FAST, random_state=0)
    first = y < 2
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (300, 3)
    clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X, y + 5)


def test_skorch_train_split_and_early_stopping_on_meta_loss(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **{**FAST, "max_epochs": 30},
        train_split=ValidSplit(5, stratified=True),
        callbacks=[EarlyStopping(monitor="meta_loss", patience=2, threshold=0.5)],
        random_state=0,
    ).fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history) < 30  # stopped early
    assert 0.0 <= clf.history[-1, "valid_acc"] <= 1.0
    assert clf.history[-1, "valid_loss"] > 0


def test_dataloader_as_iterator(classification_data):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(
        **FAST, iterator_train=torch.utils.data.DataLoader, iterator_train__shuffle=True
    )
    clf.fit(X, y, sample_origin=is_synthetic)
    assert len(clf.history[:, "weight_synthetic"]) == 4


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
        ({"meta_size": 1.5}, {}, ValueError, "meta_size must be"),
        ({"meta_size": 2}, {}, ValueError, "smaller than one sample per class"),
        ({"meta_size": 300}, {}, ValueError, "meta_size asks for 300"),
        ({"meta_origin": "both"}, {}, ValueError, "meta_origin must be"),
        ({"alpha": float("nan")}, {}, ValueError, "alpha must be a finite real"),
        ({"beta": "2"}, {}, ValueError, "beta must be a finite real"),
        ({"meta_lr": -1.0}, {}, ValueError, "meta_lr must be >= 0"),
        ({"warmup_epochs": -1}, {}, ValueError, "warmup_epochs"),
        ({"hidden_layer_sizes": (0,)}, {}, ValueError, "hidden_layer_sizes"),
        ({"lilaw": "yes"}, {}, ValueError, "lilaw must be True or False"),
        ({"device": "tpu"}, {}, ValueError, "device must be"),
    ],
)
def test_bad_input_gets_a_clear_error(
    classification_data, params, fit_kwargs, error, message
):
    X, y, _ = classification_data
    kwargs = {"y": y, **fit_kwargs}
    with pytest.raises(error, match=message):
        LiLAWClassifier(**{**FAST, **params}).fit(X, **kwargs)


def test_nan_and_inf_in_X_are_rejected(classification_data):
    X, y, _ = classification_data
    for bad in (np.nan, np.inf):
        X_bad = X.copy()
        X_bad[3, 2] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            LiLAWClassifier(**FAST).fit(X_bad, y)


def test_single_class_is_rejected(classification_data):
    X, _, _ = classification_data
    with pytest.raises(ValueError, match="at least 2 classes"):
        LiLAWClassifier(**FAST).fit(X, np.zeros(300))


def test_reducing_criterion_instance_is_rejected(classification_data):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**FAST, criterion=nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="one loss per sample"):
        clf.fit(X, y)
