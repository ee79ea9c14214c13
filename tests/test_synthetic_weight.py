"""synthetic_weight='auto': the look-ahead gradient, and what it learns."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from skorch.callbacks import Callback
from torch import nn

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor
from sklearn_lilaw._engine import _fitting
from sklearn_lilaw._engine._lookahead import TRAVEL, SyntheticWeightLearner, auto_rate
from sklearn_lilaw._engine._state import LiLAWState
from sklearn_lilaw.weights import (
    lookahead_alignment,
    multiclass_weights,
    synthetic_factors,
    synthetic_weight_gradient,
)


# --------------------------------------------------------------------------
# the maths
# --------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0.0, -1.5])
@pytest.mark.parametrize("lilaw", [False, True])
def test_gradient_is_the_exact_one_step_look_ahead_on_the_last_layer(gamma, lilaw):
    """d L_meta(theta - eta grad L_train(gamma)) / d gamma, by autograd, is
    eta times the closed form, as eta -> 0 (theta = the last linear layer)."""
    gen = torch.Generator().manual_seed(0)
    n, m, d, k = 12, 7, 5, 3
    h = torch.randn(n, d, generator=gen, dtype=torch.float64)
    y = torch.randint(0, k, (n,), generator=gen)
    origin = torch.arange(n) % 3 == 0
    h_meta = torch.randn(m, d, generator=gen, dtype=torch.float64)
    y_meta = torch.randint(0, k, (m,), generator=gen)
    weight = torch.randn(k, d, generator=gen, dtype=torch.float64)
    bias = torch.randn(k, generator=gen, dtype=torch.float64)
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64)
    ce = nn.functional.cross_entropy

    def train_losses(w, b):
        logits = h @ w.T + b
        losses = ce(logits, y, reduction="none")
        if lilaw:
            losses = multiclass_weights(logits, y, *params) * losses
        return losses

    g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    w_s = 2 * torch.sigmoid(g)
    c = torch.where(origin, w_s, torch.ones_like(w_s))
    c = c / c.mean()
    w0, b0 = weight.clone().requires_grad_(), bias.clone().requires_grad_()
    grad_w, grad_b = torch.autograd.grad(
        (c * train_losses(w0, b0)).mean(), (w0, b0), create_graph=True
    )
    eta = 1e-5
    meta_loss = ce(h_meta @ (weight - eta * grad_w).T + bias - eta * grad_b, y_meta)
    (exact,) = torch.autograd.grad(meta_loss, g)

    # The closed form, from per-row output gradients and layer inputs.
    logits = (h @ weight.T + bias).requires_grad_()
    per_row = ce(logits, y, reduction="none")
    if lilaw:
        per_row = multiclass_weights(logits, y, *params) * per_row
    (e,) = torch.autograd.grad(per_row.sum(), logits)
    logits_meta = (h_meta @ weight.T + bias).requires_grad_()
    (e_meta,) = torch.autograd.grad(
        ce(logits_meta, y_meta, reduction="none").sum(), logits_meta
    )
    alignment = lookahead_alignment(e, h, e_meta, h_meta)
    closed = synthetic_weight_gradient(alignment, origin, torch.tensor(gamma))
    assert exact.item() == pytest.approx(eta * closed.item(), rel=1e-3)


def test_factors_have_mean_one_and_the_learned_ratio():
    origin = torch.tensor([False, False, True, True, True])
    factors = synthetic_factors(origin, torch.tensor(-1.0))
    w_s = 2 * torch.sigmoid(torch.tensor(-1.0))
    assert factors.mean().item() == pytest.approx(1.0)
    assert (factors[2] / factors[0]).item() == pytest.approx(w_s.item())


@pytest.mark.parametrize("strata_shape", [None, (40,), (40, 2)])
def test_gradient_compares_synthetic_and_real_rows_pair_by_pair(strata_shape):
    """The gap is the mean of a_i - a_j over the pairs (synthetic i, real j)
    of one stratum, written out here as the double loop it abbreviates."""
    gen = torch.Generator().manual_seed(1)
    alignment = torch.randn(40, generator=gen, dtype=torch.float64)
    origin = torch.rand(40, generator=gen) < 0.4
    strata = None
    if strata_shape is not None:
        strata = torch.randint(0, 3, strata_shape, generator=gen)
    gaps = [
        alignment[i] - alignment[j]
        for i in range(40)
        for j in range(40)
        if origin[i]
        and not origin[j]
        and (strata is None or bool((strata[i] == strata[j]).all()))
    ]
    gamma = torch.tensor(-0.7, dtype=torch.float64)
    f = origin.double().mean()
    s = torch.sigmoid(gamma)
    expected = -2 * s * (1 - s) * f * (1 - f) / (1 - f + f * 2 * s) ** 2
    expected = expected * torch.stack(gaps).mean()
    got = synthetic_weight_gradient(alignment, origin, gamma, strata)
    assert got.item() == pytest.approx(expected.item(), rel=1e-12)


def test_batches_of_one_origin_give_no_gradient():
    alignment = torch.tensor([1.0, 2.0, 3.0])
    for origin in (torch.zeros(3, dtype=torch.bool), torch.ones(3, dtype=torch.bool)):
        assert synthetic_weight_gradient(alignment, origin, torch.tensor(0.0)) == 0


@pytest.mark.parametrize("strata", [False, True])
def test_interval_steps_once_from_the_batches_rows_taken_together(strata):
    """With synthetic_weight_interval=2, gamma steps after every second batch,
    with the look-ahead gradient of the two batches' rows taken as one batch,
    against the meta batch at the current parameters."""
    gen = torch.Generator().manual_seed(0)
    module = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))
    ce = nn.CrossEntropyLoss(reduction="none")
    learner = SyntheticWeightLearner(module, LiLAWState(1.0, 1.0, 1.0), ce, 0.1, 2)
    X_meta, y_meta = torch.randn(5, 4, generator=gen), torch.tensor([0, 1, 2, 0, 1])
    batches = []
    for n in (8, 6):
        X, y = (
            torch.randn(n, 4, generator=gen),
            torch.randint(0, 3, (n,), generator=gen),
        )
        origin = torch.arange(n) % 2 == 0
        factors = learner.factors(origin)
        y_pred = module(X)
        learner.watch(y_pred, origin, factors, y if strata else None)
        (factors * ce(y_pred, y)).mean().backward()
        with torch.no_grad():
            y_pred_meta = module(X_meta)
        learner.step(y_pred_meta, y_meta)
        batches.append((X, y, origin))
        if len(batches) == 1:
            assert learner.gamma.grad is None and learner.state.gamma == 0

    def layer_input_and_output_gradient(X, y):
        h = module[1](module[0](X)).detach()
        out = module[2](h).detach().requires_grad_()
        (e,) = torch.autograd.grad(ce(out, y).sum(), out)
        return h, e

    h_meta, e_meta = layer_input_and_output_gradient(X_meta, y_meta)
    X, y, origin = (torch.cat(rows) for rows in zip(*batches))
    h, e = layer_input_and_output_gradient(X, y)
    alignment = lookahead_alignment(e, h, e_meta, h_meta)
    expected = synthetic_weight_gradient(
        alignment, origin, torch.tensor(0.0), y if strata else None
    )
    assert learner.gamma.grad.item() == pytest.approx(expected.item(), rel=1e-5)
    # Adam's first step moves gamma by the learning rate; gamma stays <= 0.
    first_step = min(0.0, -0.1 * np.sign(expected.item()))
    assert learner.state.gamma.item() == pytest.approx(first_step, abs=1e-4)


def test_interval_counts_the_training_batches_per_step(classification_data, fast):
    """Each interval of batches gives one step; the last, unfinished one none."""
    X, y, is_synthetic = classification_data
    steps = []
    original = SyntheticWeightLearner.step

    def counting_step(self, *args):
        due = self.due()
        original(self, *args)
        steps.append(due)

    params = {**fast, "synthetic_weight": "auto", "refit": False, "batch_size": 16}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SyntheticWeightLearner, "step", counting_step)
        for interval in (1, 3):
            steps.clear()
            est = LiLAWClassifier(**params, synthetic_weight_interval=interval)
            est.fit(X, y, sample_origin=is_synthetic)
            batches = len(est.history) * -(-est.n_train_samples_ // 16)
            assert steps == [True] * (batches // interval)


def test_auto_rate_spreads_a_fixed_travel_over_gammas_steps():
    assert auto_rate(100) == pytest.approx(TRAVEL / 100)
    assert auto_rate(100, interval=4) == pytest.approx(TRAVEL / 25)
    assert auto_rate(3, interval=4) == TRAVEL  # at least one step


@pytest.mark.parametrize(
    ("rate", "interval", "expected"),
    [("auto", 1, TRAVEL / 15), ("auto", 2, TRAVEL / 7), (0.1, 2, 0.1)],
)
def test_the_fit_gives_gamma_the_rate_for_its_number_of_steps(
    classification_data, fast, rate, interval, expected
):
    """3 epochs of 5 batches (285 training rows, batch 64): 15 batches."""
    X, y, is_synthetic = classification_data
    rates = []

    class RecordingLearner(SyntheticWeightLearner):
        def __init__(self, module, state, per_sample_loss, lr, interval=1):
            rates.append(lr)
            super().__init__(module, state, per_sample_loss, lr, interval)

    est = LiLAWClassifier(
        **fast,
        refit=False,
        synthetic_weight_lr=rate,
        synthetic_weight_interval=interval,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_fitting, "SyntheticWeightLearner", RecordingLearner)
        est.fit(X, y, sample_origin=is_synthetic)
    assert est.n_train_samples_ == 285
    assert rates == [pytest.approx(expected)]


# --------------------------------------------------------------------------
# what it learns
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    """A scarce real training set, a pool of other real rows, and a test set."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    X_real, X_pool, y_real, y_pool = train_test_split(
        X_train, y_train, train_size=200, stratify=y_train, random_state=0
    )
    return X_real, y_real, X_pool, y_pool, X_test, y_test


