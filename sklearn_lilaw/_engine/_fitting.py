"""From ``fit`` to skorch's fit loop: inputs, the fit's rows, the training runs.

``fit`` validates the inputs (scikit-learn's way), prepares the fit's rows
(:func:`~._fit_data.prepare_fit_data`), moves them to the training device
(:func:`~._tensors.training_tensors`) and runs skorch's own fit loop with a
:class:`FitState` that the training steps read; with ``refit=True`` it runs
the loop a second time, on the rows of a fit without a meta split (a
synthesizer run again on every real row), with the learned weights frozen.
"""

import functools
import math
import warnings

import numpy as np
import torch
from sklearn.base import is_classifier
from sklearn.utils.validation import validate_data

from ._divergence import check_parameters
from ._fit_data import prepare_fit_data
from ._lookahead import SyntheticWeightLearner, auto_rate
from ._origin import check_sample_origin, check_sample_weight
from ._params import check_params
from ._seeding import fit_rng, get_rng_state, set_rng_state
from ._skorch_compat import restore_best_lilaw_state
from ._synthesis import Synthesis
from ._tensors import training_tensors

__all__ = ["FitState", "FittingMixin"]


class FitState:
    """What one call to ``fit`` needs beside the net; dropped when it ends.

    Holding the meta split here (and not as fitted attributes) keeps training
    data out of pickled estimators.
    """

    def __init__(self, kernel, meta, learner=None, frozen=False, refits=False):
        self.kernel = kernel
        self.meta = meta  # a MetaBatchSampler, or None without a meta split
        self.learner = learner  # a SyntheticWeightLearner with "auto"
        self.frozen = frozen  # the refit: learned weights used, not learned
        self.refits = refits  # this fit has (or is) a refit
        self.batch_weights = None  # the last training batch's LiLAW weights


