"""The LiLAW training engine, shared by every estimator.

:class:`LiLAWMixin` goes in front of a skorch net class
(``class LiLAWClassifier(LiLAWMixin, NeuralNetClassifier)``) and adds
Algorithm 1 of LiLAW through skorch's extension points only:

- ``fit`` / ``partial_fit``: scikit-learn input validation, then
  :func:`~._fit_data.prepare_fit_data` (origins, synthetic rows, the held-out
  meta split), then skorch's own fit loop;
- ``train_step_single``: the model step, with the LiLAW-weighted loss of the
  batch (alpha, beta, delta frozen) from the fit's loss kernel
  (:mod:`._kernels`, built once per fit);
- ``train_step``: skorch's optimizer step, then the meta step: one meta batch,
  the closed-form gradient for alpha, beta, delta and the update rule of
  :func:`~sklearn_lilaw.weights.meta_update`;
- the ``'lilaw_history'`` callback (:mod:`._history`) records the scalars,
  weights and meta loss per epoch.

Task contract
-------------
A task (classification, multi-label, regression) is a subclass that supplies:

``_validate_targets(y, *, reset, classes=None)`` (required)
    Check ``y``, set fitted target attributes when ``reset`` and return
    ``(encoded_y, stratify_labels_or_None)``.
``_n_outputs()`` (required)
    The module's output size, once ``_validate_targets`` has run.
``_score_function(device)`` (required)
    A callable ``(y_pred, y_true) -> (score, reference)``: the task's inputs
    of :func:`~sklearn_lilaw.weights.weights_from_scores`.
``_task_params`` (optional)
    Names of the task's own constructor parameters (``threshold``, say).
``_y_validation_kwargs()``, ``_meta_min_size()``, ``_stratify_labels(y)``
    (optional) ``validate_data`` options for ``y``; the smallest meta split;
    labels to stratify synthetic rows on.

Beside it: the skorch-compatibility shims (:mod:`._skorch_compat`), the
building of module and criterion (:mod:`._components`), and datasets,
iterators and predictions (:mod:`._data_io`).
"""

import numpy as np
import torch
from sklearn.utils.validation import validate_data
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

from ..weights import meta_update
from ._components import ComponentsMixin
from ._data_io import DataIOMixin
from ._fit_data import prepare_fit_data
from ._history import LiLAWHistory
from ._kernels import LossKernel
from ._origin import check_sample_origin
from ._params import check_lilaw_params
from ._seeding import fit_rng
from ._skorch_compat import SkorchCompatMixin
from ._tensors import training_tensors

__all__ = ["LiLAWMixin"]


class _FitState:
    """What one call to ``fit`` needs beside the net; dropped when it ends.

    Holding the meta split here (and not as fitted attributes) keeps training
    data out of pickled estimators.
    """

    def __init__(self, kernel, meta):
        self.kernel = kernel
        self.meta = meta  # a MetaBatchSampler, or None without a meta split


