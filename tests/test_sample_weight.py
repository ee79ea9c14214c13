"""``sample_weight`` in ``fit``: one multiply on each row's loss, checked,
routed by metadata routing, and never modified."""

import numpy as np
import pytest
import sklearn
import torch
from sklearn.model_selection import cross_val_score

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor


def _first_epoch_loss(estimator_class, X, y, **fit_kwargs):
    """train_loss of one full-batch epoch: the loss of the initial network
    (taken before its one step), which the same seed makes the same."""
    est = estimator_class(
        max_epochs=1,
        lr=0.01,
        batch_size=len(X),
        iterator_train__shuffle=False,
        random_state=0,
    )
    return est.fit(X, y, **fit_kwargs).history[-1, "train_loss"]


def test_the_loss_is_the_weighted_mean_of_the_row_losses(task):
    Estimator, X, y, _ = task
    w = np.r_[np.zeros(50), np.full(150, 2.0)]
    # One initial network (random_state fixes it), its loss on all rows with
    # weights (0, 2) and on the weight-2 rows alone: mean(w * loss) over 200
    # rows is 2 * 150 / 200 times the mean loss of the 150 rows.
    weighted = _first_epoch_loss(Estimator, X, y, sample_weight=w)
    subset = _first_epoch_loss(Estimator, X[50:], y[50:])
    np.testing.assert_allclose(weighted, 2 * 150 / 200 * subset, rtol=1e-5)


def test_ones_change_nothing(classification_data, fast):
    X, y, origin = classification_data
    plain = LiLAWClassifier(**fast, random_state=0).fit(X, y, sample_origin=origin)
    ones = LiLAWClassifier(**fast, random_state=0).fit(
        X, y, sample_origin=origin, sample_weight=np.ones(len(y))
    )
    np.testing.assert_allclose(
        ones.predict_proba(X), plain.predict_proba(X), rtol=1e-6, atol=1e-7
    )


def test_zero_weight_rows_are_not_learned():
    # Half the rows carry a label that contradicts the other half; with
    # weight 0 they cannot pull the model, with weight 1 they do.
    rng = np.random.RandomState(0)
    X = rng.randn(400, 4).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    y[200:] = 1 - y[200:]
    w = np.r_[np.ones(200), np.zeros(200)]
    params = dict(max_epochs=30, lr=0.01, batch_size=50, random_state=0)
    weighted = LiLAWClassifier(**params).fit(X, y, sample_weight=w)
    unweighted = LiLAWClassifier(**params).fit(X, y)
    assert weighted.score(X[:200], y[:200]) > 0.95
    assert unweighted.score(X[:200], y[:200]) < 0.8


@pytest.mark.parametrize("estimator_class", [LiLAWClassifier, LiLAWRegressor])
def test_multiplies_with_the_lilaw_weight(estimator_class, fast, paper):
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4).astype(np.float32)
    y = (X[:, 0] > 0).astype(int) if estimator_class is LiLAWClassifier else X[:, 0]
    origin = np.arange(120) % 4 == 0
    w = rng.uniform(0.5, 2.0, 120)
    est = estimator_class(**fast, **paper, random_state=0)
    est.fit(X, y, sample_origin=origin, sample_weight=w)
    assert np.isfinite(est.history[-1, "train_loss"])
    assert est.lilaw_params_ != {"alpha": 10.0, "beta": 2.0, "delta": 6.0}


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (np.ones(10), "one entry per row"),
        (np.ones((300, 2)), "1-d"),
        (np.r_[-1.0, np.ones(299)], ">= 0"),
        (np.r_[np.nan, np.ones(299)], "finite"),
        (np.zeros(300), "non-zero"),
    ],
)
def test_bad_sample_weight_is_an_error(
    classification_data, fast, sample_weight, message
):
    X, y, _ = classification_data
    with pytest.raises(ValueError, match="sample_weight") as error:
        LiLAWClassifier(**fast).fit(X, y, sample_weight=sample_weight)
    assert message in str(error.value)


def test_sample_weight_is_not_modified(classification_data, fast):
    X, y, origin = classification_data
    w = np.linspace(0.1, 2.0, len(y))
    before = w.copy()
    LiLAWClassifier(**fast).fit(X, y, sample_origin=origin, sample_weight=w)
    np.testing.assert_array_equal(w, before)


def test_partial_fit_takes_sample_weight(classification_data, fast):
    X, y, _ = classification_data
    clf = LiLAWClassifier(**fast, random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y), sample_weight=np.full(len(y), 0.5))
    clf.partial_fit(X, y, sample_weight=np.full(len(y), 2.0))
    assert len(clf.history) == 2 * fast["max_epochs"]  # skorch: max_epochs per call


def test_routed_through_cross_val_score(classification_data, fast):
    # The case of the issue: every fit failed with a TypeError from the module.
    X, y, origin = classification_data
    w = np.linspace(0.5, 1.5, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        # fit requests sample_weight by default; score's request is the
        # user's to set, as for scikit-learn's estimators.
        clf = LiLAWClassifier(**fast, random_state=0)
        scores = cross_val_score(
            clf.set_score_request(sample_weight=False),
            X,
            y,
            params={"sample_origin": origin, "sample_weight": w},
            cv=3,
            error_score="raise",
        )
    assert np.isfinite(scores).all() and (scores > 0.5).all()


def test_without_routing_cross_val_score_passes_it_too(classification_data, fast):
    X, y, _ = classification_data
    scores = cross_val_score(
        LiLAWMultiLabelClassifier(**fast, random_state=0),
        X,
        np.c_[y == 0, y == 1].astype(int),
        params={"sample_weight": np.ones(len(y))},
        cv=3,
        error_score="raise",
    )
    assert np.isfinite(scores).all()


def test_torch_global_seed_is_untouched_by_weights(classification_data, fast):
    # sample_weight is data, not randomness: the same seed, the same fit.
    X, y, _ = classification_data
    w = np.linspace(0.5, 1.5, len(y))
    torch.manual_seed(3)
    first = LiLAWClassifier(**fast).fit(X, y, sample_weight=w).predict_proba(X)
    torch.manual_seed(3)
    second = LiLAWClassifier(**fast).fit(X, y, sample_weight=w).predict_proba(X)
    np.testing.assert_array_equal(first, second)