def _mixed(X_real, y_real, X_syn, y_syn):
    X = np.vstack([X_real, X_syn])
    y = np.concatenate([y_real, y_syn])
    origin = np.r_[np.zeros(len(y_real), bool), np.ones(len(y_syn), bool)]
    return X, y, origin


AUTO = dict(
    hidden_layer_sizes=(64,),
    max_epochs=20,
    batch_size=64,
    lilaw=False,
    synthetic_weight="auto",
    random_state=0,
)


def test_shuffled_labels_drive_the_weight_down_and_help(digits):
    X_real, y_real, X_pool, y_pool, X_test, y_test = digits
    shuffled = np.random.RandomState(0).permutation(y_pool[:400])
    X, y, origin = _mixed(X_real, y_real, X_pool[:400], shuffled)
    auto = LiLAWClassifier(**AUTO).fit(X, y, sample_origin=origin)
    naive = LiLAWClassifier(**{**AUTO, "synthetic_weight": 1.0}).fit(X, y)
    assert auto.synthetic_weight_ < 0.3
    assert auto.history[-1, "synthetic_weight"] == auto.synthetic_weight_
    assert auto.score(X_test, y_test) > naive.score(X_test, y_test) + 0.05


def _multilabel(y):
    return np.c_[y % 2 == 0, y > 4, np.isin(y, [2, 3, 5, 7])].astype(int)


