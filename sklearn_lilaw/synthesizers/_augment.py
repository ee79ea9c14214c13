"""ECG5000-A augmentation: random offset plus Gaussian noise, one draw per sequence.

The augmentation of the LiLAW synthetic-data experiments: a fraction of the
training sequences get a copy ``x + b + sigma * eps`` with the same label,
``b ~ U[-0.2, 0.2]``, ``sigma = sqrt(u)``, ``u ~ U[0.05, 0.1]`` and
``eps ~ N(0, I)``. The copies are the synthetic rows of ``sample_origin``.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_array, check_random_state

__all__ = ["GaussianAugmenter", "augment_ecg"]

OFFSET_HALF_WIDTH = 0.2  # b ~ U[-0.2, 0.2]
NOISE_VARIANCE_RANGE = (0.05, 0.1)  # sigma**2 ~ U[0.05, 0.1]
_MODES = ("add", "replace")


def _check_fraction(fraction):
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, numbers.Real)
        or not 0 <= fraction <= 1
    ):
        raise ValueError(f"fraction must be a real number in [0, 1]; got {fraction!r}.")


def _check_mode(mode):
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"mode must be 'add' or 'replace'; got {mode!r}.")


def _augment(X, y, fraction, mode, random_state):
    """Validate, augment, and return ``(X_out, y_out, is_synthetic, indices)``.

    ``indices[i]`` is the row of the input that output row ``i`` is (a copy
    of, or an augmentation of).
    """
    _check_fraction(fraction)
    _check_mode(mode)
    X = check_array(X, dtype=[np.float64, np.float32], allow_nd=True, input_name="X")
    if X.ndim not in (2, 3):
        raise ValueError(
            "X must have shape (n_samples, n_timesteps) or (n_samples, "
            f"n_timesteps, n_channels); got shape {X.shape}."
        )
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X and y must have the same number of rows; got {X.shape[0]} rows "
            f"in X and y of shape {y.shape}."
        )
    rng = check_random_state(random_state)
    n_samples = X.shape[0]
    # Round half up (not Python's round-half-to-even): 0.5 of 5 rows is 3.
    n_synthetic = int(np.floor(fraction * n_samples + 0.5))
    chosen = np.sort(rng.choice(n_samples, size=n_synthetic, replace=False))

    # One offset and one noise level per sequence, broadcast over time steps
    # and channels; the noise itself is drawn per value.
    per_row = (n_synthetic,) + (1,) * (X.ndim - 1)
    offset = rng.uniform(-OFFSET_HALF_WIDTH, OFFSET_HALF_WIDTH, size=per_row)
    sigma = np.sqrt(rng.uniform(*NOISE_VARIANCE_RANGE, size=per_row))
    noise = rng.standard_normal(size=(n_synthetic,) + X.shape[1:])
    X_synthetic = (X[chosen] + offset + sigma * noise).astype(X.dtype, copy=False)

    if mode == "add":
        X_out = np.concatenate([X, X_synthetic])
        y_out = np.concatenate([y, y[chosen]])
        is_synthetic = np.zeros(n_samples + n_synthetic, dtype=bool)
        is_synthetic[n_samples:] = True
        indices = np.concatenate([np.arange(n_samples), chosen])
    else:
        X_out = X.copy()
        X_out[chosen] = X_synthetic
        y_out = y.copy()
        is_synthetic = np.zeros(n_samples, dtype=bool)
        is_synthetic[chosen] = True
        indices = np.arange(n_samples)
    return X_out, y_out, is_synthetic, indices


def augment_ecg(X, y, *, fraction=0.5, mode="add", random_state=None):
    """Augment a fraction of the sequences with a random offset and Gaussian noise.

    The ECG5000-A augmentation of the LiLAW synthetic-data experiments. For
    each chosen sequence ``x``::

        x_aug = x + b + sigma * eps
        b ~ U[-0.2, 0.2],  sigma = sqrt(u),  u ~ U[0.05, 0.1],  eps ~ N(0, I)

    with one ``b`` and one ``sigma`` per sequence (shared by all its time
    steps and channels) and fresh noise ``eps`` for every value. Labels are
    kept.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps) or \
            (n_samples, n_timesteps, n_channels)
        Sequences, one per row. float32 input stays float32; other input is
        converted to float64. Never modified.
    y : array-like of shape (n_samples,) or (n_samples, ...)
        Targets, copied to the augmented rows.
    fraction : float in [0, 1], default=0.5
        Fraction of the rows to augment, drawn at random without replacement;
        the count is ``fraction * n_samples`` rounded to the nearest integer
        (halves up).
    mode : {'add', 'replace'}, default='add'
        ``'add'``: keep every original row (marked real) and append the
        augmented copies after them, in the order of the rows they come from.
        ``'replace'``: put each augmented copy in place of its original
        (those rows marked synthetic); the output has as many rows as ``X``.
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of rows, the offsets, the noise levels and the
        noise, drawn in that order. An int gives the same output every call.

    Returns
    -------
    X_out : ndarray of shape (n_samples_out, ...)
        ``n_samples + n_synthetic`` rows for ``mode='add'``, ``n_samples``
        for ``mode='replace'``.
    y_out : ndarray of shape (n_samples_out, ...)
        Targets of ``X_out``.
    sample_origin : ndarray of bool, shape (n_samples_out,)
        True for the augmented (synthetic) rows; pass it as ``sample_origin``
        to the LiLAW estimators' ``fit``.

    Raises
    ------
    ValueError
        If ``fraction`` is not in [0, 1], ``mode`` is unknown, ``X`` is not
        2-d or 3-d numeric data, or ``X`` and ``y`` differ in length.

    See Also
    --------
    GaussianAugmenter : The same as a scikit-learn estimator with
        ``fit_resample``.

    Notes
    -----
    The paper augments 50% of the ECG5000 training beats without saying
    whether the copies are added to or replace the originals; both are
    offered here, ``'add'`` by default.

    References
    ----------
    .. [1] "Sample Reweighting to Effectively Use Synthetic Data during Model
       Training", ICLR 2026 submission (withdrawn).
    .. [2] A. Moturu, A. Muzammil, A. Goldenberg, B. Taati. "LiLAW:
       Lightweight Learnable Adaptive Weighting to Meta-Learn Sample
       Difficulty, Improve Noisy Training, Increase Fairness, and Effectively
       Use Synthetic Data", arXiv:2509.20786, 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lilaw.synthesizers import augment_ecg
    >>> X = np.zeros((10, 140), dtype=np.float32)
    >>> y = np.arange(10) % 2
    >>> X_out, y_out, origin = augment_ecg(X, y, fraction=0.5, random_state=0)
    >>> X_out.shape, int(origin.sum())
    ((15, 140), 5)
    >>> bool(np.all(X_out[~origin] == X))
    True
    >>> X_rep, y_rep, origin = augment_ecg(X, y, mode="replace", random_state=0)
    >>> X_rep.shape, int(origin.sum())
    ((10, 140), 5)
    """
    X_out, y_out, is_synthetic, _ = _augment(X, y, fraction, mode, random_state)
    return X_out, y_out, is_synthetic


class GaussianAugmenter(BaseEstimator):
    """Resampler that adds offset-and-noise copies of a fraction of the sequences.

    The ECG5000-A augmentation (see :func:`augment_ecg`) with the
    imbalanced-learn sampler interface: ``fit_resample(X, y)`` returns the
    new data, and ``sample_origin_`` marks its synthetic rows for the LiLAW
    estimators.

    Parameters
    ----------
    fraction : float in [0, 1], default=0.5
        Fraction of the rows to augment (rounded to the nearest count,
        halves up).
    mode : {'add', 'replace'}, default='add'
        ``'add'`` appends the augmented copies after all original rows;
        ``'replace'`` puts them in place of their originals.
    random_state : int, RandomState instance or None, default=None
        Seeds the augmentation; an int gives the same output every call.

    Attributes
    ----------
    sample_origin_ : ndarray of bool, shape (n_samples_out,)
        For the output of the last ``fit_resample``: True for the
        augmented (synthetic) rows.
    n_synthetic_ : int
        Number of augmented rows in that output.
    sample_indices_ : ndarray of int, shape (n_samples_out,)
        For each output row, the input row it is a copy or an augmentation
        of.

    See Also
    --------
    augment_ecg : The same as a function, returning ``sample_origin`` too.

    Notes
    -----
    For each chosen sequence ``x``: ``x + b + sigma * eps`` with
    ``b ~ U[-0.2, 0.2]``, ``sigma = sqrt(u)``, ``u ~ U[0.05, 0.1]`` (one
    ``b`` and one ``sigma`` per sequence) and ``eps ~ N(0, I)``.

    Examples
    --------
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> from sklearn_lilaw.synthesizers import GaussianAugmenter
    >>> from sklearn_lilaw.datasets import load_ecg5000
    >>> X, y = load_ecg5000(return_X_y=True)
    >>> augmenter = GaussianAugmenter(fraction=0.5, random_state=0)
    >>> X_aug, y_aug = augmenter.fit_resample(X, y)
    >>> X_aug.shape, augmenter.n_synthetic_
    ((750, 140), 250)
    >>> clf = LiLAWClassifier(max_epochs=2, random_state=0)
    >>> clf = clf.fit(X_aug, y_aug, sample_origin=augmenter.sample_origin_)
    """

    def __init__(self, fraction=0.5, mode="add", random_state=None):
        self.fraction = fraction
        self.mode = mode
        self.random_state = random_state

    def fit_resample(self, X, y):
        """Augment ``X`` and ``y``; the input is not modified.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences, one per row.
        y : array-like of shape (n_samples,) or (n_samples, ...)
            Targets.

        Returns
        -------
        X_out : ndarray of shape (n_samples_out, ...)
            Original and augmented sequences.
        y_out : ndarray of shape (n_samples_out, ...)
            Their targets.
        """
        X_out, y_out, is_synthetic, indices = _augment(
            X, y, self.fraction, self.mode, self.random_state
        )
        self.sample_origin_ = is_synthetic
        self.n_synthetic_ = int(is_synthetic.sum())
        self.sample_indices_ = indices
        return X_out, y_out
