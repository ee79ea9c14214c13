"""Synthetic rows made inside ``fit``, from the training rows only.

An estimator's ``synthesizer`` is fitted on the real training rows of each
call to ``fit`` (so, in cross-validation, on the training fold only) and the
rows it makes are added to the training set, marked synthetic. Two kinds are
accepted:

- a sampler with ``fit_resample(X, y)`` that returns the input rows followed
  by the new ones, as imbalanced-learn's over-samplers do (or that sets a
  boolean ``sample_origin_`` marking the new rows, as the ones here do);
- a callable ``synthesizer(X, y, random_state)`` returning only the new
  ``(X_new, y_new)``.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_X_y

__all__ = ["GaussianMixtureSynthesizer", "ImblearnSynthesizer", "make_synthetic_rows"]


def _check_ratio(ratio):
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or ratio < 0:
        raise ValueError(f"ratio must be a real number >= 0; got {ratio!r}.")


class GaussianMixtureSynthesizer(BaseEstimator):
    """Class-conditional Gaussian-mixture generator of synthetic rows.

    For each class, a :class:`sklearn.mixture.GaussianMixture` is fitted on
    that class's rows and ``ratio`` times as many new rows are sampled from
    it, labelled with the class.

    Parameters
    ----------
    ratio : float, default=1.0
        New rows per input row, per class (rounded to the nearest integer).
    n_components : int, default=1
        Mixture components per class (fewer when a class has fewer rows).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='diag'
        As in ``GaussianMixture``. ``'diag'`` by default: a full covariance
        needs more rows per class than features, which synthetic-data
        settings (scarce real rows) rarely have.
    reg_covar : float, default=1e-3
        Added to the covariance diagonals, so that tiny classes still give a
        proper distribution.
    random_state : int, RandomState instance or None, default=None
        Seeds the mixtures and the sampling.

    Attributes
    ----------
    n_synthetic_ : int
        Rows made by the last ``fit_resample``.
    sample_origin_ : ndarray of bool
        True for the new rows of the last output.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import GaussianMixtureSynthesizer
    >>> X, y = load_iris(return_X_y=True)
    >>> synthesizer = GaussianMixtureSynthesizer(ratio=0.5, random_state=0)
    >>> X_res, y_res = synthesizer.fit_resample(X, y)
    >>> X_res.shape, synthesizer.n_synthetic_, int((y_res[150:] == 0).sum())
    ((225, 4), 75, 25)
    """

    def __init__(
        self,
        ratio=1.0,
        n_components=1,
        covariance_type="diag",
        reg_covar=1e-3,
        random_state=None,
    ):
        self.ratio = ratio
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.random_state = random_state

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
        _check_ratio(self.ratio)
        X, y = check_X_y(X, y)
        rng = check_random_state(self.random_state)
        new_X, new_y = [], []
        for label in np.unique(y):
            rows = X[y == label]
            n_new = int(np.floor(self.ratio * len(rows) + 0.5))
            if n_new == 0:
                continue
            if len(rows) == 1:
                # No mixture fits one row: sample around it with the
                # regularising variance alone.
                sample = rows + rng.normal(
                    0.0, np.sqrt(self.reg_covar), size=(n_new, X.shape[1])
                )
            else:
                sample = (
                    GaussianMixture(
                        n_components=min(self.n_components, len(rows)),
                        covariance_type=self.covariance_type,
                        reg_covar=self.reg_covar,
                        random_state=rng.randint(np.iinfo(np.int32).max),
                    )
                    .fit(rows)
                    .sample(n_new)[0]
                )
            new_X.append(sample)
            new_y.append(np.full(n_new, label, dtype=y.dtype))
        X_new = np.vstack(new_X) if new_X else X[:0]
        y_new = np.concatenate(new_y) if new_y else y[:0]
        self.n_synthetic_ = len(y_new)
        self.sample_origin_ = np.r_[np.zeros(len(y), bool), np.ones(len(y_new), bool)]
        return np.vstack([X, X_new]), np.concatenate([y, y_new])


class ImblearnSynthesizer(BaseEstimator):
    """An imbalanced-learn over-sampler that adds ``ratio`` new rows per row.

    imbalanced-learn's over-samplers balance the classes by default, so they
    make no rows for balanced data. This wrapper asks the sampler for
    ``ratio`` times as many new rows of every class instead (a
    ``sampling_strategy`` dict), and gives a clear error when
    imbalanced-learn is not installed (it is an optional dependency:
    ``pip install imbalanced-learn``).

    Parameters
    ----------
    sampler : str or imbalanced-learn over-sampler, default='SMOTE'
        The name of a sampler in ``imblearn.over_sampling`` (e.g.
        ``'SMOTE'``, ``'ADASYN'``, ``'BorderlineSMOTE'``,
        ``'RandomOverSampler'``) or an instance; an instance is cloned.
    ratio : float or None, default=1.0
        New rows per input row, per class. None keeps the sampler's own
        ``sampling_strategy``.
    random_state : int, RandomState instance or None, default=None
        Passed to the sampler.

    Attributes
    ----------
    sampler_ : object
        The fitted over-sampler.
    n_synthetic_ : int
        Rows made by the last ``fit_resample``.
    sample_origin_ : ndarray of bool
        True for the new rows of the last output.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import ImblearnSynthesizer
    >>> X, y = load_iris(return_X_y=True)
    >>> synthesizer = ImblearnSynthesizer("SMOTE", ratio=1.0, random_state=0)
    >>> synthesizer.fit_resample(X, y)[0].shape
    (300, 4)
    """

    def __init__(self, sampler="SMOTE", ratio=1.0, random_state=None):
        self.sampler = sampler
        self.ratio = ratio
        self.random_state = random_state

    def _make_sampler(self):
        try:
            from imblearn import over_sampling
        except ImportError as exc:
            raise ImportError(
                "ImblearnSynthesizer needs imbalanced-learn, an optional "
                "dependency: pip install imbalanced-learn"
            ) from exc
        if isinstance(self.sampler, str):
            if not hasattr(over_sampling, self.sampler):
                raise ValueError(
                    f"sampler={self.sampler!r} is not in imblearn.over_sampling."
                )
            return getattr(over_sampling, self.sampler)()
        return clone(self.sampler)

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
        sampler = self._make_sampler()
        params = {}
        if "random_state" in sampler.get_params():
            params["random_state"] = self.random_state
        if self.ratio is not None:
            _check_ratio(self.ratio)
            labels, counts = np.unique(y, return_counts=True)
            params["sampling_strategy"] = {
                label: int(count + np.floor(self.ratio * count + 0.5))
                for label, count in zip(labels, counts)
            }
        self.sampler_ = sampler.set_params(**params)
        X_res, y_res = self.sampler_.fit_resample(X, y)
        self.n_synthetic_ = len(y_res) - len(y)
        self.sample_origin_ = np.arange(len(y_res)) >= len(y)
        return X_res, y_res


def make_synthetic_rows(synthesizer, X, y, random_state):
    """Run ``synthesizer`` on ``(X, y)``; return ``(X_new, y_new, fitted)``.

    Samplers are cloned first (the estimator's parameter is never fitted),
    and get ``random_state`` when theirs is None.
    """
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
        X_res, y_res = fitted.fit_resample(X, y)
        X_res, y_res = np.asarray(X_res), np.asarray(y_res)
        origin = getattr(fitted, "sample_origin_", None)
        if origin is not None and len(origin) == len(X_res):
            new = np.asarray(origin, dtype=bool)
            if not np.array_equal(X_res[~new], X):
                new = None
        else:
            new = np.arange(len(X_res)) >= len(X)
            if not np.array_equal(X_res[: len(X)], X):
                new = None
        if new is None:
            raise ValueError(
                "synthesizer.fit_resample must return the input rows followed by "
                "the new rows (as imbalanced-learn's over-samplers do), or mark "
                "the new rows in a boolean sample_origin_ attribute."
            )
        return X_res[new], y_res[new], fitted
    if callable(synthesizer):
        X_new, y_new = synthesizer(X, y, random_state)
        return np.asarray(X_new), np.asarray(y_new), synthesizer
    raise TypeError(
        "synthesizer must have a fit_resample(X, y) method or be a callable "
        f"(X, y, random_state) -> (X_new, y_new); got {type(synthesizer).__name__}."
    )
