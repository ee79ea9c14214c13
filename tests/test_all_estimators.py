"""Behaviour every LiLAW estimator shares, run on each of the three."""

import pickle

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor

FAST = dict(hidden_layer_sizes=(16,), max_epochs=3, lr=0.01, batch_size=64)


def _task(name):
    """(estimator class, X, y, is_synthetic) for each task, 200 rows."""
    rng = np.random.RandomState(0)
    is_synthetic = rng.rand(200) < 0.4
    if name == "classifier":
        X, y = make_classification(200, 6, n_informative=4, n_classes=3, random_state=0)
        return LiLAWClassifier, X, y, is_synthetic
    if name == "multilabel":
        X, c = make_classification(200, 6, n_informative=4, n_classes=4, random_state=0)
        Y = np.c_[c % 2 == 0, c > 1, c == 3].astype(int)
        return LiLAWMultiLabelClassifier, X, Y, is_synthetic
    X, y = make_regression(200, 6, n_targets=1, noise=5.0, random_state=0)
    return LiLAWRegressor, X, y, is_synthetic


TASKS = ["classifier", "multilabel", "regressor"]


@pytest.fixture(params=TASKS)
def task(request):
    return _task(request.param)


def test_history_and_fitted_lilaw_state(task):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**FAST, random_state=0).fit(X, y, sample_origin=is_synthetic)
    h = est.history
    assert h[0, "alpha"] == 10.0 and h[-1, "alpha"] != 10.0  # warm-up, then steps
    if Estimator is not LiLAWRegressor:
        # The paper's signs hold for probabilities; a regression gap
        # (p * f - y) / R moves alpha whichever way the predictions' sign says.
        assert h[-1, "alpha"] < 10.0 and h[-1, "beta"] > 2.0
    assert not np.isnan(h[-1, "weight_real"]) and not np.isnan(
        h[-1, "weight_synthetic"]
    )
    assert h[-1, "meta_loss"] > 0
    assert set(est.lilaw_params_) == {"alpha", "beta", "delta"}
    assert len(est.meta_indices_) == 10 and not is_synthetic[est.meta_indices_].any()
    assert est.n_train_samples_ == 190


def test_lilaw_false_trains_plainly_on_every_row(task):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**FAST, lilaw=False).fit(X, y, sample_origin=is_synthetic)
    assert est.n_train_samples_ == 200 and est.meta_indices_.size == 0
    assert "alpha" not in est.history[-1]


def test_sample_origin_is_kept_from_forward(task):
    Estimator, X, y, is_synthetic = task

    class Strict(nn.Module):
        def __init__(self, n_features_in, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_features_in, n_outputs)

        def forward(self, X):  # no **kwargs: extra arguments would raise
            return self.linear(X)

    Estimator(module=Strict, max_epochs=2).fit(X, y, sample_origin=is_synthetic)


def test_pickle_and_clone(task):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**FAST, random_state=0).fit(X, y, sample_origin=is_synthetic)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    twin = clone(est)
    assert twin.get_params()["lr"] == 0.01 and not hasattr(twin, "module_")


@pytest.mark.parametrize("routing", [False, True])
def test_cross_validate_and_pipeline_route_sample_origin(task, routing):
    Estimator, X, y, is_synthetic = task
    with sklearn.config_context(enable_metadata_routing=routing):
        result = cross_validate(
            Estimator(**FAST, random_state=0),
            X,
            y,
            cv=KFold(3, shuffle=True, random_state=0),
            params={"sample_origin": is_synthetic},
            return_estimator=True,
            return_indices=True,
        )
        for est, train in zip(result["estimator"], result["indices"]["train"]):
            assert not is_synthetic[train][est.meta_indices_].any()
        pipe = make_pipeline(StandardScaler(), Estimator(**FAST, random_state=0))
        step = pipe.steps[-1][0]
        if routing:
            pipe.fit(X, y, sample_origin=is_synthetic)
        else:
            pipe.fit(X, y, **{f"{step}__sample_origin": is_synthetic})
        assert not is_synthetic[pipe[-1].meta_indices_].any()


def test_errors_name_the_parameter(task):
    Estimator, X, y, _ = task
    with pytest.raises(ValueError, match="sample_origin"):
        Estimator(**FAST).fit(X, y, sample_origin=np.zeros(3))
    with pytest.raises(ValueError, match="no real rows"):
        Estimator(**FAST).fit(X, y, sample_origin=np.ones(200, bool))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Estimator(**FAST).fit(X_nan, y)


def test_device_auto(task):
    Estimator, X, y, _ = task
    est = Estimator(**FAST, device="auto").fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(est.module_.parameters()).device.type == expected
    assert est.get_params()["device"] == "auto"


def test_a_row_predicts_the_same_whatever_it_is_predicted_with(task):
    Estimator, X, y, _ = task
    est = Estimator(**FAST, random_state=0).fit(X, y)
    full = est.predict(X)
    np.testing.assert_array_equal(est.predict(X[:7]), full[:7])
    np.testing.assert_array_equal(est.predict(X[150:151]), full[150:151])
    np.testing.assert_array_equal(est.predict(X[::-1]), full[::-1])