class LiLAWMixin(SkorchCompatMixin, ComponentsMixin, DataIOMixin):
    """LiLAW training for a skorch net; see the module docstring."""

    # Request ``sample_origin`` by default when metadata routing is enabled, so
    # that Pipeline, cross_validate and GridSearchCV pass it without a
    # ``set_fit_request`` call.
    __metadata_request__fit = {"sample_origin": True}
    __metadata_request__partial_fit = {"sample_origin": True}

    _fit_state = None

    # The parameters the engine adds to skorch's; each estimator spells out
    # its full signature (scikit-learn reads it) and adds its task's own
    # parameters in ``_task_params``.
    _lilaw_params = (
        "hidden_layer_sizes",
        "alpha",
        "beta",
        "delta",
        "meta_lr",
        "meta_weight_decay",
        "warmup_epochs",
        "meta_size",
        "meta_batch_size",
        "meta_origin",
        "detach_weights",
        "lilaw",
        "synthesizer",
        "synthetic_weight",
        "random_state",
    )
    _task_params = ()

    def __init__(self, module=None, **params):
        # skorch would reject the names it does not know, so they are stored
        # here, as given.
        own = {
            name: params.pop(name)
            for name in self._lilaw_params + self._task_params
            if name in params
        }
        super().__init__(module, **params)
        vars(self).update(own)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    @property
    def _default_callbacks(self):
        callbacks = list(super()._default_callbacks)
        # Before PrintLog, so that its table shows the LiLAW columns.
        names = [name for name, _ in callbacks]
        at = names.index("print_log") if "print_log" in names else len(callbacks)
        callbacks.insert(at, ("lilaw_history", LiLAWHistory()))
        return callbacks

    # ------------------------------------------------------------------
    # fitting
    # ------------------------------------------------------------------
    def fit(self, X, y, sample_origin=None, **fit_params):
        """Fit the module with LiLAW weighting on the rows outside the meta split.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training data. Numpy arrays, pandas DataFrames and torch tensors
            on the CPU are accepted; data is converted to float32.
        y : array-like
            Targets.
        sample_origin : array-like of shape (n_samples,), default=None
            Which rows are real and which synthetic: booleans (True =
            synthetic), 0/1, or ``'real'``/``'synthetic'``. None means every
            row is real.
        **fit_params : dict
            Passed to the module's ``forward`` (skorch convention).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(X, y, sample_origin, fit_params, reset=reset, method="fit")

    def partial_fit(self, X, y, classes=None, sample_origin=None, **fit_params):
        """Continue training for ``max_epochs`` on new data, without re-initialising.

        The meta split is drawn from the rows passed to this call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training data.
        y : array-like
            Targets.
        classes : array-like, default=None
            Classifiers only: all class labels, needed on the first call if
            it does not show every class.
        sample_origin : array-like of shape (n_samples,), default=None
            As in :meth:`fit`.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_origin,
            fit_params,
            reset=not self.initialized_,
            method="partial_fit",
            classes=classes,
        )

    def _fit(self, X, y, sample_origin, fit_params, *, reset, method, classes=None):
        check_lilaw_params(self)
        # partial_fit calls after the first draw a new order each.
        offset = 0 if reset or self.history_ is None else len(self.history_)
        with fit_rng(self.random_state, self.device, offset) as seed:
            if isinstance(X, torch.Tensor):
                X = X.detach().cpu().numpy()
            X, y = validate_data(
                self,
                X,
                y,
                reset=reset,
                dtype=np.float32,
                allow_nd=True,
                **self._y_validation_kwargs(),
            )
            is_synthetic = check_sample_origin(sample_origin, X.shape[0])
            y, stratify = self._validate_targets(y, reset=reset, classes=classes)
            data = prepare_fit_data(
                X,
                y,
                is_synthetic,
                stratify=stratify,
                meta_size=self.meta_size,
                meta_origin=self.meta_origin,
                meta_min_size=self._meta_min_size(),
                hold_out_meta=self.lilaw,
                synthesizer=self.synthesizer,
                stratify_labels=self._stratify_labels,
                seed=seed,
            )
            if reset or not self.initialized_:
                self.initialize()
            self._train(data, fit_params, method)
        return self

    def _train(self, data, fit_params, method):
        self.meta_indices_ = data.meta_indices
        self.n_synthetic_ = data.n_synthetic
        if data.synthesizer is not None:
            self.synthesizer_ = data.synthesizer
        # Origins feed LiLAW's per-origin history and synthetic_weight; plain,
        # unweighted fits and data without synthetic rows skip them.
        keep_origin = bool(data.is_synthetic.any()) and (
            self.lilaw or self.synthetic_weight != 1
        )
        dataset, y_train, meta = training_tensors(
            data,
            self.device,
            keep_origin=keep_origin,
            meta_batch_size=self._meta_batch_size(),
        )
        self.n_train_samples_ = len(dataset)
        self._fit_state = _FitState(self._loss_kernel(self.device), meta)
        try:
            super().partial_fit(dataset, y_train, _routing_method=method, **fit_params)
        finally:
            self.__dict__.pop("_fit_state", None)
        if self.lilaw:
            alpha, beta, delta = self.lilaw_scalars_.tolist()
            self.lilaw_params_ = {"alpha": alpha, "beta": beta, "delta": delta}

    def _meta_batch_size(self):
        """Rows per meta batch: ``meta_batch_size``, else the training batch's."""
        if self.meta_batch_size is not None:
            return self.meta_batch_size
        return self.get_params_for("iterator_train").get("batch_size", self.batch_size)

    # ------------------------------------------------------------------
    # Algorithm 1
    # ------------------------------------------------------------------
    def _lilaw_active(self):
        """True after the warm-up epochs of a fit with a meta split."""
        state = self._fit_state
        return (
            state is not None
            and state.meta is not None
            and len(self.history) > self.warmup_epochs
        )

    def _row_factor(self, origin):
        """Each row's factor on its loss: ``synthetic_weight`` for synthetic rows."""
        if origin is None or self.synthetic_weight == 1:
            return None
        return torch.where(origin, self.synthetic_weight, 1.0)

    def _training_loss(self, y_pred, y_true, X):
        """The model step's loss and the batch's LiLAW weights (None without)."""
        state = self._fit_state
        y_true = to_tensor(y_true, device=self.device)
        origin = X.get("sample_origin") if isinstance(X, dict) else None
        factor = self._row_factor(origin)
        if self._lilaw_active():
            return state.kernel.weighted_loss(
                y_pred,
                y_true,
                self.lilaw_scalars_,
                detach=self.detach_weights,
                row_factor=factor,
            )
        losses = self._per_sample_loss(y_pred, y_true)
        if factor is not None:
            losses = losses * factor
        weights = None
        if state is not None and state.meta is not None:
            # Warm-up: plain training; the weights are only logged.
            weights = state.kernel.weights(y_pred, y_true, self.lilaw_scalars_)
        return losses.mean(), weights

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Mean loss of a batch, LiLAW-weighted on training batches after warm-up.

        alpha, beta and delta are frozen here; the model receives gradient
        through the weights unless ``detach_weights=True``. Synthetic rows'
        losses are multiplied by ``synthetic_weight``.
        """
        if training:
            return self._training_loss(y_pred, y_true, X)[0]
        y_true = to_tensor(y_true, device=self.device)
        return self._per_sample_loss(y_pred, y_true).mean()

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward of one training batch (skorch's hook).

        As skorch's, except that the modules are switched to training mode
        only when they are not in it already (the switch walks every
        submodule); the step also returns the batch's LiLAW weights
        (``'lilaw_weights'``) for the history callback.
        """
        if not self.module_.training:
            self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss, weights = self._training_loss(y_pred, yi, Xi)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred, "lilaw_weights": weights}

    def train_step(self, batch, **fit_params):
        """Model step (skorch's), then one LiLAW meta step after warm-up."""
        step = super().train_step(batch, **fit_params)
        if self._lilaw_active():
            self._meta_step()
        return step

    def _meta_step(self):
        """Algorithm 1, step 2: one gradient step of alpha, beta, delta."""
        state = self._fit_state
        X_meta, y_meta = state.meta.next()
        # theta is frozen: the forward pass needs no graph, and eval mode keeps
        # dropout off and batch-norm statistics untouched by meta rows.
        self._set_training(False)
        with torch.no_grad():
            y_pred = self.infer(X_meta)
            scalars = self.lilaw_scalars_
            grad = state.kernel.meta_gradient(y_pred, y_meta, scalars)
            scalars.copy_(
                meta_update(scalars, grad, self.meta_lr, self.meta_weight_decay)
            )

    def _meta_split_loss(self):
        """Unweighted mean loss of the model on the whole meta split."""
        meta = self._fit_state.meta
        self._set_training(False)
        total = torch.zeros((), device=meta.X.device)
        with torch.no_grad():
            for start in range(0, len(meta), meta.batch_size):
                rows = slice(start, start + meta.batch_size)
                losses = self._per_sample_loss(self.infer(meta.X[rows]), meta.y[rows])
                total += losses.sum()
        return total.item() / len(meta)

    # ------------------------------------------------------------------
    # task hooks (see the module docstring)
    # ------------------------------------------------------------------
    def _loss_kernel(self, device):
        return LossKernel(self._per_sample_loss, self._score_function(device))

    def _y_validation_kwargs(self):
        return {}

    def _meta_min_size(self):
        return 1

    def _stratify_labels(self, y):
        return None

    def _validate_targets(self, y, *, reset, classes=None):  # pragma: no cover
        raise NotImplementedError

    def _n_outputs(self):  # pragma: no cover
        raise NotImplementedError

    def _score_function(self, device):  # pragma: no cover
        raise NotImplementedError