def _copies_of_the_meta_rows(Estimator, X_real, y_real, params):
    """Fit on real rows plus exact copies of the held-out (meta) real rows.

    With a count for ``meta_size`` and the real rows first, the meta split of
    a fit does not depend on the synthetic rows after them.
    """
    first = Estimator(**{**params, "max_epochs": 1}).fit(X_real, y_real)
    meta = np.tile(first.meta_indices_, 10)
    X, y, origin = _mixed(X_real, y_real, X_real[meta], y_real[meta])
    est = Estimator(**params).fit(X, y, sample_origin=origin)
    np.testing.assert_array_equal(est.meta_indices_, first.meta_indices_)
    return est


@pytest.mark.parametrize(
    "Estimator, targets",
    [
        (LiLAWClassifier, lambda y: y),
        (LiLAWMultiLabelClassifier, _multilabel),
        (LiLAWRegressor, lambda y: (y - 4.5) / 3.0),
    ],
)
def test_copies_of_held_out_real_rows_keep_the_weight_high(digits, Estimator, targets):
    X_real, y_real, _, _, _, _ = digits
    params = {**AUTO, "meta_size": 40}
    est = _copies_of_the_meta_rows(Estimator, X_real, targets(y_real), params)
    assert est.synthetic_weight_ > 0.7


