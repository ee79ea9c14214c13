"""Where skorch's conventions differ from scikit-learn's, and the bridge.

Everything the estimators need to change in skorch's own behaviour, as
opposed to extending it through its hooks, lives here, so that a skorch
upgrade touches this one file:

- ``__init__`` only stores parameters (skorch builds callbacks and registers
  torch components there; scikit-learn's ``clone`` and checks want plain
  storage);
- ``device='auto'`` is kept as given and resolved where it is used;
- scikit-learn's ``repr`` and parameter names, without private state;
- callbacks set on an unfitted net are stored, not built;
- pickling leaves the per-fit state out and maps tensors onto this
  machine's device for ``'auto'``;
- ``forward`` never sees the per-row data (``sample_origin``,
  ``sample_weight``) that rides along with ``X``;
- the learned LiLAW state (``lilaw_state_``, a module skorch saves with
  ``f_lilaw_state``) is also restored from a saved history, and beside the
  module's weights when ``EarlyStopping(load_best=True)`` restores those.
"""

from collections.abc import Mapping
from types import MappingProxyType

from sklearn.base import BaseEstimator
from skorch.callbacks import EarlyStopping

from ._device import resolve_device

__all__ = ["SkorchCompatMixin", "restore_best_lilaw_state"]

# The keys of a batch's X dict (see sklearn_lilaw.data).
_BATCH_KEYS = {"X", "sample_origin", "sample_weight"}


class SkorchCompatMixin:
    """Make a skorch net behave as a scikit-learn estimator; see the module."""

    # skorch sets these three in ``__init__``; scikit-learn wants ``__init__``
    # to store parameters only, so their before-fit values live on the class.
    initialized_ = False
    history_ = None
    virtual_params_ = MappingProxyType({})

    # scikit-learn's repr (changed parameters only) instead of skorch's.
    __repr__ = BaseEstimator.__repr__

    def __init__(self, module=None, **kwargs):
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

    @property
    def device(self):
        """The torch device in use: ``'auto'`` resolved for this machine."""
        return resolve_device(self.__dict__.get("device", "cpu"))

    @device.setter
    def device(self, value):
        self.__dict__["device"] = value

    def _training_device(self):
        """Where the fit's tensors go: ``device``, or the accelerator's with
        ``device=None`` (skorch's AccelerateMixin places the modules)."""
        if self.__dict__.get("device", "cpu") is None:
            return self.accelerator.device
        return self.device

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

    def _get_param_names(self):
        # skorch takes every public attribute as a parameter; private state
        # (names starting with "_") is not one.
        return [k for k in super()._get_param_names() if not k.startswith("_")]

    def check_data(self, X, y=None):
        # The estimators validate inputs in ``fit`` (scikit-learn's way)
        # before skorch's loop sees them.
        pass

    def infer(self, x, **fit_params):
        """Run the module on a batch; per-row data is kept from ``forward``."""
        if isinstance(x, Mapping) and set(x) <= _BATCH_KEYS and "X" in x:
            x = x["X"]
        return super().infer(x, **fit_params)

    def __getstate__(self):
        # The per-fit state (the meta rows) is not part of the estimator: a
        # net pickled during fit, by a checkpoint callback say, leaves it out.
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

    def load_params(
        self,
        f_params=None,
        f_optimizer=None,
        f_criterion=None,
        f_history=None,
        checkpoint=None,
        **kwargs,
    ):
        """Load what skorch's ``save_params`` saved (skorch's method).

        The LiLAW state is a module skorch knows (``f_lilaw_state``); without
        that file, it is taken from the loaded history, whose last epoch
        recorded it.
        """
        super().load_params(
            f_params=f_params,
            f_optimizer=f_optimizer,
            f_criterion=f_criterion,
            f_history=f_history,
            checkpoint=checkpoint,
            **kwargs,
        )
        files = dict(kwargs)
        if checkpoint is not None:
            files.update(checkpoint.get_formatted_files(self))
        history_loaded = f_history is not None or (
            checkpoint is not None and checkpoint.f_history is not None
        )
        if history_loaded and not files.get("f_lilaw_state") and len(self.history):
            self.lilaw_state_.restore(self.history[-1])


def restore_best_lilaw_state(net):
    """After ``EarlyStopping(load_best=True)`` put back the best epoch's module
    weights, put back that epoch's LiLAW state too (from the history)."""
    for _, callback in getattr(net, "callbacks_", []):
        if (
            isinstance(callback, EarlyStopping)
            and callback.load_best
            and callback.best_model_weights_ is not None
            and callback.best_epoch_ != net.history[-1, "epoch"]
        ):
            row = next(r for r in net.history if r["epoch"] == callback.best_epoch_)
            net.lilaw_state_.restore(row)
