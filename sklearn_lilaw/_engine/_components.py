"""Building the net's torch components for a LiLAW fit (skorch's hooks)."""

import inspect

import numpy as np
import torch

from ..nets import MLP
from ._state import LiLAWState

__all__ = ["ComponentsMixin"]


class ComponentsMixin:
    """The module (sized from the data), the LiLAW state, the per-sample criterion."""

    def initialize_module(self):
        """Build the module; the default is an :class:`MLP` sized from the data.

        A module class whose ``__init__`` takes ``n_features_in``,
        ``n_outputs`` or ``input_shape`` gets them from the data unless given
        as ``module__*``.
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
        # The learned LiLAW state is a module of its own beside the network,
        # so that skorch moves, saves and loads it with the network.
        self.lilaw_state_ = LiLAWState(self.alpha, self.beta, self.delta)
        return self

    def torch_compile(self, module, name):
        """skorch's ``compile=True``: the network, not the LiLAW state."""
        if name == "lilaw_state":
            return module
        return super().torch_compile(module, name)

    def _data_shape_kwargs(self):
        """``n_features_in`` (the values of a row, flattened), ``n_outputs`` and
        ``input_shape`` (the shape of a row), for modules that take them."""
        if not hasattr(self, "input_shape_"):
            given = self.get_params_for("module")
            if self.module is None and not {"n_features_in", "n_outputs"} <= set(given):
                raise ValueError(
                    "The default MLP module is sized from the data: call fit, "
                    "or pass module__n_features_in and module__n_outputs."
                )
            return {}
        return {
            "n_features_in": int(np.prod(self.input_shape_)),
            "n_outputs": self._n_outputs(),
            "input_shape": self.input_shape_,
        }

    def initialize_criterion(self):
        """Build the criterion with ``reduction='none'``: LiLAW weighs each sample."""
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        if not isinstance(criterion, torch.nn.Module):
            if "reduction" in inspect.signature(criterion).parameters:
                kwargs.setdefault("reduction", "none")
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

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
