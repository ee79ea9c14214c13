"""The per-row inputs of ``fit``: ``sample_origin`` and ``sample_weight``."""

import numpy as np

__all__ = ["check_sample_origin", "check_sample_weight"]

_REAL_NAMES = {"real"}
_SYNTHETIC_NAMES = {"synthetic"}


def check_sample_origin(sample_origin, n_samples):
    """Return a boolean mask that is True for synthetic rows.

    Parameters
    ----------
    sample_origin : array-like of shape (n_samples,) or None
        None (every row is real); booleans (True = synthetic); 0/1 integers
        (1 = synthetic); or the strings ``'real'`` / ``'synthetic'``.
        Lists, numpy arrays and pandas Series are accepted.
    n_samples : int
        Number of rows of ``X``.

    Returns
    -------
    is_synthetic : ndarray of bool, shape (n_samples,)
        A new array; the input is never modified.

    Raises
    ------
    ValueError
        On a length mismatch, missing values or values outside the three
        accepted encodings.
    """
    if sample_origin is None:
        return np.zeros(n_samples, dtype=bool)
    origin = np.asarray(sample_origin)
    if origin.ndim != 1 or origin.shape[0] != n_samples:
        raise ValueError(
            f"sample_origin must be 1-d with one entry per row of X "
            f"({n_samples}); got shape {origin.shape}."
        )
    if origin.dtype == object and all(isinstance(v, (bool, np.bool_)) for v in origin):
        origin = origin.astype(bool)  # e.g. a pandas Series of dtype object
    if origin.dtype == bool:
        return origin.copy()
    if origin.dtype.kind in "iuf":
        if origin.dtype.kind == "f" and np.isnan(origin).any():
            raise ValueError(
                "sample_origin contains NaN; use 0 (real) or 1 (synthetic)."
            )
        values = set(np.unique(origin).tolist())
        if not values <= {0, 1}:
            raise ValueError(
                "A numeric sample_origin must hold 0 (real) or 1 (synthetic); "
                f"got values {sorted(values)[:5]}."
            )
        return origin == 1
    if origin.dtype.kind in "OUS":
        names = np.array([str(v).lower() for v in origin], dtype=object)
        unknown = set(names) - _REAL_NAMES - _SYNTHETIC_NAMES
        if unknown:
            raise ValueError(
                "A string sample_origin must hold 'real' or 'synthetic'; "
                f"got {sorted(unknown)[:5]}."
            )
        return np.isin(names, list(_SYNTHETIC_NAMES))
    raise ValueError(
        "sample_origin must be booleans (True = synthetic), 0/1 or "
        f"'real'/'synthetic'; got dtype {origin.dtype}."
    )


def check_sample_weight(sample_weight, n_samples):
    """Return ``sample_weight`` as a new float64 array, or None for all 1.

    Raises
    ------
    ValueError
        On a length mismatch, or values that are not finite and >= 0.
    """
    if sample_weight is None:
        return None
    weight = np.array(sample_weight, dtype=np.float64)
    if weight.ndim != 1 or weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must be 1-d with one entry per row of X "
            f"({n_samples}); got shape {weight.shape}."
        )
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError("sample_weight must hold finite values >= 0.")
    if not weight.any():
        raise ValueError("sample_weight must contain at least one non-zero value.")
    return weight
