"""
=====================================
Grid search on a dask cluster
=====================================

The LiLAW estimators are scikit-learn estimators, so scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` tunes them, and joblib's dask
backend spreads its fits over the workers of a ``dask.distributed`` cluster:
a local one here, started and closed by the script, a real cluster in the
same way with its scheduler's address.

``sample_origin`` goes to ``search.fit`` next to ``X`` and ``y``; the search
cuts it with the rows of each cross-validation split, so every fit knows
which of its rows are synthetic. Needs ``pip install "sklearn-lilaw[dask]"``.
"""

# %%
# Data: real rows and noisy synthetic rows
# ----------------------------------------
#
# A small 3-class problem: 150 real rows, 300 synthetic rows (jittered copies
# of real rows, a third of them with a wrong label).
import logging

import joblib
import numpy as np
import pandas as pd
from dask.distributed import Client, LocalCluster
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_lilaw import LiLAWClassifier

X_real, y_real = make_classification(
    n_samples=150, n_features=10, n_informative=6, n_classes=3, random_state=0
)
rng = np.random.RandomState(0)
copy_of = rng.randint(150, size=300)
X_synthetic = X_real[copy_of] + rng.normal(0.0, 0.3, size=(300, 10))
y_synthetic = y_real[copy_of].copy()
wrong = rng.rand(300) < 1 / 3
y_synthetic[wrong] = (y_synthetic[wrong] + rng.randint(1, 3, wrong.sum())) % 3
X = np.vstack([X_real, X_synthetic]).astype(np.float32)
y = np.concatenate([y_real, y_synthetic])
is_synthetic = np.r_[np.zeros(150, bool), np.ones(300, bool)]

# %%
# Scoring on real rows only
# -------------------------
#
# A fold's held-out rows are real and synthetic; scored on all of them, the
# synthetic rows' wrong labels would count against the candidates that
# predict the right class. The scorer below scores the real rows of a fold
# only: it asks for ``sample_origin`` through scikit-learn's metadata routing,
# which the search then cuts per fold for the scorer as it does for ``fit``
# (the LiLAW estimators request ``sample_origin`` for ``fit`` by default).
from sklearn import config_context
from sklearn.metrics import accuracy_score, make_scorer


def real_rows_accuracy(y_true, y_pred, sample_origin):
    """Accuracy on the rows marked real (``sample_origin`` False)."""
    real = ~np.asarray(sample_origin, dtype=bool)
    return accuracy_score(y_true[real], y_pred[real])


# %%
# The search
# ----------
#
# Four candidates: the synthetic rows' weight fixed at 1 (the naive mix) or
# learned (``"auto"``), each with two learning rates. Three folds, so twelve
# fits, then a refit of the best candidate on every row.
with config_context(enable_metadata_routing=True):
    scorer = make_scorer(real_rows_accuracy).set_score_request(sample_origin=True)
search = GridSearchCV(
    LiLAWClassifier(hidden_layer_sizes=(32,), max_epochs=20, random_state=0),
    param_grid={"synthetic_weight": [1.0, "auto"], "lr": [1e-3, 1e-2]},
    scoring=scorer,
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
)

# %%
# On a local dask cluster
# -----------------------
#
# Two worker processes with one thread each. Worker processes (not threads)
# keep the search reproducible: each fit seeds torch's random number
# generator, which the threads of one process would share. The ``with``
# blocks close the client and shut the cluster down when the search is done,
# also when it fails. Inside ``joblib.parallel_backend("dask")`` the search's
# fits run on the workers; the final refit of the best candidate runs here.
#
# The workers are new Python processes that import this script before they
# start, so, in a script, the code that starts the cluster goes under
# ``if __name__ == "__main__":`` (as for any use of ``multiprocessing``);
# the rest of the script then runs in the workers too, which is harmless
# here. For a remote cluster, replace the ``LocalCluster`` with its
# scheduler's address: ``Client("tcp://scheduler:8786")``.
if __name__ == "__main__":
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
        config_context(enable_metadata_routing=True),
    ):
        print(f"{len(client.scheduler_info()['workers'])} workers")
        with joblib.parallel_backend("dask"):
            search.fit(X, y, sample_origin=is_synthetic)

    # The results, best first (accuracy on the real rows of the held-out folds)
    results = pd.DataFrame(search.cv_results_).sort_values("rank_test_score")
    columns = ["param_synthetic_weight", "param_lr", "mean_test_score"]
    print(results[columns + ["std_test_score"]].round(3).to_string(index=False))

    # The best candidate, and its weight of a synthetic row (learned, or the
    # one it was given):
    print("best:", search.best_params_)
    weight = search.best_estimator_.synthetic_weight_
    print(f"its weight of a synthetic row: {weight:.3f}")

# %%
# A weight of 1 lets the synthetic rows' wrong labels into training as if
# they were right; the learned weight can turn them down. The search compares
# the two on what matters, the real rows of each held-out fold.
