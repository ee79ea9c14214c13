"""A class-conditional Gaussian-mixture generator of synthetic rows."""

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state

from ._base import NewRowsSynthesizer, check_ratio

__all__ = ["GaussianMixtureSynthesizer"]


class GaussianMixtureSynthesizer(NewRowsSynthesizer):
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
    >>> from sklearn_lilaw.synthesizers import GaussianMixtureSynthesizer
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

    def _new_rows(self, X, y):
        check_ratio(self.ratio)
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
        return X_new, y_new
