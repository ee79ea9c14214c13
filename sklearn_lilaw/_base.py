"""The LiLAW training engine, shared by every estimator.

:class:`LiLAWMixin` goes in front of a skorch net class
(``class LiLAWClassifier(LiLAWMixin, NeuralNetClassifier)``) and adds, through
skorch's extension points only:

- ``fit`` / ``partial_fit``: scikit-learn input validation, ``sample_origin``,
  the held-out meta split, seeding; training itself is skorch's fit loop;
- ``get_loss``: the LiLAW-weighted loss of a training batch (Algorithm 1,
  step 1), with alpha, beta, delta frozen;
- ``train_step``: skorch's model step followed by the meta step (Algorithm 1,
  step 2) on one meta batch;
- ``on_epoch_begin`` / ``on_epoch_end``: per-epoch records in ``history``.

A task (classification, multi-label, regression) supplies only its targets'
validation, its per-sample LiLAW weights and the module's output size.
"""

import inspect
import numbers
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet
from skorch.dataset import get_len, unpack_data
from skorch.utils import is_dataset, to_tensor
from torch.utils.data import Subset

from ._cuda_graphs import GraphedFunction
from ._data import LiLAWDataset
from ._device import check_device_available, resolve_device
from ._meta_sampler import MetaBatchSampler
from ._meta_split import meta_split_size, select_meta_indices
from ._mlp import MLP
from ._optim import make_optimizer
from ._origin import check_sample_origin
from ._synthesizers import make_synthetic_rows
from ._train_mode import is_mode_independent
from .weights import meta_gradient, weights_from_scores

__all__ = ["LiLAWMixin"]

_SEED_MAX = np.iinfo(np.int32).max
_META_ORIGINS = (None, "real", "synthetic", "any")


class _FitState:
    """What one call to ``fit`` needs beside the net; dropped when it ends.

    Holding the meta split here (and not as fitted attributes) keeps training
    data out of pickled estimators.
    """

    def __init__(self, meta_sampler, constants, mode_free=False):
        self.meta = meta_sampler
        # True when train/eval mode changes nothing (see _train_mode.py).
        self.mode_free = mode_free
        # Task constants as tensors on the device (e.g. a regression's range).
        self.constants = constants
        # This fit's steps, possibly replayed from CUDA graphs (see
        # _cuda_graphs.py), by what they depend on beyond their inputs.
        self.graphed = {}
        self.reset_epoch()

    def reset_epoch(self):
        # Each batch's weights and origins are kept (they are already on the
        # device) and reduced once per epoch: no host synchronisation and no
        # extra kernels per batch.
        self.batch_weights = []
        self.batch_origins = []

    def add_weights(self, weights, is_synthetic):
        self.batch_weights.append(weights)
        self.batch_origins.append(is_synthetic)

    def mean_weights(self):
        """Mean weight of the real and of the synthetic rows (NaN if none)."""
        if not self.batch_weights:
            return [float("nan"), float("nan")]
        weights = torch.cat(self.batch_weights)
        origins = [
            torch.zeros_like(w, dtype=torch.bool) if o is None else o
            for w, o in zip(self.batch_weights, self.batch_origins)
        ]
        group = torch.cat(origins).long()
        sums = torch.zeros(2, dtype=weights.dtype, device=weights.device)
        sums.index_add_(0, group, weights)
        counts = torch.bincount(group, minlength=2)
        sums, counts = sums.tolist(), counts.tolist()
        return [t / c if c else float("nan") for t, c in zip(sums, counts)]


def _check_real(value, name, low=None):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
    ):
        raise ValueError(f"{name} must be a finite real number; got {value!r}.")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}; got {value!r}.")


