"""What a synthesizer is, and running one inside ``fit``.

An estimator's ``synthesizer`` is fitted on the real training rows of each
call to ``fit`` (so, in cross-validation, on the training fold only) and the
rows it makes are added to the training set, marked synthetic. Two kinds are
accepted:

- a sampler with ``fit_resample(X, y)`` that returns the input rows followed
  by the new ones, as imbalanced-learn's over-samplers do (or that sets a
  boolean ``sample_origin_`` marking the new rows, as the ones here do);
- a table generator with ``fit(table)`` and ``sample(n)`` (SDV, ctgan), run
  through :class:`~sklearn_lilaw.synthesizers.GeneratorSynthesizer`;
- a callable ``synthesizer(X, y, random_state)`` returning only the new
  ``(X_new, y_new)``.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_X_y

__all__ = ["NewRowsSynthesizer", "check_ratio", "make_synthetic_rows"]


class NewRowsSynthesizer(BaseEstimator):
    """Base of the synthesizers that add new rows after the input rows.

    A subclass implements ``_new_rows(X, y) -> (X_new, y_new)``.
    """

    def fit_resample(self, X, y):
        """Return the input rows followed by the new rows, and their labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to learn from.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : ndarray of shape (n_samples + n_synthetic, n_features)
        y_resampled : ndarray of shape (n_samples + n_synthetic,)
        """
        X, y = check_X_y(X, y)
        X_new, y_new = self._new_rows(X, y)
        self.n_synthetic_ = len(y_new)
        self.sample_origin_ = np.arange(len(y) + len(y_new)) >= len(y)
        return np.concatenate([X, X_new]), np.concatenate([y, y_new])


def check_ratio(ratio):
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or ratio < 0:
        raise ValueError(f"ratio must be a real number >= 0; got {ratio!r}.")


def make_synthetic_rows(synthesizer, X, y, random_state):
    """Run ``synthesizer`` on ``(X, y)``; return ``(X_new, y_new, fitted)``.

    Samplers are cloned first (the estimator's parameter is never fitted),
    and get ``random_state`` when theirs is None. ``X`` and ``y`` may be
    arrays or pandas objects; so may what the synthesizer returns.
    """
    if not hasattr(synthesizer, "fit_resample") and all(
        hasattr(synthesizer, name) for name in ("fit", "sample")
    ):
        from ._generator import GeneratorSynthesizer  # a table generator

        synthesizer = GeneratorSynthesizer(synthesizer)
    if hasattr(synthesizer, "fit_resample"):
        fitted = (
            clone(synthesizer) if hasattr(synthesizer, "get_params") else synthesizer
        )
        if (
            hasattr(fitted, "get_params")
            and "random_state" in fitted.get_params()
            and fitted.get_params()["random_state"] is None
        ):
            fitted.set_params(random_state=random_state)
        X_res, y_res = _pair(fitted.fit_resample(X, y), "fit_resample")
        X_res, y_res = np.asarray(X_res), np.asarray(y_res)
        origin = getattr(fitted, "sample_origin_", None)
        if origin is not None and len(origin) == len(X_res):
            new = np.asarray(origin, dtype=bool)
            if not np.array_equal(X_res[~new], np.asarray(X)):
                new = None
        else:
            new = np.arange(len(X_res)) >= len(X)
            if not np.array_equal(X_res[: len(X)], np.asarray(X)):
                new = None
        if new is None:
            raise ValueError(
                "synthesizer.fit_resample must return the input rows followed by "
                "the new rows (as imbalanced-learn's over-samplers do), or mark "
                "the new rows in a boolean sample_origin_ attribute."
            )
        return X_res[new], y_res[new], fitted
    if callable(synthesizer):
        X_new, y_new = _pair(synthesizer(X, y, random_state), "the synthesizer call")
        return X_new, y_new, synthesizer
    raise TypeError(
        "synthesizer must have a fit_resample(X, y) method, fit(table) and "
        "sample(n) methods, or be a callable (X, y, random_state) -> (X_new, "
        f"y_new); got {type(synthesizer).__name__}."
    )


def _pair(result, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(
            f"{what} must return a pair (X, y); got {type(result).__name__}."
        )
    return result
