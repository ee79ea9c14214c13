"""Regression weights and LiLAWRegressor."""

import math

import numpy as np
import pytest
import torch
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lilaw import LiLAWRegressor
from sklearn_lilaw.weights import regression_weights


@pytest.fixture
def fast(fast):
    """The shared fast settings, with the epochs this task needs to learn."""
    return {**fast, "hidden_layer_sizes": (32,), "max_epochs": 30}


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_regression_example_by_hand():
    # f = 2, y = 4, R = 16: gaps (10*2-4)/16 = 1, (2*2-4)/16 = 0, (6*2-4)/16 = 0.5.
    w = regression_weights(
        torch.tensor([2.0]),
        torch.tensor([4.0]),
        10,
        2,
        6,
        16.0,
        return_components=True,
    )
    expected = [_sigmoid(1.0), _sigmoid(-0.0), math.exp(-(0.5**2) / 2)]
    np.testing.assert_allclose([c.item() for c in w], expected, rtol=1e-6)
    assert w.moderate.item() != pytest.approx(_sigmoid(-0.5))  # Gaussian, not sigmoid


def test_two_outputs_average_each_component():
    pred = torch.tensor([[2.0, 1.0]])
    y = torch.tensor([[4.0, 3.0]])
    w = regression_weights(
        pred, y, 10, 2, 6, torch.tensor([16.0, 2.0]), return_components=True
    )
    first = [_sigmoid(1.0), _sigmoid(0.0), math.exp(-(0.5**2) / 2)]
    second = [_sigmoid(3.5), _sigmoid(0.5), math.exp(-(1.5**2) / 2)]
    np.testing.assert_allclose(
        [c.item() for c in w], np.mean([first, second], axis=0), rtol=1e-6
    )


def test_zero_range_does_not_divide_by_zero():
    w = regression_weights(
        torch.tensor([1.0, 1.0]), torch.tensor([1.0, 1.0]), 10, 2, 6, 0.0
    )
    assert torch.isfinite(w).all()
    same = regression_weights(torch.tensor([1.0]), torch.tensor([1.0]), 10, 2, 6, 1.0)
    assert w[0].item() == pytest.approx(same.item())


def test_regression_weights_are_differentiable():
    pred = torch.randn(6, dtype=torch.float64, requires_grad=True)
    y = torch.randn(6, dtype=torch.float64)
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda f, p: regression_weights(f, y, p[0], p[1], p[2], 3.0).sum(),
        (pred, params),
    )
    with pytest.raises(ValueError, match="same 1-d or 2-d shape"):
        regression_weights(torch.zeros(3), torch.zeros(3, 1), 10, 2, 6, 1.0)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_target_range_is_learned_or_given(diabetes, fast):
    X, y = diabetes
    reg = LiLAWRegressor(**{**fast, "max_epochs": 2}).fit(X, y)
    np.testing.assert_allclose(reg.target_range_, [y.max() - y.min()])
    reg = LiLAWRegressor(**{**fast, "max_epochs": 2}, target_range=16.0).fit(X, y)
    np.testing.assert_allclose(reg.target_range_, [16.0])
    Y2 = np.c_[y, y / 10]
    reg = LiLAWRegressor(**{**fast, "max_epochs": 2}).fit(X, Y2)
    np.testing.assert_allclose(reg.target_range_, np.ptp(Y2, axis=0))
    assert reg.predict(X).shape == (442, 2) and reg.n_outputs_ == 2
    constant = LiLAWRegressor(**{**fast, "max_epochs": 2}).fit(X, np.ones(442))
    assert constant.target_range_[0] == 0 and np.isfinite(constant.predict(X)).all()
    with pytest.raises(ValueError, match="'target_range' parameter"):
        LiLAWRegressor(target_range=-1.0).fit(X, y)


def test_one_dimensional_prediction_and_r2(diabetes, fast):
    X, y = diabetes
    reg = LiLAWRegressor(**fast, random_state=0).fit(X, (y - y.mean()) / y.std())
    pred = reg.predict(X)
    assert pred.shape == (442,) and pred.dtype == np.float64
    assert reg.score(X, (y - y.mean()) / y.std()) > 0.4
    assert not hasattr(reg, "predict_proba")


def test_in_sklearn_tools(diabetes, fast):
    X, y = diabetes
    origin = np.random.RandomState(0).rand(442) < 0.3
    cv = KFold(3, shuffle=True, random_state=0)
    wrapped = TransformedTargetRegressor(
        regressor=LiLAWRegressor(**fast, random_state=0), transformer=StandardScaler()
    )
    scores = cross_val_score(wrapped, X, y, cv=cv, scoring="r2")
    assert np.all(scores > 0.2)
    pipe = make_pipeline(StandardScaler(), LiLAWRegressor(**fast, random_state=0))
    search = GridSearchCV(
        pipe, {"lilawregressor__lr": [1e-3, 1e-2]}, cv=cv, scoring="r2"
    )
    search.fit(X, (y - y.mean()) / y.std(), lilawregressor__sample_origin=origin)
    assert search.best_score_ > 0.2


def test_thresholded_score_gives_a_decision(diabetes, fast):
    # The pain use case: regress a 0-16 score, report AUROC of a threshold.
    X, y = diabetes
    score = 16 * (y - y.min()) / np.ptp(y)
    reg = LiLAWRegressor(**fast, target_range=16.0, random_state=0).fit(X, score)
    assert roc_auc_score(score > 8, reg.predict(X)) > 0.75


def test_nan_target_is_rejected(diabetes, fast):
    X, y = diabetes
    y_bad = y.copy()
    y_bad[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LiLAWRegressor(**fast).fit(X, y_bad)
    reg = LiLAWRegressor(**{**fast, "max_epochs": 1}).fit(X, y)
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, np.c_[y, y])
