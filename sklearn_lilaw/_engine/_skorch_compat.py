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
- ``forward`` never sees the ``sample_origin`` that rides along with ``X``.
"""

from collections.abc import Mapping
from types import MappingProxyType

from sklearn.base import BaseEstimator

from ._device import resolve_device

__all__ = ["SkorchCompatMixin"]


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
        """Run the module on a batch; ``sample_origin`` is kept from ``forward``."""
        if isinstance(x, Mapping) and "sample_origin" in x:
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
