"""Checks of the LiLAW parameters, run at the start of ``fit``."""

import numbers

import numpy as np

from ._device import check_device_available
from ._meta_split import meta_split_size

__all__ = ["check_lilaw_params"]

_META_ORIGINS = (None, "real", "synthetic", "any")


def _check_real(value, name, low=None):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
    ):
        raise ValueError(f"{name} must be a finite real number; got {value!r}.")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}; got {value!r}.")


def check_lilaw_params(estimator):
    """Raise a ValueError naming the first LiLAW parameter out of range."""
    for name in ("alpha", "beta", "delta"):
        _check_real(getattr(estimator, name), name)
    weight = estimator.synthetic_weight
    if not (isinstance(weight, str) and weight == "auto"):
        try:
            _check_real(weight, "synthetic_weight", low=0)
        except ValueError:
            raise ValueError(
                f"synthetic_weight must be 'auto' or a finite number >= 0; got "
                f"{weight!r}."
            ) from None
        if estimator.refit is True and not estimator.lilaw:
            raise ValueError(
                "refit=True retrains with the learned weights frozen; there are "
                "none with lilaw=False and a numeric synthetic_weight."
            )
    elif estimator.meta_origin not in (None, "real"):
        raise ValueError(
            "synthetic_weight='auto' learns the weight from real meta rows; "
            f"meta_origin must be None or 'real', got {estimator.meta_origin!r}."
        )
    _check_real(estimator.synthetic_weight_lr, "synthetic_weight_lr", low=0)
    _check_real(estimator.meta_lr, "meta_lr", low=0)
    _check_real(estimator.meta_weight_decay, "meta_weight_decay", low=0)
    warmup = estimator.warmup_epochs
    if not isinstance(warmup, numbers.Integral) or warmup < 0:
        raise ValueError(f"warmup_epochs must be an int >= 0; got {warmup!r}.")
    if estimator.meta_origin not in _META_ORIGINS:
        raise ValueError(
            "meta_origin must be None, 'real', 'synthetic' or 'any'; got "
            f"{estimator.meta_origin!r}."
        )
    for name in ("detach_weights", "lilaw", "refit"):
        if not isinstance(getattr(estimator, name), (bool, np.bool_)):
            raise ValueError(
                f"{name} must be True or False; got {getattr(estimator, name)!r}."
            )
    size = estimator.meta_batch_size
    if size is not None and (
        isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1
    ):
        raise ValueError(f"meta_batch_size must be None or an int >= 1; got {size!r}.")
    sizes = estimator.hidden_layer_sizes
    if not isinstance(sizes, (tuple, list)) or not all(
        isinstance(s, numbers.Integral) and s > 0 for s in sizes
    ):
        raise ValueError(
            f"hidden_layer_sizes must be a tuple of positive ints; got {sizes!r}."
        )
    meta_split_size(estimator.meta_size, 1_000_000, 1)  # type and range only
    check_device_available(estimator.__dict__.get("device", "cpu"))