class LiLAWMixin:
    """LiLAW training for a skorch net; see the module docstring.

    Subclasses implement ``_validate_targets``, ``_lilaw_scores`` and
    ``_n_outputs``, and may override ``_y_validation_kwargs``,
    ``_meta_min_size``, ``_stratify_labels`` and ``_fit_constants``.
    """

    # skorch sets these three in ``__init__``; scikit-learn wants ``__init__``
    # to store parameters only, so their before-fit values live on the class.
    initialized_ = False
    history_ = None
    virtual_params_ = MappingProxyType({})

    # The learnable scalars move between devices with the module on pickling.
    cuda_dependent_attributes_ = NeuralNet.cuda_dependent_attributes_ + [
        "lilaw_scalars_"
    ]

    # Request ``sample_origin`` by default when metadata routing is enabled, so
    # that Pipeline, cross_validate and GridSearchCV pass it without a
    # ``set_fit_request`` call.
    __metadata_request__fit = {"sample_origin": True}
    __metadata_request__partial_fit = {"sample_origin": True}

    _fit_state = None

    # scikit-learn's repr (changed parameters only) instead of skorch's.
    __repr__ = BaseEstimator.__repr__

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
        meta_origin=None,
        detach_weights=False,
        lilaw=True,
        synthesizer=None,
        synthetic_weight=1.0,
        random_state=None,
        **kwargs,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.alpha = alpha
        self.beta = beta
        self.delta = delta
        self.meta_lr = meta_lr
        self.meta_weight_decay = meta_weight_decay
        self.warmup_epochs = warmup_epochs
        self.meta_size = meta_size
        self.meta_origin = meta_origin
        self.detach_weights = detach_weights
        self.lilaw = lilaw
        self.synthesizer = synthesizer
        self.synthetic_weight = synthetic_weight
        self.random_state = random_state
        self.__dict__["_storing_params"] = True
        try:
            super().__init__(module, **kwargs)
        finally:
            del self.__dict__["_storing_params"]
        for name in ("history_", "initialized_", "virtual_params_"):
            self.__dict__.pop(name, None)

    def __setattr__(self, name, value):
        if self.__dict__.get("_storing_params"):
            # Parameters given to __init__ (a module or criterion instance,
            # say) are stored as they are; skorch's registration of torch
            # components applies once the net is initialised.
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    # ------------------------------------------------------------------
    # parameters
    # ------------------------------------------------------------------
    @property
    def device(self):
        """The torch device in use: ``'auto'`` resolved for this machine."""
        return resolve_device(self.__dict__.get("device", "cpu"))

    @device.setter
    def device(self, value):
        self.__dict__["device"] = value

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        if "device" in self.__dict__:
            params["device"] = self.__dict__["device"]  # as given, e.g. 'auto'
        return params

    def set_params(self, **params):
        """Set parameters, skorch-style (``module__*``, ``callbacks__*``, ...).

        Returns
        -------
        self : object
            The estimator.
        """
        if not self.initialized_ and "callbacks" in params:
            # skorch builds the callbacks as soon as they are set; scikit-learn
            # expects values to be checked in fit, so an unfitted net only
            # stores them.
            self.__dict__["callbacks"] = params.pop("callbacks")
        return super().set_params(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    def _get_param_names(self):
        # skorch takes every public attribute as a parameter; private state
        # (names starting with "_") is not one.
        return [k for k in super()._get_param_names() if not k.startswith("_")]

    def _check_lilaw_params(self):
        for name in ("alpha", "beta", "delta"):
            _check_real(getattr(self, name), name)
        _check_real(self.synthetic_weight, "synthetic_weight", low=0)
        _check_real(self.meta_lr, "meta_lr", low=0)
        _check_real(self.meta_weight_decay, "meta_weight_decay", low=0)
        if (
            not isinstance(self.warmup_epochs, numbers.Integral)
            or self.warmup_epochs < 0
        ):
            raise ValueError(
                f"warmup_epochs must be an int >= 0; got {self.warmup_epochs!r}."
            )
        if self.meta_origin not in _META_ORIGINS:
            raise ValueError(
                "meta_origin must be None, 'real', 'synthetic' or 'any'; got "
                f"{self.meta_origin!r}."
            )
        for name in ("detach_weights", "lilaw"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(
                    f"{name} must be True or False; got {getattr(self, name)!r}."
                )
        sizes = self.hidden_layer_sizes
        if not isinstance(sizes, (tuple, list)) or not all(
            isinstance(s, numbers.Integral) and s > 0 for s in sizes
        ):
            raise ValueError(
                f"hidden_layer_sizes must be a tuple of positive ints; got {sizes!r}."
            )
        meta_split_size(self.meta_size, 1_000_000, 1)  # type and range only
        check_device_available(self.__dict__.get("device", "cpu"))

    # ------------------------------------------------------------------
    # components
    # ------------------------------------------------------------------
    def initialize_module(self):
        """Build the module; the default is an :class:`MLP` sized from the data.

        A module class whose ``__init__`` takes ``n_features_in`` or
        ``n_outputs`` gets them from the data unless given as ``module__*``.
        """
        kwargs = self.get_params_for("module")
        module = MLP if self.module is None else self.module
        if not isinstance(module, torch.nn.Module):
            accepted = inspect.signature(module).parameters
            if self.module is None:
                kwargs.setdefault("hidden_layer_sizes", tuple(self.hidden_layer_sizes))
            for name, value in self._data_shape_kwargs().items():
                if name in accepted:
                    kwargs.setdefault(name, value)
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def _data_shape_kwargs(self):
        if not hasattr(self, "n_features_in_"):
            if self.module is None:
                raise ValueError(
                    "The default MLP module is sized from the data: call fit, or "
                    "pass module__n_features_in and module__n_outputs."
                )
            return {}
        return {"n_features_in": self.n_features_in_, "n_outputs": self._n_outputs()}

    def initialize_criterion(self):
        """Build the criterion with ``reduction='none'``: LiLAW weighs each sample."""
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        if not isinstance(criterion, torch.nn.Module):
            if "reduction" in inspect.signature(criterion).parameters:
                kwargs.setdefault("reduction", "none")
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    def initialize_optimizer(self, triggered_directly=None):
        """Build the optimizer for the module's parameters (skorch's hook).

        As skorch's, except that ``torch.optim.Adam`` and ``AdamW`` (Adam is
        the default) run torch's fused kernel (``fused=True``: the same
        update, one kernel per step) where torch has one for the device,
        unless an implementation is chosen with ``optimizer__fused`` or
        ``optimizer__foreach``.
        """
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", self.get_all_learnable_params()
        )
        self.optimizer_ = make_optimizer(self.optimizer, *args, kwargs)
        return self

    def initialize(self):
        """Initialise module, criterion, optimizer, history and LiLAW scalars."""
        super().initialize()
        self.lilaw_scalars_ = torch.tensor(
            [self.alpha, self.beta, self.delta],
            dtype=torch.float32,
            device=self.device,
        )  # updated in closed form by the meta step: no autograd needed
        return self

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
        self._check_lilaw_params()
        # Seed from random_state, inside a forked RNG so that the caller's
        # global torch RNG is left as it was.
        seed = int(check_random_state(self.random_state).randint(_SEED_MAX))
        if not reset and self.history_ is not None:
            seed = (seed + len(self.history_)) % _SEED_MAX  # a new order per call
        device = torch.device(self.device)
        cuda = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(seed)
            X, y_arr, is_synthetic, stratify = self._validate_fit_data(
                X, y, sample_origin, reset=reset, classes=classes
            )
            n_given = X.shape[0]
            # A meta split that may hold synthetic rows is drawn after the
            # synthesizer ran; otherwise it is drawn first and held out of
            # what the synthesizer learns from.
            synthesize_first = self.lilaw and self.meta_origin in ("any", "synthetic")
            if synthesize_first:
                X, y_arr, is_synthetic = self._add_synthetic_rows(
                    X, y_arr, is_synthetic, [], seed
                )
                stratify = self._stratify_labels(y_arr)
            meta_indices = self._draw_meta_split(is_synthetic, stratify, seed, n_given)
            if reset or not self.initialized_:
                self.initialize()
            if not synthesize_first:
                X, y_arr, is_synthetic = self._add_synthetic_rows(
                    X, y_arr, is_synthetic, meta_indices, seed
                )
            self._train(X, y_arr, is_synthetic, meta_indices, fit_params, method)
        return self

    def _validate_fit_data(self, X, y, sample_origin, *, reset, classes=None):
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
        return X, y, is_synthetic, stratify

    def _add_synthetic_rows(self, X, y, is_synthetic, meta_indices, seed):
        """Append the ``synthesizer``'s rows, made from the real training rows.

        The meta split and rows already marked synthetic are not shown to the
        synthesizer, so no synthetic row is derived from held-out data.
        """
        if self.synthesizer is None:
            self.n_synthetic_ = 0
            return X, y, is_synthetic
        source = ~is_synthetic
        source[meta_indices] = False
        if not source.any():
            raise ValueError(
                "synthesizer has no real training rows to learn from (all rows "
                "are synthetic or in the meta split)."
            )
        X_new, y_new, self.synthesizer_ = make_synthetic_rows(
            self.synthesizer, X[source], y[source], seed
        )
        if X_new.shape[1:] != X.shape[1:] or len(y_new) != len(X_new):
            raise ValueError(
                f"synthesizer made rows of shape {X_new.shape} with {len(y_new)} "
                f"targets; expected (n_new, {', '.join(map(str, X.shape[1:]))})."
            )
        if not np.isfinite(X_new).all():
            raise ValueError("synthesizer made rows with NaN or infinite values.")
        self.n_synthetic_ = len(X_new)
        return (
            np.concatenate([X, X_new.astype(X.dtype, copy=False)]),
            np.concatenate([y, y_new.astype(y.dtype, copy=False)]),
            np.concatenate([is_synthetic, np.ones(len(X_new), dtype=bool)]),
        )

    def _draw_meta_split(self, is_synthetic, stratify, seed, n_given):
        if not self.lilaw:
            return np.array([], dtype=int)  # plain training uses every row
        origin = self.meta_origin
        if origin is None:
            origin = "real" if is_synthetic.any() else "any"
        allowed = {
            "real": ~is_synthetic,
            "synthetic": is_synthetic,
            "any": np.ones_like(is_synthetic),
        }[origin]
        # meta_size is a share of the rows given to fit, whatever was added.
        n_meta = meta_split_size(self.meta_size, n_given, self._meta_min_size())
        return select_meta_indices(
            allowed, n_meta, stratify=stratify, random_state=seed, origin_name=origin
        )

    def _train(self, X, y, is_synthetic, meta_indices, fit_params, method):
        device = self.device
        self.meta_indices_ = meta_indices
        # Data moves to the training device once per fit, not once per batch.
        X_all = torch.as_tensor(X).to(device)
        y_all = torch.as_tensor(y).to(device)
        # Origins feed LiLAW's per-origin history and synthetic_weight; plain,
        # unweighted fits and data without synthetic rows skip them.
        needs_origin = is_synthetic.any() and (self.lilaw or self.synthetic_weight != 1)
        origin = torch.as_tensor(is_synthetic).to(device) if needs_origin else None
        dataset = LiLAWDataset(X_all, y_all, origin)
        y_train = y
        if len(meta_indices):
            # The training rows are a view by index, not a copy of X.
            train_rows = np.ones(X.shape[0], dtype=bool)
            train_rows[meta_indices] = False
            train_index = torch.from_numpy(np.flatnonzero(train_rows)).to(device)
            dataset = Subset(dataset, train_index)
            y_train = y[train_rows]
        self.n_train_samples_ = len(dataset)
        if self.lilaw:
            meta = torch.as_tensor(meta_indices, device=device)
            sampler = MetaBatchSampler(
                X_all[meta],
                y_all[meta],
                self.batch_size if self.batch_size != -1 else len(meta_indices),
            )
            modules = [getattr(self, name + "_") for name in self._modules]
            modules += [getattr(self, name + "_") for name in self._criteria]
            self._fit_state = _FitState(
                sampler,
                self._fit_constants(device),
                mode_free=is_mode_independent(*modules),
            )
        try:
            super().partial_fit(dataset, y_train, _routing_method=method, **fit_params)
        finally:
            self.__dict__.pop("_fit_state", None)
        if self.lilaw:
            alpha, beta, delta = self.lilaw_scalars_.detach().cpu().tolist()
            self.lilaw_params_ = {"alpha": alpha, "beta": beta, "delta": delta}

    def check_data(self, X, y=None):
        # Inputs are validated in ``fit`` before skorch's loop sees them.
        pass

    # ------------------------------------------------------------------
    # data plumbing
    # ------------------------------------------------------------------
    def get_dataset(self, X, y=None):
        """Wrap arrays as a :class:`LiLAWDataset`; datasets pass through."""
        if is_dataset(X):
            return X
        X = torch.as_tensor(np.asarray(X) if not isinstance(X, torch.Tensor) else X)
        return LiLAWDataset(X, None if y is None else torch.as_tensor(y))

    def get_iterator(self, dataset, training=False):
        """Return the batch iterator; training batches are shuffled by default."""
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = get_len(dataset)
        if training:
            kwargs.setdefault("shuffle", True)
        return getattr(self, prefix)(dataset, **kwargs)

    def infer(self, x, **fit_params):
        """Run the module on a batch; ``sample_origin`` is kept from ``forward``."""
        if isinstance(x, Mapping) and "sample_origin" in x:
            x = x["X"]
        return super().infer(x, **fit_params)

    def evaluation_step(self, batch, training=False):
        """Module output for a batch at prediction time (skorch's hook).

        A batch smaller than ``batch_size`` (the last one, or a small call to
        ``predict``) is padded with zero rows to ``batch_size``, so that every
        row goes through the same matrix-product kernels: a row's prediction
        is then bitwise the same whichever rows it is predicted with.
        """
        Xi, yi = unpack_data(batch)
        n, size = get_len(Xi), self.batch_size
        if training or not isinstance(Xi, torch.Tensor) or not 0 < n < size:
            return super().evaluation_step(batch, training=training)
        padding = Xi.new_zeros((size - n,) + tuple(Xi.shape[1:]))
        y_infer = super().evaluation_step((torch.cat([Xi, padding]), yi), training)
        if isinstance(y_infer, tuple):
            return tuple(part[:n] for part in y_infer)
        return y_infer[:n]

    def _predict_transformed(self, X, default):
        """Module outputs for ``X`` passed through ``predict_nonlinearity``.

        ``'auto'`` applies ``default`` (the task's link: softmax or sigmoid of
        the logits), whatever the criterion, so that a custom loss (focal
        loss, say) still gives probabilities. Computed in float64.
        """
        X = self._validate_X_predict(X)
        outputs = self.forward(X)
        outputs = outputs[0] if isinstance(outputs, tuple) else outputs
        nonlinearity = self.predict_nonlinearity
        if nonlinearity == "auto":
            nonlinearity = default
        elif nonlinearity is None:
            return outputs.double().numpy()
        return np.asarray(nonlinearity(outputs.double()), dtype=np.float64)

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        if is_dataset(X):
            return X  # skorch's scoring callbacks pass datasets through
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        return validate_data(self, X, reset=False, dtype=np.float32, allow_nd=True)

    # ------------------------------------------------------------------
    # Algorithm 1
    # ------------------------------------------------------------------
    def _per_sample_loss(self, y_pred, y_true):
        losses = self.criterion_(y_pred, y_true)
        if losses.ndim == 0:
            raise ValueError(
                "The criterion returned one loss for the whole batch; LiLAW needs "
                "one loss per sample. Pass a criterion class (it is built with "
                "reduction='none') or an instance built with reduction='none'."
            )
        if losses.ndim == 1:
            return losses
        return losses.reshape(losses.shape[0], -1).mean(dim=1)

    def _lilaw_active(self):
        """True after the warm-up epochs of a LiLAW fit."""
        return self._fit_state is not None and len(self.history) > self.warmup_epochs

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Mean loss of a batch, LiLAW-weighted on training batches after warm-up.

        alpha, beta and delta are frozen here; the model receives gradient
        through the weights unless ``detach_weights=True``. Synthetic rows'
        losses are multiplied by ``synthetic_weight``.
        """
        y_true = to_tensor(y_true, device=self.device)
        origin = X.get("sample_origin") if isinstance(X, Mapping) else None
        state = self._fit_state
        if training and state is not None and self._lilaw_active():
            loss, weights = self._weighted_loss(
                y_pred, y_true, self.lilaw_scalars_, self.detach_weights, origin
            )
            state.add_weights(weights, origin)
            return loss
        losses = self._per_sample_loss(y_pred, y_true)
        if training and state is not None:
            # Warm-up: plain training; the weights are only logged.
            with torch.no_grad():
                weights = self._logged_weights(y_pred, y_true, self.lilaw_scalars_)
            state.add_weights(weights, origin)
        return self._scale_synthetic(losses, origin, training).mean()

    def _unscaled(self, origin):
        """True when no loss of the batch is scaled by ``synthetic_weight``."""
        return origin is None or self.synthetic_weight == 1

    def _scale_synthetic(self, losses, origin, training):
        if training and not self._unscaled(origin):
            return torch.where(origin, self.synthetic_weight * losses, losses)
        return losses

    def _weighted_loss(self, y_pred, y_true, params, detach, origin):
        """The model step's loss ``mean(W * loss)`` and the weights ``W``."""
        weighted, weights = self._weighted_losses(y_pred, y_true, params, detach)
        return self._scale_synthetic(weighted, origin, True).mean(), weights

    def _weighted_losses(self, y_pred, y_true, params, detach):
        """Per-sample ``W * loss`` (the model step's loss) and ``W`` itself."""
        losses = self._per_sample_loss(y_pred, y_true)
        weights = self._lilaw_weights(y_pred, y_true, params)
        used = weights.detach() if detach else weights
        return used * losses, weights.detach()

    def _logged_weights(self, y_pred, y_true, params):
        """Weights recorded in the history during warm-up (no gradient)."""
        return self._lilaw_weights(y_pred, y_true, params)

    def _lilaw_weights(self, y_pred, y_true, params):
        """Per-sample LiLAW weights for ``params = (alpha, beta, delta)``."""
        score, reference = self._lilaw_scores(y_pred, y_true)
        return weights_from_scores(score, reference, params)

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward of one training batch (skorch's hook).

        As skorch's, but the module is switched to training mode only when it
        is not already in it (the meta step switches it to eval mode).
        """
        if not self.module_.training:
            self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        """Model step (skorch's), then one LiLAW meta step after warm-up."""
        step = super().train_step(batch, **fit_params)
        if self._lilaw_active():
            self._meta_step()
        return step

    def _meta_step(self):
        state = self._fit_state
        X_meta, y_meta = state.meta.next()
        # theta is frozen: the forward pass needs no graph, and eval mode keeps
        # dropout off and batch-norm statistics untouched by meta rows (the
        # switch is skipped for modules that compute the same in both modes).
        if not state.mode_free:
            self._set_training(False)
        with torch.no_grad():
            y_pred = self.infer(X_meta)
            scalars = self.lilaw_scalars_
            scalars.copy_(self._meta_update_function()(y_pred, y_meta, scalars))

    def _meta_update_function(self):
        """``_updated_scalars`` for this fit, replayed from a CUDA graph where
        the task allows it; one per (meta_lr, meta_weight_decay), which a
        graph records as constants."""
        graphed = self._fit_state.graphed
        key = ("meta_update", self.meta_lr, self.meta_weight_decay)
        if key not in graphed:
            graphed[key] = GraphedFunction(
                self._updated_scalars,
                enabled=self._graphs_allowed(),
                clone_outputs=False,  # copied into the scalars at once
            )
        return graphed[key]

    def _updated_scalars(self, y_pred, y_true, params):
        """One meta step from the meta batch's outputs: the new (alpha, beta, delta).

        ``p <- p - lr * (grad + wd * p)`` with the gradient of the meta batch's
        ``mean(W * loss)`` in closed form, then ``alpha >= 1`` and ``delta >=
        beta``. Pure (``params`` is not modified), so that it can be replayed
        from a CUDA graph.
        """
        grad = self._meta_gradient(y_pred, y_true, params)
        decay = 1.0 - self.meta_lr * self.meta_weight_decay
        updated = torch.add(params * decay, grad, alpha=-self.meta_lr)
        updated[0].clamp_(min=1.0)  # alpha >= 1
        updated[2:].clamp_(min=updated[1:2])  # delta >= beta
        return updated

    def _meta_gradient(self, y_pred, y_true, params):
        """Gradient of the meta batch's ``mean(W * loss)`` for ``params``."""
        score, reference = self._lilaw_scores(y_pred, y_true)
        losses = self._per_sample_loss(y_pred, y_true)
        return meta_gradient(score, reference, losses, params)

    # ------------------------------------------------------------------
    # history
    # ------------------------------------------------------------------
    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(
            net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs
        )
        if self._fit_state is not None:
            self._fit_state.reset_epoch()

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Record alpha, beta, delta, mean weights by origin and the meta loss."""
        super().on_epoch_end(
            net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs
        )
        state = self._fit_state
        if state is None:
            return
        alpha, beta, delta = self.lilaw_scalars_.detach().cpu().tolist()
        weight_real, weight_synthetic = state.mean_weights()
        record = self.history.record
        record("alpha", alpha)
        record("beta", beta)
        record("delta", delta)
        record("weight_real", weight_real)
        record("weight_synthetic", weight_synthetic)
        record("meta_loss", self._meta_loss(state.meta))

    def _meta_loss(self, meta):
        """Unweighted mean loss of the model on the whole meta split."""
        self._set_training(False)
        total = torch.zeros((), device=meta.X.device)
        step = max(meta.batch_size, 1)
        with torch.no_grad():
            for start in range(0, len(meta), step):
                X_part = meta.X[start : start + step]
                y_part = meta.y[start : start + step]
                total += self._per_sample_loss(self.infer(X_part), y_part).sum()
        return total.item() / len(meta)

    # ------------------------------------------------------------------
    # pickling
    # ------------------------------------------------------------------
    def __getstate__(self):
        # The per-fit scratch state (the meta rows, the compiled steps) is not
        # part of the estimator: a net pickled during fit, by a checkpoint
        # callback say, leaves it out.
        fit_state = self.__dict__.pop("_fit_state", None)
        try:
            return super().__getstate__()
        finally:
            if fit_state is not None:
                self.__dict__["_fit_state"] = fit_state

    def __setstate__(self, state):
        requested = state.get("device", "cpu")
        # skorch maps tensors onto state['device']; 'auto' means this machine's.
        state["device"] = resolve_device(requested)
        super().__setstate__(state)
        if requested == "auto":
            self.__dict__["device"] = "auto"

    # ------------------------------------------------------------------
    # task hooks
    # ------------------------------------------------------------------
    def _y_validation_kwargs(self):
        return {}

    def _meta_min_size(self):
        return 1

    def _stratify_labels(self, y):
        """Labels to stratify the meta split on, from encoded targets."""
        return None

    def _graphs_allowed(self):
        """True when the task's LiLAW steps may be replayed from CUDA graphs."""
        return False

    def _fit_constants(self, device):
        """Tensors the task's weights need during a fit, made once per fit."""
        return {}

    def _validate_targets(self, y, *, reset, classes=None):  # pragma: no cover
        raise NotImplementedError

    def _lilaw_scores(self, y_pred, y_true):  # pragma: no cover
        """Score and reference of each sample (see ``sklearn_lilaw.weights``)."""
        raise NotImplementedError

    def _n_outputs(self):  # pragma: no cover
        raise NotImplementedError
