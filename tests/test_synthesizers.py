"""Synthetic rows made inside fit: the generators and the estimators' use of them."""

import sys

import numpy as np
import pytest
import torch
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.model_selection import KFold, cross_val_score, cross_validate

from sklearn_lilaw import LiLAWClassifier, LiLAWRegressor
from sklearn_lilaw.synthesizers import (
    GaussianAugmenter,
    GaussianMixtureSynthesizer,
    ImblearnSynthesizer,
)

fast = dict(hidden_layer_sizes=(16,), max_epochs=3, lr=0.01, batch_size=64)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(200, 6, n_informative=4, n_classes=3, random_state=0)
    return X, y


def test_gaussian_mixture_synthesizer(data):
    X, y = data
    X_copy = X.copy()
    synth = GaussianMixtureSynthesizer(ratio=0.5, n_components=2, random_state=0)
    X_res, y_res = synth.fit_resample(X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(X_res[:200], X)  # originals first
    counts = np.bincount(y)
    np.testing.assert_array_equal(
        np.bincount(y_res[200:]), np.floor(0.5 * counts + 0.5)
    )
    assert synth.n_synthetic_ == len(y_res) - 200
    np.testing.assert_array_equal(synth.sample_origin_, np.arange(len(y_res)) >= 200)
    # New rows sit near their class: each class mean is recovered.
    for label in range(3):
        new = X_res[200:][y_res[200:] == label]
        assert np.abs(new.mean(0) - X[y == label].mean(0)).max() < 1.0
    again = GaussianMixtureSynthesizer(ratio=0.5, n_components=2, random_state=0)
    np.testing.assert_array_equal(again.fit_resample(X, y)[0], X_res)
    assert GaussianMixtureSynthesizer(ratio=0).fit_resample(X, y)[0].shape == X.shape
    with pytest.raises(ValueError, match="ratio must be"):
        GaussianMixtureSynthesizer(ratio=-1).fit_resample(X, y)


def test_imblearn_synthesizer(data, monkeypatch):
    X, y = data
    synth = ImblearnSynthesizer("SMOTE", ratio=1.0, random_state=0)
    X_res, y_res = synth.fit_resample(X, y)
    np.testing.assert_array_equal(np.bincount(y_res), 2 * np.bincount(y))
    np.testing.assert_array_equal(X_res[:200], X)
    assert synth.n_synthetic_ == 200
    wrapped = ImblearnSynthesizer(SMOTE(k_neighbors=3), ratio=0.5, random_state=0)
    assert wrapped.fit_resample(X, y)[0].shape[0] == 300
    with pytest.raises(ValueError, match="not in imblearn.over_sampling"):
        ImblearnSynthesizer("NoSuchSampler").fit_resample(X, y)
    monkeypatch.setitem(sys.modules, "imblearn", None)
    with pytest.raises(ImportError, match="pip install imbalanced-learn"):
        ImblearnSynthesizer().fit_resample(X, y)


def test_estimator_adds_rows_made_from_its_real_training_rows(data, fast, paper):
    X, y = data
    seen = []

    def jitter(X_src, y_src, random_state):
        seen.append(X_src.copy())
        rng = np.random.RandomState(random_state)
        return X_src + 0.1 * rng.randn(*X_src.shape), y_src

    is_synthetic = np.arange(200) % 4 == 0  # 50 rows already synthetic
    clf = LiLAWClassifier(**paper, **fast, synthesizer=jitter, random_state=0)
    clf.fit(X, y, sample_origin=is_synthetic)
    source = seen[0]
    meta = clf.meta_indices_
    assert clf.n_synthetic_ == len(source) == 200 - 50 - len(meta)
    assert clf.n_train_samples_ == 200 - len(meta) + clf.n_synthetic_
    rows = {tuple(np.float32(r)) for r in source}
    assert not rows & {tuple(np.float32(r)) for r in X[meta]}  # no meta row
    assert not rows & {tuple(np.float32(r)) for r in X[is_synthetic]}
    assert clf.history[-1, "weight_synthetic"] > 0


def test_synthetic_rows_come_from_the_training_fold_only(data, fast):
    X, y = data
    seen = []

    def copy_rows(X_src, y_src, random_state):
        seen.append({tuple(np.float32(r)) for r in X_src})
        return X_src, y_src

    cv = KFold(4, shuffle=True, random_state=0)
    cross_validate(
        LiLAWClassifier(**fast, synthesizer=copy_rows), X, y, cv=cv, error_score="raise"
    )
    # Two runs per fold: the fit's (meta rows out), the refit's (all rows).
    assert len(seen) == 8
    for k, (train, test) in enumerate(cv.split(X)):
        fit_rows, refit_rows = seen[2 * k], seen[2 * k + 1]
        assert refit_rows == {tuple(np.float32(r)) for r in X[train]}
        assert fit_rows < refit_rows
        assert not refit_rows & {tuple(np.float32(r)) for r in X[test]}


def test_imblearn_sampler_directly_in_cross_val_score(data, fast):
    X, y = data
    clf = LiLAWClassifier(**fast, synthesizer=SMOTE(), random_state=0)
    scores = cross_val_score(clf, X, y, cv=KFold(3, shuffle=True, random_state=0))
    assert np.all(scores > 0.3)
    clf.fit(X, y)  # the refit's rows: SMOTE on every row balances them
    counts = np.bincount(y)
    assert clf.n_synthetic_ == 3 * counts.max() - counts.sum()
    assert clf.n_train_samples_ == 3 * counts.max()
    clf.set_params(synthesizer=ImblearnSynthesizer(ratio=1.0)).fit(X, y)
    assert clf.n_synthetic_ == 200 and clf.n_train_samples_ == 400
    assert clf.synthesizer_.sampler_.random_state is not None  # seeded


def test_regression_with_the_augmenter(data, fast):
    X, y = data
    target = X[:, 0] * 3.0
    reg = LiLAWRegressor(**fast, synthesizer=GaussianAugmenter(fraction=0.5))
    reg.fit(X, target)  # the refit's rows, made from every row
    assert reg.n_synthetic_ == 100 and reg.n_train_samples_ == 300
    reg.set_params(refit=False).fit(X, target)  # the meta rows are not used
    assert reg.n_synthetic_ == round(0.5 * (200 - len(reg.meta_indices_)))


def test_synthetic_weight_scales_the_loss_of_synthetic_rows(data, fast):
    X, y = data
    clf = LiLAWClassifier(**fast, lilaw=False, synthetic_weight=0.25).fit(X, y)
    logits = torch.randn(4, 3)
    target = torch.tensor([0, 1, 2, 0])
    origin = torch.tensor([False, True, True, False])
    loss = clf.get_loss(
        logits, target, X={"X": None, "sample_origin": origin}, training=True
    )
    ce = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    expected = (ce * torch.tensor([1.0, 0.25, 0.25, 1.0])).mean()
    assert loss.item() == pytest.approx(expected.item())
    with pytest.raises(ValueError, match="'synthetic_weight' parameter"):
        LiLAWClassifier(synthetic_weight=-1.0).fit(X, y)


def test_bad_synthesizers_get_clear_errors(data, fast):
    X, y = data
    with pytest.raises(TypeError, match="fit_resample"):
        LiLAWClassifier(**fast, synthesizer=42).fit(X, y)

    class Shuffles:
        def fit_resample(self, X, y):
            return X[::-1], y[::-1]

    with pytest.raises(ValueError, match="input rows followed by the new rows"):
        LiLAWClassifier(**fast, synthesizer=Shuffles()).fit(X, y)
    with pytest.raises(ValueError, match="expected"):
        LiLAWClassifier(**fast, synthesizer=lambda X, y, rs: (X[:, :2], y)).fit(X, y)


@pytest.mark.parametrize("meta_origin", ["any", "synthetic"])
def test_meta_rows_never_reach_the_synthesizer(data, fast, meta_origin, paper):
    X, y = data
    seen = []

    def copies(X_real, y_real, random_state):
        seen.append(X_real.copy())
        return X_real + 0.01, y_real.copy()

    clf = LiLAWClassifier(
        **paper,
        **fast,
        synthesizer=copies,
        meta_origin=meta_origin,
        meta_size=0.5,
        random_state=0,
    ).fit(X, y)
    meta = clf.meta_indices_
    assert len(meta) == 100  # half of the rows given to fit
    shown = {tuple(row) for row in seen[0]}
    if meta_origin == "any":  # drawn from the given rows, held out of synthesis
        assert (meta < 200).all() and clf.n_synthetic_ == 100
        assert shown.isdisjoint(tuple(row) for row in X[meta].astype(np.float32))
    else:  # drawn from the synthetic rows, made from every real row
        assert (meta >= 200).all() and clf.n_synthetic_ == 200
    assert clf.n_train_samples_ == 200 + clf.n_synthetic_ - 100


def test_a_class_with_one_row_is_sampled_around_it():
    X = np.array([[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [5.0, 5.0]])
    y = np.array([0, 0, 0, 1])
    X_res, y_res = GaussianMixtureSynthesizer(ratio=2.0, random_state=0).fit_resample(
        X, y
    )
    lone = X_res[4:][y_res[4:] == 1]
    assert lone.shape == (2, 2) and np.abs(lone - 5.0).max() < 0.5


def test_custom_criterion_still_gives_probabilities(data, fast):
    X, y = data

    class Halved(torch.nn.CrossEntropyLoss):
        def forward(self, logits, target):
            return 0.5 * super().forward(logits, target)

    clf = LiLAWClassifier(**fast, criterion=Halved).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)
    clf.set_params(predict_nonlinearity=None)
    assert not np.allclose(clf.predict_proba(X).sum(axis=1), 1.0)  # raw logits


def _counting_jitter(seen):
    def jitter(X_real, y_real, random_state):
        seen.append(len(X_real))
        noise = np.random.RandomState(random_state).normal(0, 0.1, X_real.shape)
        return X_real + noise, y_real.copy()

    return jitter


def test_the_refit_trains_on_the_naive_mix_rows(data, fast):
    """The fit learns w_s from synthetic rows made without the meta rows; the
    refit runs the synthesizer again on every real row (same seed), so with
    w_s held at 1 it is the naive mix's fit."""
    X, y = data
    seen = []
    params = dict(
        **fast, synthesizer=_counting_jitter(seen), meta_size=0.25, random_state=0
    )
    held = LiLAWClassifier(**params, synthetic_weight_lr=0.0).fit(X, y)
    assert seen == [150, 200]  # the fit's rows, then the refit's
    assert held.synthetic_weight_ == 1.0 and len(held.meta_indices_) == 50
    assert held.n_synthetic_ == 200 and held.n_train_samples_ == 400
    naive = LiLAWClassifier(**params, synthetic_weight=1.0).fit(X, y)
    assert seen[2:] == [200] and naive.n_train_samples_ == 400
    np.testing.assert_array_equal(held.predict_proba(X), naive.predict_proba(X))


@pytest.mark.parametrize(
    "meta_origin, runs", [("any", [150, 200]), ("synthetic", [200])]
)
def test_a_lilaw_refit_runs_the_synthesizer_again_only_if_meta_rows_missed_it(
    data, fast, paper, meta_origin, runs
):
    X, y = data
    seen = []
    clf = LiLAWClassifier(
        **paper, **fast, synthesizer=_counting_jitter(seen), meta_origin=meta_origin,
        meta_size=0.25, refit=True, random_state=0,
    ).fit(X, y)  # fmt: skip
    assert seen == runs and clf.n_synthetic_ == 200
    assert clf.n_train_samples_ == 400 and len(clf.meta_indices_) == 50
