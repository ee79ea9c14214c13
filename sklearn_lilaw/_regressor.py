"""Regression with LiLAW."""

import functools

import numpy as np
import torch
from sklearn.utils.metaestimators import available_if
from skorch import NeuralNetRegressor
from skorch.dataset import Dataset

from ._engine import LiLAWMixin
from ._engine._docs import fill_doc, init_arguments
from ._engine._params import TASK_CONSTRAINTS
from .data import TensorBatchIterator
from .weights import regression_scores

__all__ = ["LiLAWRegressor"]


@fill_doc("")
class LiLAWRegressor(LiLAWMixin, NeuralNetRegressor):
    """Neural-network regressor that learns how much synthetic rows count.

    A skorch :class:`~skorch.regressor.NeuralNetRegressor` (per-sample MSE by
    default).

    %(synthetic_rows)s

    With LiLAW, each sample's loss is weighted by the easy/hard/moderate
    weights, with ``p * s[y] - max(s)`` replaced by ``(p * f - y) / R`` for
    prediction ``f``, target ``y`` and target range ``R``
    (:func:`~sklearn_lilaw.weights.regression_weights`).

    Parameters
    ----------
    %(lilaw_parameters)s
    target_range : float or None, default=None
        ``R``. None learns it from the targets passed to ``fit`` as
        ``max(y) - min(y)`` (per output for 2-d ``y``); a float is used for
        every output (the pain-intensity experiments use ``R = 16``). A range
        of 0 is replaced by 1.
    criterion : torch loss class, default=torch.nn.MSELoss
        Per-sample loss; built with ``reduction='none'`` and averaged over
        outputs. Any elementwise regression loss works (e.g.
        ``torch.nn.L1Loss``, ``torch.nn.HuberLoss``).
    %(training_parameters)s

    Attributes
    ----------
    target_range_ : ndarray of shape (n_outputs,)
        The ``R`` used, per output.
    n_outputs_ : int
        Number of regression targets.
    %(fitted_attributes)s

    See Also
    --------
    skorch.regressor.NeuralNetRegressor : The skorch net this extends.
    sklearn.neural_network.MLPRegressor : scikit-learn's own MLP.

    Notes
    -----
    ``W_delta`` is the Gaussian ``exp(-((delta * f - y) / R) ** 2 / 2)``: the
    synthetic-data paper's summary table prints a sigmoid for it, but its text
    substitutes the Gaussian. For 2-d ``y`` each weight component is the mean
    over outputs. The meta split is drawn at random (no stratification).

    References
    ----------
    %(references)s

    Examples
    --------
    Regress a 0-16 score and threshold it into a decision, as in the pain
    experiments:

    >>> import numpy as np
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.metrics import roc_auc_score
    >>> from sklearn_lilaw import LiLAWRegressor
    >>> X, score = make_regression(n_samples=400, n_features=6, random_state=0)
    >>> score = 16 * (score - score.min()) / (score.max() - score.min())
    >>> reg = LiLAWRegressor(target_range=16.0, max_epochs=40, lr=0.01,
    ...                      random_state=0).fit(X, score)
    >>> reg.predict(X).shape
    (400,)
    >>> roc_auc_score(score > 8, reg.predict(X)) > 0.9
    True
    """

    _parameter_constraints = {
        **LiLAWMixin._parameter_constraints,
        "target_range": TASK_CONSTRAINTS["target_range"],
    }
    _task_params = ("target_range",)

    def __init__(
        self,
        module=None,
        *,
        hidden_layer_sizes=(100,),
        alpha=10.0,
        beta=2.0,
        delta=6.0,
        meta_lr=0.005,
        meta_weight_decay=1e-4,
        warmup_epochs=1,
        meta_size=0.05,
        meta_batch_size=None,
        meta_origin=None,
        detach_weights=False,
        lilaw=False,
        synthesizer=None,
        synthetic_weight="auto",
        synthetic_weight_lr="auto",
        synthetic_weight_interval=4,
        refit="auto",
        target_range=None,
        criterion=torch.nn.MSELoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=100,
        batch_size=128,
        train_split=None,
        iterator_train=TensorBatchIterator,
        iterator_valid=TensorBatchIterator,
        callbacks=None,
        warm_start=False,
        device="cpu",
        verbose=0,
        random_state=None,
        predict_nonlinearity="auto",
        compile=False,
        use_caching="auto",
        torch_load_kwargs=None,
        dataset=Dataset,
        **kwargs,
    ):
        super().__init__(**init_arguments(locals()))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # -- task hooks ---------------------------------------------------------
    def _y_validation_kwargs(self):
        return {"multi_output": True, "y_numeric": True}

    def _validate_targets(self, y, *, reset, classes=None):
        y = np.asarray(y, dtype=np.float64)
        if np.isnan(y).any():
            raise ValueError("y contains NaN.")
        with np.errstate(over="ignore"):
            y = y.astype(np.float32)
        if not np.isfinite(y).all():
            raise ValueError(
                "y has values too large for float32 (the estimators train in "
                "float32); rescale the targets, e.g. with TransformedTargetRegressor."
            )
        one_d = y.ndim == 1
        Y = y.reshape(-1, 1) if one_d else y
        if reset:
            R = self.target_range
            if R is None:
                R = Y.max(axis=0) - Y.min(axis=0)
            self.target_range_ = np.broadcast_to(
                np.asarray(R, dtype=np.float64), (Y.shape[1],)
            ).copy()
            self.n_outputs_ = Y.shape[1]
            self.one_d_target_ = one_d
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs; the estimator was fitted with "
                f"{self.n_outputs_}."
            )
        return Y, None

    def _n_outputs(self):
        return self.n_outputs_

    def _score_function(self, device):
        target_range = torch.as_tensor(self.target_range_, device=device)
        return functools.partial(regression_scores, target_range=target_range)

    # -- prediction ---------------------------------------------------------
    # skorch's nets all have predict_proba; a regressor has none.
    predict_proba = available_if(lambda self: False)(NeuralNetRegressor.predict_proba)

    def predict(self, X):
        """Return predictions, shape (n_samples,) or (n_samples, n_outputs).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Input data.

        Returns
        -------
        y_pred : ndarray
            1-d when the estimator was fitted on a 1-d ``y``.
        """
        y_pred = self._predict_transformed(X, lambda outputs: outputs)
        # A net initialised and loaded with load_params, never fitted, has no
        # target attributes: one output is then returned 1-d, as usual.
        one_d = getattr(self, "one_d_target_", y_pred.shape[1] == 1)
        return y_pred.ravel() if one_d else y_pred
