"""imbalanced-learn's over-samplers as generators of synthetic rows."""

import numpy as np
from sklearn.base import clone

from ._base import NewRowsSynthesizer, check_ratio

__all__ = ["ImblearnSynthesizer"]


class ImblearnSynthesizer(NewRowsSynthesizer):
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
    >>> from sklearn_lilaw.synthesizers import ImblearnSynthesizer
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

    def _new_rows(self, X, y):
        sampler = self._make_sampler()
        params = {}
        if "random_state" in sampler.get_params():
            params["random_state"] = self.random_state
        if self.ratio is not None:
            check_ratio(self.ratio)
            labels, counts = np.unique(y, return_counts=True)
            params["sampling_strategy"] = {
                label: int(count + np.floor(self.ratio * count + 0.5))
                for label, count in zip(labels, counts)
            }
        self.sampler_ = sampler.set_params(**params)
        # imbalanced-learn's over-samplers return the input rows first.
        X_res, y_res = self.sampler_.fit_resample(X, y)
        return X_res[len(X) :], y_res[len(y) :]
