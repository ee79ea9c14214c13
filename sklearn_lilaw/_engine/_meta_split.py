"""Choosing the held-out meta split that LiLAW's meta steps learn from."""

import math
import numbers

import numpy as np
from sklearn.model_selection import train_test_split

__all__ = ["meta_split_size", "select_meta_indices"]


def meta_split_size(meta_size, n_samples, min_size):
    """Turn ``meta_size`` (fraction or count of ``n_samples``) into a count.

    A fraction is rounded up and raised to ``min_size`` (one row per class
    for classifiers), so that small data sets still get a usable meta split.
    An explicit count below ``min_size`` is an error.
    """
    range_error = ValueError(
        f"meta_size must be a count >= 1 or a fraction in (0, 1); got {meta_size!r}."
    )
    if isinstance(meta_size, numbers.Integral) and not isinstance(meta_size, bool):
        if meta_size < 1:
            raise range_error
        if meta_size < min_size:
            raise ValueError(
                f"meta_size={meta_size} is smaller than one sample per class "
                f"({min_size} classes); ask for at least {min_size} rows."
            )
        return int(meta_size)
    if isinstance(meta_size, numbers.Real) and not isinstance(meta_size, bool):
        if not 0.0 < meta_size < 1.0:
            raise range_error
        return max(math.ceil(meta_size * n_samples), min_size)
    raise TypeError(
        f"meta_size must be an int or a float; got {type(meta_size).__name__}."
    )


def select_meta_indices(
    allowed, n_meta, stratify=None, random_state=None, origin_name="any"
):
    """Draw ``n_meta`` row positions among the ``allowed`` rows.

    Parameters
    ----------
    allowed : ndarray of bool, shape (n_samples,)
        Rows that may go to the meta split (set by ``meta_origin``).
    n_meta : int
        Size of the meta split.
    stratify : ndarray of shape (n_samples,) or None
        Labels to stratify on. Stratification is used where every allowed
        class has two rows and both sides can hold every class; otherwise the
        draw is plain random.
    random_state : int, RandomState instance or None
        Seed of the draw.
    origin_name : str
        The ``meta_origin`` value, for error messages.

    Returns
    -------
    meta_indices : ndarray of int, sorted
        Positions in the rows passed to ``fit``.
    """
    n_samples = allowed.shape[0]
    candidates = np.flatnonzero(allowed)
    if candidates.size == 0:
        raise ValueError(
            f"meta_origin={origin_name!r} allows no rows for the meta split: "
            f"sample_origin has no {origin_name} rows. Pass meta_origin='any' "
            "or include such rows."
        )
    if n_meta > candidates.size:
        raise ValueError(
            f"meta_size asks for {n_meta} meta rows but meta_origin={origin_name!r} "
            f"allows only {candidates.size}; lower meta_size or widen meta_origin."
        )
    if n_meta >= n_samples:
        raise ValueError(
            f"meta_size asks for {n_meta} meta rows out of n_samples={n_samples}, "
            "which leaves no rows to train on; lower meta_size."
        )
    if n_meta == candidates.size:
        return candidates
    labels = None if stratify is None else np.asarray(stratify)[candidates]
    if labels is not None:
        try:
            _, meta = train_test_split(
                candidates, test_size=n_meta, stratify=labels, random_state=random_state
            )
            return np.sort(meta)
        except ValueError:
            pass  # a class too small to split: fall back to a random draw
    _, meta = train_test_split(candidates, test_size=n_meta, random_state=random_state)
    return np.sort(meta)
