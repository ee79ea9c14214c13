"""The estimators' parameters: their constraints, checked at the start of ``fit``.

Declared the scikit-learn way (``_parameter_constraints``, checked by
``BaseEstimator._validate_params``, as ``MLPClassifier`` and
imbalanced-learn's samplers do), for the LiLAW parameters and skorch's own.
Its constraint classes live in ``sklearn.utils._param_validation``, the
module third-party estimators use for this (imbalanced-learn too); this is
the one place that imports it. What the constraints cannot say (finite
values, the elements of ``hidden_layer_sizes``, whether a device exists,
combinations of parameters) is checked in :func:`check_params`.
"""

import math
import numbers

import torch
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
)

from ._device import check_device_available

__all__ = ["PARAMETER_CONSTRAINTS", "TASK_CONSTRAINTS", "check_params"]

_NON_NEGATIVE = Interval(numbers.Real, 0, None, closed="left")

PARAMETER_CONSTRAINTS = {
    # skorch's parameters
    "module": [None, callable],
    "criterion": [callable],
    "optimizer": [callable],
    "lr": [Interval(numbers.Real, 0, None, closed="neither")],
    "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
    "batch_size": [
        Interval(numbers.Integral, 1, None, closed="left"),
        Options(numbers.Integral, {-1}),
    ],
    "iterator_train": [callable],
    "iterator_valid": [callable],
    "dataset": [callable],
    "train_split": [None, callable],
    "callbacks": [None, list, StrOptions({"disable"})],
    "predict_nonlinearity": [None, callable, StrOptions({"auto"})],
    "warm_start": ["boolean"],
    "verbose": ["verbose"],
    "device": [None, str, torch.device],
    "compile": ["boolean"],
    "use_caching": ["boolean", StrOptions({"auto"})],
    "torch_load_kwargs": [None, dict],
    # the LiLAW parameters
    "hidden_layer_sizes": [tuple, list],
    "alpha": [_NON_NEGATIVE],
    "beta": [_NON_NEGATIVE],
    "delta": [_NON_NEGATIVE],
    "meta_lr": [_NON_NEGATIVE],
    "meta_weight_decay": [_NON_NEGATIVE],
    "warmup_epochs": [Interval(numbers.Integral, 0, None, closed="left")],
    "meta_size": [
        Interval(numbers.Integral, 1, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="neither"),
    ],
    "meta_batch_size": [None, Interval(numbers.Integral, 1, None, closed="left")],
    "meta_origin": [None, StrOptions({"real", "synthetic", "any"})],
    "detach_weights": ["boolean"],
    "lilaw": ["boolean"],
    "synthesizer": [
        None,
        HasMethods(["fit_resample"]),
        HasMethods(["fit", "sample"]),
        callable,
    ],
    "synthetic_weight": [_NON_NEGATIVE, StrOptions({"auto"})],
    "synthetic_weight_lr": [_NON_NEGATIVE, StrOptions({"auto"})],
    "synthetic_weight_interval": [Interval(numbers.Integral, 1, None, closed="left")],
    "refit": ["boolean", StrOptions({"auto"})],
    "random_state": ["random_state"],
}

# The tasks' own parameters.
TASK_CONSTRAINTS = {
    "classes": [None, "array-like"],
    "threshold": [Interval(numbers.Real, 0, 1, closed="neither")],
    "target_range": [None, _NON_NEGATIVE],
}

_FINITE = (
    "alpha",
    "beta",
    "delta",
    "lr",
    "meta_lr",
    "meta_weight_decay",
    "synthetic_weight",
    "synthetic_weight_lr",
    "target_range",
)


def check_params(estimator):
    """Check the parameters, raising a ValueError or TypeError naming one.

    scikit-learn's constraint check first, then what it cannot express.
    """
    # scikit-learn's check, by name: skorch's NeuralNet has a
    # ``_validate_params`` of its own that comes first in the MRO.
    BaseEstimator._validate_params(estimator)
    for name in _FINITE:
        value = getattr(estimator, name, None)
        if isinstance(value, numbers.Real) and not math.isfinite(value):
            raise ValueError(f"{name} must be finite; got {value!r}.")
    sizes = estimator.hidden_layer_sizes
    if not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
        for s in sizes
    ):
        raise ValueError(
            f"hidden_layer_sizes must be a tuple of positive ints; got {sizes!r}."
        )
    device = estimator.__dict__.get("device", "cpu")
    if device is None:
        if getattr(estimator, "accelerator", None) is None:
            raise ValueError(
                "device=None leaves device placement to an accelerator (skorch's "
                "AccelerateMixin); without one, pass 'cpu', 'cuda' or 'auto'."
            )
    else:
        check_device_available(device)
    auto = estimator.synthetic_weight == "auto"
    if auto and estimator.meta_origin not in (None, "real"):
        raise ValueError(
            "synthetic_weight='auto' learns the weight from real meta rows, so "
            f"meta_origin must be None or 'real', got {estimator.meta_origin!r}; "
            "give synthetic_weight a number (1.0: the paper) to use that meta_origin."
        )
    if estimator.refit is True and not (auto or estimator.lilaw):
        raise ValueError(
            "refit=True retrains with the learned weights frozen; there are "
            "none with lilaw=False and a numeric synthetic_weight."
        )
