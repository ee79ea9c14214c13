"""Multi-label weights and LiLAWMultiLabelClassifier."""

import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from sklearn_lilaw import LiLAWMultiLabelClassifier
from sklearn_lilaw.weights import multiclass_weights, multilabel_weights


@pytest.fixture
def fast(fast):
    """The shared fast settings, with the epochs this task needs to learn."""
    return {**fast, "hidden_layer_sizes": (32,), "max_epochs": 8}


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _parts(score, reference, alpha=10.0, beta=2.0, delta=6.0):
    return (
        _sigmoid(alpha * score - reference),
        _sigmoid(-(beta * score - reference)),
        math.exp(-((delta * score - reference) ** 2) / 2),
    )


def test_three_label_example_by_hand():
    # p = (0.9, 0.2, 0.7); labels 1 and 2 observed (k = 2):
    # score = mean(0.9, 0.2) = 0.55; reference = mean(0.9, 0.7) = 0.8.
    p = torch.tensor([[0.9, 0.2, 0.7]], dtype=torch.float64)
    w = multilabel_weights(
        torch.logit(p), torch.tensor([[1, 1, 0]]), 10, 2, 6, return_components=True
    )
    np.testing.assert_allclose([c.item() for c in w], _parts(0.55, 0.8), rtol=1e-6)


def test_rows_with_different_numbers_of_labels():
    p = torch.tensor(
        [[0.9, 0.2, 0.7], [0.1, 0.6, 0.3], [0.5, 0.4, 0.8]], dtype=torch.float64
    )
    Y = torch.tensor([[0, 0, 1], [1, 1, 1], [1, 0, 1]])
    w = multilabel_weights(torch.logit(p), Y, 10, 2, 6)
    expected = [
        sum(_parts(0.7, 0.9)),  # k=1: p of label 3 vs the top value
        sum(_parts(1.0 / 3, 1.0 / 3)),  # k=3: both are the mean of all
        sum(_parts(0.65, 0.65)),  # k=2: labels 1, 3 are the top two
    ]
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)


def test_no_positive_label_is_scored_on_the_negatives():
    p = torch.tensor([[0.1, 0.3, 0.2]], dtype=torch.float64)
    w = multilabel_weights(torch.logit(p), torch.zeros(1, 3), 10, 2, 6)
    q = 1 - 0.2  # mean(1 - p)
    assert w.item() == pytest.approx(sum(_parts(q, q)))
    assert torch.isfinite(w).all()


def test_one_hot_targets_match_the_multiclass_formula_on_sigmoids():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(20, 4, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 4, (20,), generator=gen)
    Y = torch.nn.functional.one_hot(y, 4)
    w = multilabel_weights(logits, Y, 10, 2, 6)
    p = torch.sigmoid(logits)
    py, pmax = p.gather(1, y[:, None]).squeeze(1), p.max(1).values
    expected = [sum(_parts(a.item(), b.item())) for a, b in zip(py, pmax)]
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)
    assert w.shape == multiclass_weights(logits, y, 10, 2, 6).shape


def test_multilabel_weights_are_differentiable_and_check_shapes():
    logits = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    Y = torch.tensor([[1, 0, 0], [0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1]])
    params = torch.tensor([10.0, 2.0, 6.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda lg, pr: multilabel_weights(lg, Y, pr[0], pr[1], pr[2]).sum(),
        (logits, params),
    )
    with pytest.raises(ValueError, match="same shape"):
        multilabel_weights(torch.zeros(2, 3), torch.zeros(2, 2), 10, 2, 6)


@pytest.fixture(scope="module")
def digits_labels():
    X, digit = load_digits(return_X_y=True)
    Y = np.c_[digit % 2 == 0, digit > 4, np.isin(digit, [2, 3, 5, 7])].astype(int)
    return (X / 16)[:600], Y[:600]


def test_fit_predict_and_metrics(digits_labels, fast):
    X, Y = digits_labels
    clf = LiLAWMultiLabelClassifier(**fast, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == (600, 3) and ((proba >= 0) & (proba <= 1)).all()
    pred = clf.predict(X)
    assert pred.shape == (600, 3) and set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(pred, (proba >= 0.5).astype(int))
    assert f1_score(Y, pred, average="macro") > 0.8
    strict = clf.set_params(threshold=0.9).predict(X)
    assert strict.sum() < pred.sum()


def test_meta_split_is_stratified_on_label_sets(digits_labels, fast, paper):
    X, Y = digits_labels
    clf = LiLAWMultiLabelClassifier(**paper, **fast, meta_size=0.2, random_state=0).fit(
        X, Y
    )
    keys = lambda rows: {tuple(r) for r in rows}  # noqa: E731
    assert keys(Y[clf.meta_indices_]) == keys(Y)


def test_grid_search_and_cross_val_with_f1_macro(digits_labels, fast):
    X, Y = digits_labels
    origin = np.random.RandomState(0).rand(600) < 0.3
    cv = KFold(3, shuffle=True, random_state=0)
    clf = LiLAWMultiLabelClassifier(**fast, random_state=0)
    scores = cross_val_score(
        clf, X, Y, cv=cv, scoring="f1_macro", params={"sample_origin": origin}
    )
    assert np.all(scores > 0.6)
    search = GridSearchCV(clf, {"lr": [1e-3, 1e-2]}, scoring="f1_macro", cv=cv)
    search.fit(X, Y, sample_origin=origin)
    assert search.best_score_ > 0.6


def test_one_dimensional_class_labels_are_one_hot_encoded(digits_labels, fast):
    X, _ = digits_labels
    y = np.array(["a", "b", "c"])[np.arange(600) % 3]
    clf = LiLAWMultiLabelClassifier(**fast, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict(X).shape == (600,)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_targets_must_be_zero_or_one(digits_labels, fast):
    X, Y = digits_labels
    with pytest.raises(ValueError, match="binary indicator matrix of 0/1"):
        LiLAWMultiLabelClassifier(**fast).fit(X, Y * 2)
    clf = LiLAWMultiLabelClassifier(**fast).fit(X, Y)
    with pytest.raises(ValueError, match="number of labels"):
        clf.partial_fit(X, Y[:, :2])