def test_multilabel_shuffled_label_sets_drive_the_weight_down(digits):
    X_real, y_real, X_pool, y_pool, _, _ = digits
    shuffled = _multilabel(np.random.RandomState(0).permutation(y_pool[:400]))
    X, Y, origin = _mixed(X_real, _multilabel(y_real), X_pool[:400], shuffled)
    auto = LiLAWMultiLabelClassifier(**AUTO).fit(X, Y, sample_origin=origin)
    assert auto.synthetic_weight_ < 0.3


def test_regressor_shuffled_targets_drive_the_weight_down():
    X, y = make_regression(700, 8, noise=1.0, random_state=0)
    X, y = X.astype(np.float32), (y - y.mean()) / y.std()
    shuffled = np.random.RandomState(0).permutation(y[150:550])
    Xm, ym, origin = _mixed(X[:150], y[:150], X[150:550], shuffled)
    auto = LiLAWRegressor(**{**AUTO, "max_epochs": 30}).fit(
        Xm, ym, sample_origin=origin
    )
    assert auto.synthetic_weight_ < 0.3


# --------------------------------------------------------------------------
# the estimator around it
# --------------------------------------------------------------------------
def test_refit_trains_again_on_every_row_with_the_weight_frozen(
    classification_data, fast
):
    X, y, is_synthetic = classification_data
    est = LiLAWClassifier(
        **fast, lilaw=True, synthetic_weight="auto", refit=True, random_state=0
    )
    est.fit(X, y, sample_origin=is_synthetic)
    history = est.history
    assert history[:, "refit"] == [False] * 3 + [True] * 3
    learned = history[2, "synthetic_weight"]
    assert history[3:, "synthetic_weight"] == [learned] * 3  # frozen
    assert history[3:, "alpha"] == [history[2, "alpha"]] * 3
    assert est.n_train_samples_ == 300  # the meta rows are back in
    assert est.synthetic_weight_ == pytest.approx(learned)


class _RecordStarts(Callback):
    """Each training run's initial module weights and first training batch."""

    def __init__(self):  # not in initialize(): the refit re-initializes
        self.weights, self.first_batches = [], []

    def on_train_begin(self, net, **kwargs):
        state = net.module_.state_dict()
        self.weights.append({k: v.clone() for k, v in state.items()})
        self._first = True

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training and self._first:
            X = batch[0]  # a dict when the rows carry their origin
            self.first_batches.append((X["X"] if isinstance(X, dict) else X).clone())
            self._first = False