class FittingMixin:
    """``fit`` and ``partial_fit`` of the LiLAW estimators."""

    def fit(self, X, y, sample_origin=None, sample_weight=None, **fit_params):
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
        sample_weight : array-like of shape (n_samples,), default=None
            A factor (>= 0) on each row's loss, with the LiLAW weight and the
            synthetic rows' weight; rows made by a ``synthesizer`` get 1. The
            meta steps do not use it. None means 1 for every row.
        **fit_params : dict
            Passed to the module's ``forward`` (skorch convention).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(
            X, y, sample_origin, sample_weight, fit_params, reset=reset, method="fit"
        )

    def partial_fit(
        self, X, y, classes=None, sample_origin=None, sample_weight=None, **fit_params
    ):
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
        sample_origin, sample_weight : array-like of shape (n_samples,), default=None
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
            sample_weight,
            fit_params,
            reset=not self.initialized_,
            method="partial_fit",
            classes=classes,
        )

    def _fit(
        self,
        X,
        y,
        sample_origin,
        sample_weight,
        fit_params,
        *,
        reset,
        method,
        classes=None,
    ):
        check_params(self)
        # partial_fit calls after the first draw a new order each.
        offset = 0 if reset or self.history_ is None else len(self.history_)
        with fit_rng(self.random_state, self._training_device(), offset) as seed:
            if isinstance(X, torch.Tensor):
                X = X.detach().cpu().numpy()
            X_given, y_given = X, y
            X, y = validate_data(
                self,
                X,
                y,
                reset=reset,
                dtype=np.float32,
                allow_nd=True,
                **self._y_validation_kwargs(),
            )
            if reset or not hasattr(self, "input_shape_"):
                self.input_shape_ = tuple(X.shape[1:])
            else:
                self._check_row_shape(X)
            is_synthetic = check_sample_origin(sample_origin, X.shape[0])
            sample_weight = check_sample_weight(sample_weight, X.shape[0])
            y, stratify = self._validate_targets(y, reset=reset, classes=classes)
            prepare = functools.partial(
                prepare_fit_data,
                X,
                y,
                is_synthetic,
                sample_weight=sample_weight,
                stratify=stratify,
                meta_size=self.meta_size,
                meta_origin=self.meta_origin,
                meta_min_size=self._meta_min_size(),
                synthesize=(
                    None
                    if self.synthesizer is None
                    else Synthesis(self, X_given, y_given, X)
                ),
                stratify_labels=self._stratify_labels,
                seed=seed,
            )
            data = prepare(
                hold_out_meta=self.lilaw
                or (
                    self._learns_synthetic_weight()
                    and (is_synthetic.any() or self.synthesizer is not None)
                )
            )
            self._warn_about(data)
            # A refit starts from scratch, so only a fit that does may have one;
            # it starts from the random state this fit starts from.
            refits = reset and method == "fit" and self._refits()
            start = get_rng_state(self._training_device()) if refits else None
            if reset or not self.initialized_:
                self.initialize()
            refit_rows = functools.partial(_refit_rows, data, prepare)
            self._train(data, fit_params, method, start, refit_rows)
        return self

    def _warn_about(self, data):
        """Warn about fits that run, but not as the user probably expects."""
        if len(data.meta_indices) and is_classifier(self) and data.y.ndim == 1:
            missing = np.setdiff1d(
                np.unique(data.y[data.train_indices]), data.y[data.meta_indices]
            )
            if len(missing):
                warnings.warn(
                    f"The meta split has no rows of the classes "
                    f"{self.classes_[missing].tolist()} (they have too few real "
                    "rows, or none); the meta steps cannot tell how these "
                    "classes' rows should be weighted. A larger meta_size helps "
                    "if they have real rows.",
                    UserWarning,
                    stacklevel=4,
                )

    def _train(self, data, fit_params, method, refit_rng, refit_rows):
        """Train on ``data``; refit when ``refit_rng`` (the RNG state the fit
        drew its initial weights from) is given and there is a meta split,
        on the rows ``refit_rows()`` returns."""
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
            self._training_device(),
            keep_origin=keep_origin,
            meta_batch_size=self._meta_batch_size(),
        )
        self.n_train_samples_ = len(dataset)
        learner = None
        if self._learns_synthetic_weight() and meta is not None:
            learner = SyntheticWeightLearner(
                self.module_,
                self.lilaw_state_,
                self._per_sample_loss,
                self._synthetic_weight_rate(len(dataset)),
                self.synthetic_weight_interval,
            )
        refits = refit_rng is not None and meta is not None
        self._run_fit_loop(
            FitState(
                self._loss_kernel(self._training_device()),
                meta,
                learner,
                refits=refits,
            ),
            dataset,
            y_train,
            method,
            fit_params,
        )
        if refits:
            # Train again from scratch on every row, the meta split back in,
            # with the weights learned above frozen. The same initial weights
            # and batch orders as a fit with these weights fixed would draw.
            learned, history = self.lilaw_state_.state_dict(), self.history_
            refit_data = refit_rows()
            self.history_ = None  # kept: the refit's epochs follow the learning
            set_rng_state(refit_rng, self._training_device())
            self.initialize()
            self.lilaw_state_.load_state_dict(learned)
            self.history_ = history
            self.n_synthetic_ = refit_data.n_synthetic
            if refit_data.synthesizer is not None:
                self.synthesizer_ = refit_data.synthesizer
            dataset, y_train, _ = training_tensors(
                refit_data,
                self._training_device(),
                keep_origin=keep_origin,
                meta_batch_size=self._meta_batch_size(),
            )
            self.n_train_samples_ = len(dataset)
            self._run_fit_loop(
                FitState(
                    self._loss_kernel(self._training_device()),
                    None,
                    frozen=True,
                    refits=True,
                ),
                dataset,
                y_train,
                method,
                fit_params,
            )
        if self.lilaw:
            alpha, beta, delta = self.lilaw_state_.scalars.tolist()
            self.lilaw_params_ = {"alpha": alpha, "beta": beta, "delta": delta}
            if meta is not None and len(self.history) <= self.warmup_epochs:
                warnings.warn(
                    f"LiLAW never started: all {len(self.history)} epochs were "
                    f"warm-up (warmup_epochs={self.warmup_epochs}), so this was "
                    "plain training and alpha, beta, delta kept their initial "
                    "values. Raise max_epochs or lower warmup_epochs.",
                    UserWarning,
                    stacklevel=4,
                )
        self.synthetic_weight_ = (
            self.lilaw_state_.synthetic_weight
            if self._learns_synthetic_weight()
            else float(self.synthetic_weight)
        )

    def _run_fit_loop(self, state, dataset, y_train, method, fit_params):
        self._fit_state = state
        try:
            super().partial_fit(dataset, y_train, _routing_method=method, **fit_params)
        finally:
            self.__dict__.pop("_fit_state", None)
            if state.learner is not None:
                state.learner.close()
        restore_best_lilaw_state(self)
        check_parameters(self)

    def _refits(self):
        """``refit=True``, or ``'auto'`` with a learned ``synthetic_weight``."""
        if self.refit == "auto":
            return self._learns_synthetic_weight()
        return bool(self.refit)

    def _learns_synthetic_weight(self):
        return (
            isinstance(self.synthetic_weight, str) and self.synthetic_weight == "auto"
        )

    def _train_batch_size(self):
        return self.get_params_for("iterator_train").get("batch_size", self.batch_size)

    def _meta_batch_size(self):
        """Rows per meta batch: ``meta_batch_size``, else the training batch's."""
        if self.meta_batch_size is not None:
            return self.meta_batch_size
        return self._train_batch_size()

    def _synthetic_weight_rate(self, n_rows):
        """gamma's Adam rate: ``synthetic_weight_lr``, or for ``'auto'`` the
        rate that lets gamma travel ``TRAVEL`` over this fit's batches."""
        if self.synthetic_weight_lr != "auto":
            return self.synthetic_weight_lr
        # Each process of a distributed fit steps through its share of rows.
        processes = getattr(getattr(self, "accelerator", None), "num_processes", 1)
        rows = math.ceil(n_rows / processes)
        batch_size = self._train_batch_size()
        per_epoch = 1 if batch_size == -1 else math.ceil(rows / batch_size)
        return auto_rate(per_epoch * self.max_epochs, self.synthetic_weight_interval)


def _refit_rows(data, prepare):
    """The rows of the refit: those of a fit with no meta split.

    With a ``synthesizer`` they are the naive mix's rows (the synthesizer run
    again, with the same seed, on every real row), so a refit whose weights
    stay 1 is the naive mix's fit. The meta split kept the synthetic rows the
    weights were learned from free of its rows; once the weights are learned
    it has no more use for that.
    """
    if data.made_from_every_real_row:  # no synthesizer, or it saw them all
        return data.without_meta_split()
    return prepare(hold_out_meta=False)
