"""scikit-learn meta-estimators, with metadata routing off and on."""

import numpy as np
import pytest
import sklearn
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lilaw import LiLAWClassifier

fast = dict(hidden_layer_sizes=(16,), max_epochs=3, lr=0.01, batch_size=64)
CV = KFold(3, shuffle=True, random_state=0)


@pytest.fixture(params=[False, True], ids=["routing-off", "routing-on"])
def routing(request):
    with sklearn.config_context(enable_metadata_routing=request.param):
        yield request.param


def _meta_rows_are_real(result, is_synthetic):
    """Each fold's meta split holds only real rows of that fold's training
    part, and the refit (the default with synthetic rows) trained on all of it."""
    for est, train in zip(result["estimator"], result["indices"]["train"]):
        fold_origin = is_synthetic[train]
        assert len(est.meta_indices_) == 10 and est.n_train_samples_ == len(train)
        assert not fold_origin[est.meta_indices_].any()


def test_cross_validate_slices_sample_origin_per_fold(
    classification_data, routing, fast
):
    X, y, is_synthetic = classification_data
    clf = LiLAWClassifier(**fast, random_state=0)
    result = cross_validate(
        clf,
        X,
        y,
        cv=CV,
        params={"sample_origin": is_synthetic},
        return_estimator=True,
        return_indices=True,
    )
    _meta_rows_are_real(result, is_synthetic)
    assert np.all(result["test_score"] > 0.4)
    scores = cross_val_score(clf, X, y, cv=CV, params={"sample_origin": is_synthetic})
    np.testing.assert_allclose(scores, result["test_score"])


def test_all_synthetic_fold_is_reported(classification_data, routing, fast):
    X, y, _ = classification_data
    with pytest.raises(ValueError, match="no real rows"):
        cross_validate(
            LiLAWClassifier(**fast),
            X,
            y,
            cv=CV,
            params={"sample_origin": np.ones(300, bool)},
            error_score="raise",
        )


def test_pipeline_and_grid_search_without_routing(classification_data, fast):
    X, y, is_synthetic = classification_data
    pipe = make_pipeline(StandardScaler(), LiLAWClassifier(**fast, random_state=0))
    pipe.fit(X, y, lilawclassifier__sample_origin=is_synthetic)
    assert not is_synthetic[pipe[-1].meta_indices_].any()
    search = GridSearchCV(pipe, {"lilawclassifier__lr": [1e-3, 1e-2]}, cv=CV)
    search.fit(X, y, lilawclassifier__sample_origin=is_synthetic)
    assert search.best_params_["lilawclassifier__lr"] in (1e-3, 1e-2)
    assert not is_synthetic[search.best_estimator_[-1].meta_indices_].any()
    direct = GridSearchCV(LiLAWClassifier(**fast), {"alpha": [5.0, 10.0]}, cv=CV)
    direct.fit(X, y, sample_origin=is_synthetic)
    assert len(direct.cv_results_["mean_test_score"]) == 2


def test_pipeline_and_grid_search_with_routing(classification_data, fast):
    X, y, is_synthetic = classification_data
    with sklearn.config_context(enable_metadata_routing=True):
        # No set_fit_request: LiLAW estimators request sample_origin by default.
        pipe = make_pipeline(StandardScaler(), LiLAWClassifier(**fast, random_state=0))
        pipe.fit(X, y, sample_origin=is_synthetic)
        assert not is_synthetic[pipe[-1].meta_indices_].any()
        search = GridSearchCV(
            pipe, {"lilawclassifier__lr": [1e-3, 1e-2]}, cv=CV, error_score="raise"
        )
        search.fit(X, y, sample_origin=is_synthetic)
        assert not is_synthetic[search.best_estimator_[-1].meta_indices_].any()
        # Pipeline.score passes sample_weight=None under routing; the search
        # scored every candidate (a refused argument would give NaN scores).
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()
        # With sample_weight, the requests are the user's choice, as for
        # scikit-learn's own estimators (fit requests it by default). A
        # False score request would hit scikit-learn's Pipeline.score, which
        # refuses the sample_weight=None it passes itself (scikit-learn 1.9).
        weights = np.linspace(0.5, 1.5, len(y))
        pipe[0].set_fit_request(sample_weight=False)
        pipe[-1].set_score_request(sample_weight=True)
        search.fit(X, y, sample_origin=is_synthetic, sample_weight=weights)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_skorch_set_fit_request_keeps_working():
    with sklearn.config_context(enable_metadata_routing=True):
        clf = LiLAWClassifier().set_fit_request(sample_origin=True, extra=True)
        requests = clf.get_metadata_routing()._self_request.fit.requests
        assert requests == {
            "sample_origin": True,
            "sample_weight": True,
            "extra": True,
        }
        routing = LiLAWClassifier().get_metadata_routing()
        assert routing._self_request.fit.requests == {
            "sample_origin": True,
            "sample_weight": True,
        }


def test_grid_search_in_parallel(classification_data, fast):
    X, y, is_synthetic = classification_data
    search = GridSearchCV(
        LiLAWClassifier(**fast, random_state=0),
        {"lr": [1e-3, 1e-2]},
        cv=CV,
        n_jobs=2,
    )
    search.fit(X, y, sample_origin=is_synthetic)
    assert search.best_estimator_.predict(X).shape == (300,)
