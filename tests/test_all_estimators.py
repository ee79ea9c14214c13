"""Behaviour every LiLAW estimator shares, run on each of the three."""

import pickle

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback
from torch import nn

from sklearn_lilaw import LiLAWRegressor


def test_history_and_fitted_lilaw_state(task, fast, paper):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**fast, **paper, random_state=0).fit(
        X, y, sample_origin=is_synthetic
    )
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


def test_lilaw_false_trains_plainly_on_every_row(task, fast):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**fast, lilaw=False, synthetic_weight=1.0)
    est.fit(X, y, sample_origin=is_synthetic)
    assert est.n_train_samples_ == 200 and est.meta_indices_.size == 0
    assert "alpha" not in est.history[-1]


def test_defaults_learn_the_synthetic_weight_then_refit_on_every_row(task, fast):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**fast, random_state=0).fit(X, y, sample_origin=is_synthetic)
    assert not est.lilaw and not hasattr(est, "lilaw_params_")
    # Learned on 10 real meta rows, then a refit on all 200 rows.
    assert len(est.meta_indices_) == 10 and est.n_train_samples_ == 200
    assert est.history[:, "refit"] == [False] * 3 + [True] * 3
    assert 0 < est.synthetic_weight_ <= 1
    assert est.history[-1, "synthetic_weight"] == est.synthetic_weight_
    assert "alpha" not in est.history[-1]


def test_defaults_without_synthetic_rows_are_plain_training(task, fast):
    Estimator, X, y, _ = task
    est = Estimator(**fast, random_state=0).fit(X, y)
    plain = Estimator(**fast, random_state=0, synthetic_weight=1.0).fit(X, y)
    assert est.meta_indices_.size == 0 and est.n_train_samples_ == 200
    assert len(est.history) == 3 and est.synthetic_weight_ == 1.0
    np.testing.assert_array_equal(est.predict(X), plain.predict(X))


def test_sample_origin_is_kept_from_forward(task):
    Estimator, X, y, is_synthetic = task

    class Strict(nn.Module):
        def __init__(self, n_features_in, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_features_in, n_outputs)

        def forward(self, X):  # no **kwargs: extra arguments would raise
            return self.linear(X)

    Estimator(module=Strict, max_epochs=2).fit(X, y, sample_origin=is_synthetic)


def test_pickle_and_clone(task, fast):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**fast, random_state=0).fit(X, y, sample_origin=is_synthetic)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    twin = clone(est)
    assert twin.get_params()["lr"] == 0.01 and not hasattr(twin, "module_")


@pytest.mark.parametrize("routing", [False, True])
def test_cross_validate_and_pipeline_route_sample_origin(task, fast, routing):
    Estimator, X, y, is_synthetic = task
    with sklearn.config_context(enable_metadata_routing=routing):
        result = cross_validate(
            Estimator(**fast, random_state=0),
            X,
            y,
            cv=KFold(3, shuffle=True, random_state=0),
            params={"sample_origin": is_synthetic},
            return_estimator=True,
            return_indices=True,
        )
        for est, train in zip(result["estimator"], result["indices"]["train"]):
            assert not is_synthetic[train][est.meta_indices_].any()
        pipe = make_pipeline(StandardScaler(), Estimator(**fast, random_state=0))
        step = pipe.steps[-1][0]
        if routing:
            pipe.fit(X, y, sample_origin=is_synthetic)
        else:
            pipe.fit(X, y, **{f"{step}__sample_origin": is_synthetic})
        assert not is_synthetic[pipe[-1].meta_indices_].any()


def test_errors_name_the_parameter(task, fast):
    Estimator, X, y, _ = task
    with pytest.raises(ValueError, match="sample_origin"):
        Estimator(**fast).fit(X, y, sample_origin=np.zeros(3))
    with pytest.raises(ValueError, match="no real rows"):
        Estimator(**fast).fit(X, y, sample_origin=np.ones(200, bool))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Estimator(**fast).fit(X_nan, y)


def test_a_row_predicts_the_same_up_to_float32_rounding(task, fast):
    # predict runs the rows it is given, and no more, through the module;
    # float32 matrix products of different sizes may differ in the last bit.
    Estimator, X, y, _ = task
    est = Estimator(**fast, random_state=0).fit(X, y)
    full = est.predict(X)
    for rows in (slice(0, 7), slice(150, 151), slice(None, None, -1)):
        np.testing.assert_allclose(est.predict(X[rows]), full[rows], rtol=1e-5)


class _PickleEachEpoch(Callback):
    """Pickles the net at the end of every epoch, as a checkpoint would."""

    def initialize(self):
        self.pickles = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.pickles.append(pickle.dumps(net))


def test_a_net_pickled_during_fit_leaves_the_fit_state_out(task, fast, paper):
    Estimator, X, y, is_synthetic = task
    est = Estimator(**fast, **paper, random_state=0, callbacks=[_PickleEachEpoch()])
    est.fit(X, y, sample_origin=is_synthetic)
    pickles = dict(est.callbacks_)["_PickleEachEpoch"].pickles
    assert len(pickles) == 3
    restored = pickle.loads(pickles[-1])
    assert "_fit_state" not in vars(restored)  # no meta rows in the pickle
    np.testing.assert_allclose(restored.predict(X), est.predict(X))