@pytest.mark.parametrize("random_state", [0, None])
def test_refit_draws_what_a_fit_with_fixed_weights_draws(
    classification_data, fast, random_state
):
    """The refit restarts the fit's RNG: the same initial weights and batch
    order as the naive mix's fit, so the two differ by the weights only."""
    X, y, is_synthetic = classification_data
    fits = {}
    for weight in ("auto", 1.0):
        record = _RecordStarts()
        torch.manual_seed(7)  # used when random_state is None
        LiLAWClassifier(
            **fast,
            synthetic_weight=weight,
            random_state=random_state,
            callbacks=[record],
        ).fit(X, y, sample_origin=is_synthetic)
        fits[weight] = record
    auto, naive = fits["auto"], fits[1.0]
    assert len(auto.weights) == 2 and len(naive.weights) == 1  # fit, refit
    for start in auto.weights:
        for name, value in naive.weights[0].items():
            torch.testing.assert_close(start[name], value, rtol=0, atol=0)
    # The refit trains on the naive mix's rows, in its order.
    torch.testing.assert_close(
        auto.first_batches[1], naive.first_batches[0], rtol=0, atol=0
    )


def test_partial_fit_and_warm_start_never_refit(classification_data, fast):
    X, y, is_synthetic = classification_data
    est = LiLAWClassifier(**fast, random_state=0)  # refit='auto'
    est.partial_fit(X, y, sample_origin=is_synthetic)
    est.partial_fit(X, y, sample_origin=is_synthetic)
    assert len(est.history) == 6 and "refit" not in est.history[-1]
    assert est.n_train_samples_ == 300 - len(est.meta_indices_)
    warm = LiLAWClassifier(**fast, warm_start=True, refit=True, random_state=0)
    warm.fit(X, y, sample_origin=is_synthetic)  # starts from scratch: refits
    warm.fit(X, y, sample_origin=is_synthetic)  # continues: does not
    assert warm.history[:, "refit"] == [False] * 3 + [True] * 3
    assert len(warm.history) == 9 and warm.n_train_samples_ < 300


def test_pickle_clone_and_grid_search_over_the_new_options(classification_data, fast):
    X, y, is_synthetic = classification_data
    est = LiLAWClassifier(**fast, synthetic_weight="auto", random_state=0)
    est.fit(X, y, sample_origin=is_synthetic)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert restored.synthetic_weight_ == est.synthetic_weight_
    assert clone(est).get_params()["synthetic_weight"] == "auto"
    search = GridSearchCV(
        LiLAWClassifier(**fast, random_state=0),
        {"synthetic_weight": [1.0, "auto"], "lilaw": [False, True]},
        error_score="raise",
        cv=KFold(2, shuffle=True, random_state=0),
    ).fit(X, y, sample_origin=is_synthetic)
    assert len(search.cv_results_["params"]) == 4


class _NoLinear(nn.Module):
    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_features_in, n_outputs))

    def forward(self, X):
        return X @ self.weight


class _TransformsItsOutput(nn.Module):
    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_features_in, n_outputs)

    def forward(self, X):
        return 2 * self.linear(X)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"module": _NoLinear}, "has no nn.Linear"),
        ({"module": _TransformsItsOutput}, "output of its last nn.Linear"),
        ({"meta_origin": "synthetic"}, "meta_origin must be None or 'real'"),
        ({"synthetic_weight": "learned"}, "'synthetic_weight' parameter"),
        ({"synthetic_weight": 1.0, "lilaw": False, "refit": True}, "refit=True"),
        ({"synthetic_weight_lr": -1.0}, "'synthetic_weight_lr' parameter"),
        ({"synthetic_weight_lr": "fast"}, "'synthetic_weight_lr' parameter"),
        ({"synthetic_weight_interval": 0}, "'synthetic_weight_interval' parameter"),
    ],
)
def test_errors_name_what_is_needed(classification_data, fast, params, message):
    X, y, is_synthetic = classification_data
    est = LiLAWClassifier(**{**fast, "synthetic_weight": "auto", **params})
    with pytest.raises(ValueError, match=message):
        est.fit(X, y, sample_origin=is_synthetic)
