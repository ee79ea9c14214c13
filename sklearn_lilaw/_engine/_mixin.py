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
``_strata(y_true)`` (optional)
    Per batch, the targets whose synthetic and real rows the learned
    synthetic weight compares with each other (classes; None: all rows).

Beside it: the skorch-compatibility shims (:mod:`._skorch_compat`), the
building of module and criterion (:mod:`._components`), and datasets,
iterators and predictions (:mod:`._data_io`).
"""

import numpy as np
import torch
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

from ..weights import meta_update, synthetic_factors
from ._components import ComponentsMixin
from ._data_io import DataIOMixin
from ._distributed import all_reduce_mean
from ._divergence import check_epoch
from ._fitting import FittingMixin
from ._history import LiLAWHistory
from ._kernels import LossKernel
from ._origin import check_sample_origin
from ._params import PARAMETER_CONSTRAINTS
from ._skorch_compat import SkorchCompatMixin

__all__ = ["LiLAWMixin"]


class LiLAWMixin(SkorchCompatMixin, FittingMixin, ComponentsMixin, DataIOMixin):
    """LiLAW training for a skorch net; see the module docstring."""

    # Request ``sample_origin`` and ``sample_weight`` by default when metadata
    # routing is enabled, so that Pipeline, cross_validate and GridSearchCV
    # pass them without a ``set_fit_request`` call.
    __metadata_request__fit = {"sample_origin": True, "sample_weight": True}
    __metadata_request__partial_fit = {"sample_origin": True, "sample_weight": True}

    _fit_state = None
    _parameter_constraints = PARAMETER_CONSTRAINTS

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
        "synthetic_weight_lr",
        "synthetic_weight_interval",
        "refit",
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
    # Algorithm 1
    # ------------------------------------------------------------------
    def _lilaw_active(self):
        """True when the model step weighs rows with LiLAW's W."""
        state = self._fit_state
        if state is None or not self.lilaw:
            return False
        if state.frozen:
            return True  # the refit: the learned alpha, beta, delta
        return state.meta is not None and len(self.history) > self.warmup_epochs

    def _row_factor(self, origin, sample_weight=None):
        """Each row's factor on its loss (None: all 1).

        ``sample_weight`` times the synthetic rows' weight: a number
        multiplies their losses; ``'auto'`` gives them the learned ``w_s``,
        normalised by the batch mean.
        """
        factor = None
        if origin is not None and self.synthetic_weight != 1:
            if not self._learns_synthetic_weight():
                factor = torch.where(origin, self.synthetic_weight, 1.0)
            elif self._fit_state is not None and self._fit_state.learner is not None:
                factor = self._fit_state.learner.factors(origin)
            else:
                factor = synthetic_factors(origin, self.lilaw_state_.gamma)
        if sample_weight is None:
            return factor
        return sample_weight if factor is None else factor * sample_weight

    def _training_loss(self, y_pred, y_true, X):
        """The model step's loss and the batch's LiLAW weights (None without)."""
        state = self._fit_state
        y_true = to_tensor(y_true, device=self._training_device())
        rows = X if isinstance(X, dict) else {}
        origin = rows.get("sample_origin")
        factor = self._row_factor(origin, rows.get("sample_weight"))
        if state is not None and state.learner is not None:
            state.learner.watch(y_pred, origin, factor, self._strata(y_true))
        if self._lilaw_active():
            loss, weights = state.kernel.weighted_loss(
                y_pred,
                y_true,
                self.lilaw_state_.scalars,
                detach=self.detach_weights,
                row_factor=factor,
            )
        else:
            losses = self._per_sample_loss(y_pred, y_true)
            loss = (losses if factor is None else losses * factor).mean()
            weights = None
            if self.lilaw and state is not None and state.meta is not None:
                # Warm-up: plain training; the weights are only logged.
                scalars = self.lilaw_state_.scalars
                weights = state.kernel.weights(y_pred, y_true, scalars)
        if state is not None:
            state.batch_weights = weights  # for the history callback
        return loss, weights

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Mean loss of a batch, LiLAW-weighted on training batches after warm-up.

        alpha, beta and delta are frozen here; the model receives gradient
        through the weights unless ``detach_weights=True``. Synthetic rows'
        losses are multiplied by ``synthetic_weight``.
        """
        if training:
            return self._training_loss(y_pred, y_true, X)[0]
        y_true = to_tensor(y_true, device=self._training_device())
        return self._per_sample_loss(y_pred, y_true).mean()

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward of one training batch (skorch's hook).

        As skorch's, except that the modules are switched to training mode
        only when they are not in it already (the switch walks every
        submodule).
        """
        if not self.module_.training:
            self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss, _ = self._training_loss(y_pred, yi, Xi)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        """Model step (skorch's), then the meta step on one meta batch.

        The meta step updates alpha, beta, delta after the warm-up epochs and,
        with ``synthetic_weight='auto'``, the synthetic rows' weight.
        """
        step = super().train_step(batch, **fit_params)
        state = self._fit_state
        lilaw_step = self._lilaw_active() and not state.frozen
        if lilaw_step or (state.learner is not None and state.learner.due()):
            self._meta_step(lilaw_step)
        return step

    def _meta_step(self, lilaw_step):
        """Algorithm 1, step 2, on one meta batch (and gamma's step)."""
        state = self._fit_state
        X_meta, y_meta = state.meta.next()
        # theta is frozen: the forward pass needs no graph, and eval mode keeps
        # dropout off and batch-norm statistics untouched by meta rows.
        self._set_training(False)
        with torch.no_grad():
            y_pred = self.infer(X_meta)
            if lilaw_step:
                scalars = self.lilaw_state_.scalars
                grad = all_reduce_mean(
                    state.kernel.meta_gradient(y_pred, y_meta, scalars)
                )
                scalars.copy_(
                    meta_update(scalars, grad, self.meta_lr, self.meta_weight_decay)
                )
        if state.learner is not None:
            state.learner.step(y_pred, y_meta)

    def on_epoch_end(self, net, **kwargs):
        """skorch's hook; fails loudly if the epoch diverged."""
        super().on_epoch_end(net, **kwargs)
        if self._fit_state is not None:
            check_epoch(self)

    def sample_weights(self, X, y, sample_origin=None):
        """The factor each row's loss gets from the fitted estimator.

        The LiLAW weight ``W`` under the learned alpha, beta, delta (1 with
        ``lilaw=False``), times the synthetic rows' weight (the learned
        ``w_s`` with ``synthetic_weight='auto'``, else the number given) for
        rows marked synthetic. A training batch normalises the synthetic
        factor by its batch mean; this does not.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Rows.
        y : array-like
            Their targets.
        sample_origin : array-like of shape (n_samples,), default=None
            As in :meth:`fit`; None means every row is real.

        Returns
        -------
        weights : ndarray of shape (n_samples,)
        """
        X = self._validate_X_predict(X)
        y, _ = self._validate_targets(np.asarray(y), reset=False)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} targets.")
        origin = check_sample_origin(sample_origin, len(X))
        outputs = self.forward(X).to(self._training_device())
        weights = torch.ones(len(X), dtype=outputs.dtype, device=outputs.device)
        if self.lilaw:
            kernel = self._loss_kernel(self._training_device())
            targets = torch.as_tensor(y, device=outputs.device)
            weights = kernel.weights(outputs, targets, self.lilaw_state_.scalars)
        factor = torch.where(
            torch.as_tensor(origin, device=weights.device),
            float(self.synthetic_weight_),
            1.0,
        )
        return (weights * factor).double().cpu().numpy()

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

    def _strata(self, y_true):
        return None

    def _validate_targets(self, y, *, reset, classes=None):  # pragma: no cover
        raise NotImplementedError

    def _n_outputs(self):  # pragma: no cover
        raise NotImplementedError

    def _score_function(self, device):  # pragma: no cover
        raise NotImplementedError
