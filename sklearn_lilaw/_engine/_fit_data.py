"""What one call to ``fit`` trains on: rows, origins, synthetic rows, meta split.

:func:`prepare_fit_data` is a plain function of numpy arrays (no torch, no
estimator), so the rules below can be tested on their own:

- synthetic rows made by a ``synthesizer`` come from the real rows that are
  neither in the meta split nor marked synthetic: no meta row ever reaches
  the synthesizer or the training rows;
- ``meta_origin='real'`` (the default when some rows are synthetic) and
  ``'any'`` draw the meta split from the rows given to ``fit``, before the
  synthesizer runs; ``'synthetic'`` draws it from the synthetic rows,
  generated ones included, after the synthesizer ran on the real rows;
- ``meta_size`` is a share of the rows given to ``fit``, whatever is added;
- ``hold_out_meta=False`` gives the rows of a fit without a meta split (the
  synthesizer on every real row): the refit's rows.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from ._meta_split import meta_split_size, select_meta_indices

__all__ = ["FitData", "prepare_fit_data", "resolve_meta_origin"]


@dataclass(frozen=True)
class FitData:
    """The rows of one fit.

    Attributes
    ----------
    X, y : ndarray
        The rows given to ``fit`` followed by the synthesizer's rows.
    is_synthetic : ndarray of bool
        True for synthetic rows (given or generated).
    meta_indices : ndarray of int
        Sorted positions of the meta split in ``X``; empty when there is none.
    n_synthetic : int
        Rows made by the synthesizer.
    synthesizer : object or None
        The fitted synthesizer.
    sample_weight : ndarray or None
        The user's weight of each row (1 for generated rows); None for all 1.
    made_from_every_real_row : bool
        False when real meta rows were kept from the synthesizer: the same
        rows without a meta split need the synthesizer run again. True
        without a synthesizer.
    """

    X: np.ndarray
    y: np.ndarray
    is_synthetic: np.ndarray
    meta_indices: np.ndarray
    n_synthetic: int = 0
    synthesizer: object = None
    sample_weight: np.ndarray = None
    made_from_every_real_row: bool = True

    def without_meta_split(self):
        """The same rows, every one of them trained on."""
        return dataclasses.replace(self, meta_indices=np.array([], dtype=np.intp))

    @property
    def train_indices(self):
        """Sorted positions of the rows trained on (all but the meta split)."""
        train = np.ones(len(self.X), dtype=bool)
        train[self.meta_indices] = False
        return np.flatnonzero(train)


def resolve_meta_origin(meta_origin, is_synthetic):
    """``None`` means ``'real'`` when some rows are synthetic, else ``'any'``."""
    if meta_origin is None:
        return "real" if is_synthetic.any() else "any"
    return meta_origin


def prepare_fit_data(
    X,
    y,
    is_synthetic,
    *,
    sample_weight=None,
    stratify=None,
    meta_size=0.05,
    meta_origin=None,
    meta_min_size=1,
    hold_out_meta=True,
    synthesize=None,
    stratify_labels=None,
    seed=0,
):
    """Draw the meta split and add the synthesizer's rows.

    Parameters
    ----------
    X, y : ndarray
        Validated rows and encoded targets given to ``fit``.
    is_synthetic : ndarray of bool
        The parsed ``sample_origin``.
    sample_weight : ndarray or None
        The checked ``sample_weight`` of the given rows.
    stratify : ndarray or None
        Labels to stratify the meta split on, one per row of ``X``.
    meta_size : float or int
        As the estimators' parameter.
    meta_origin : {'real', 'synthetic', 'any'} or None
        As the estimators' parameter.
    meta_min_size : int
        The smallest meta split a fractional ``meta_size`` gives (one row
        per class for classifiers).
    hold_out_meta : bool
        False trains on every row (no meta split).
    synthesize : callable or None
        ``(source, seed) -> (X_new, y_new, fitted)``: runs the synthesizer on
        the rows where the boolean mask ``source`` is True and returns its
        rows checked and encoded like ``X`` and ``y`` (``y_new`` None when it
        made none); None for no synthesizer.
    stratify_labels : callable or None
        ``y -> labels`` to stratify on, for a meta split drawn after
        synthesis.
    seed : int
        Seeds the meta split and the synthesizer.

    Returns
    -------
    FitData
    """
    n_given = X.shape[0]
    origin = resolve_meta_origin(meta_origin, is_synthetic)
    n_meta = meta_split_size(meta_size, n_given, meta_min_size) if hold_out_meta else 0
    every_real_row = True
    if n_meta and origin == "synthetic":
        # Meta rows are synthetic, so the synthesizer may see every real row.
        X, y, is_synthetic, made = _add_synthetic_rows(
            X, y, is_synthetic, ~is_synthetic, synthesize, seed
        )
        if made.n_synthetic:
            stratify = None if stratify_labels is None else stratify_labels(y)
        meta = select_meta_indices(
            is_synthetic,
            n_meta,
            stratify=stratify,
            random_state=seed,
            origin_name=origin,
        )
    else:
        meta = np.array([], dtype=np.intp)
        if n_meta:
            allowed = ~is_synthetic if origin == "real" else np.ones_like(is_synthetic)
            meta = select_meta_indices(
                allowed,
                n_meta,
                stratify=stratify,
                random_state=seed,
                origin_name=origin,
            )
        source = ~is_synthetic
        source[meta] = False
        every_real_row = synthesize is None or not (~is_synthetic[meta]).any()
        X, y, is_synthetic, made = _add_synthetic_rows(
            X, y, is_synthetic, source, synthesize, seed
        )
    if sample_weight is not None and made.n_synthetic:
        sample_weight = np.concatenate([sample_weight, np.ones(made.n_synthetic)])
    return FitData(
        X,
        y,
        is_synthetic,
        meta,
        made.n_synthetic,
        made.fitted,
        sample_weight,
        made_from_every_real_row=bool(every_real_row),
    )


@dataclass(frozen=True)
class _Made:
    n_synthetic: int = 0
    fitted: object = None


def _add_synthetic_rows(X, y, is_synthetic, source, synthesize, seed):
    """Append the synthesizer's rows, made from the rows where ``source``."""
    if synthesize is None:
        return X, y, is_synthetic, _Made()
    if not source.any():
        raise ValueError(
            "synthesizer has no real training rows to learn from (all rows "
            "are synthetic or in the meta split)."
        )
    X_new, y_new, fitted = synthesize(source, seed)
    if y_new is None:  # it made no rows
        return X, y, is_synthetic, _Made(0, fitted)
    return (
        np.concatenate([X, X_new.astype(X.dtype, copy=False)]),
        np.concatenate([y, y_new.astype(y.dtype, copy=False)]),
        np.concatenate([is_synthetic, np.ones(len(X_new), dtype=bool)]),
        _Made(len(X_new), fitted),
    )
