"""Tabular generators with ``fit(table)`` / ``sample(n)`` as synthesizers."""

import copy
import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

__all__ = ["GeneratorSynthesizer"]


class GeneratorSynthesizer(BaseEstimator):
    """A generator with ``fit(table)`` and ``sample(n)`` as a synthesizer.

    The interface of tabular-synthesis libraries (SDV's synthesizers, ctgan):
    the generator is fitted on one table holding the features and the
    target, and samples new rows of that table. This adapter builds the table
    from ``(X, y)`` (a DataFrame keeps its column names; an array's columns
    are named ``x0``, ``x1``, ...), fits a copy of the generator on it,
    samples, and splits the new rows into features and targets again. An
    estimator wraps any such generator passed as ``synthesizer`` in this
    class with its defaults.

    Parameters
    ----------
    generator : object
        Has ``fit(table)`` and ``sample(n)``; ``sample`` returns a DataFrame
        (or a 2-d array) with the table's columns. Copied before fitting.
    n_samples : float or int, default=1.0
        New rows: a float is per input row, an int a count.
    label_column : str, default="target"
        Name of the target column in the table (``label_column_0``, ... for
        2-d targets). Must not clash with a feature's name.
    random_state : int, RandomState instance or None, default=None
        Passed to the generator when it has a ``random_state`` parameter;
        other generators seed themselves.

    Attributes
    ----------
    generator_ : object
        The fitted copy of ``generator``.
    n_synthetic_ : int
        Rows made by the last ``fit_resample``.
    sample_origin_ : ndarray of bool
        True for the new rows of the last output.

    Notes
    -----
    SDV itself needs ``pandas<3`` and cannot be installed beside this
    package today; anything with the same two methods works.

    Examples
    --------
    A generator that resamples the rows of its table with noise:

    >>> import numpy as np
    >>> from sklearn_lilaw.synthesizers import GeneratorSynthesizer
    >>> class Jitter:
    ...     def fit(self, table):
    ...         self.table = table
    ...         return self
    ...     def sample(self, n):
    ...         rows = self.table.sample(n, replace=True, random_state=0)
    ...         return rows.assign(x0=rows["x0"] + 0.01)
    >>> X, y = np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1])
    >>> X_res, y_res = GeneratorSynthesizer(Jitter(), n_samples=2).fit_resample(X, y)
    >>> X_res.shape, y_res.shape
    ((6, 2), (6,))
    """

    def __init__(
        self, generator=None, n_samples=1.0, label_column="target", random_state=None
    ):
        self.generator = generator
        self.n_samples = n_samples
        self.label_column = label_column
        self.random_state = random_state

    def _n_new(self, n_rows):
        n = self.n_samples
        if isinstance(n, bool) or not isinstance(n, numbers.Real) or n < 0:
            raise ValueError(f"n_samples must be a number >= 0; got {n!r}.")
        if isinstance(n, numbers.Integral):
            return int(n)
        return int(np.floor(n * n_rows + 0.5))

    def fit_resample(self, X, y):
        """Return the input rows followed by the generator's rows.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows to learn from.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Their targets.

        Returns
        -------
        X_resampled : ndarray or DataFrame, like ``X``
        y_resampled : ndarray
        """
        if not (hasattr(self.generator, "fit") and hasattr(self.generator, "sample")):
            raise TypeError(
                "generator must have fit(table) and sample(n) methods; got "
                f"{type(self.generator).__name__}."
            )
        frame = X if isinstance(X, pd.DataFrame) else _as_frame(X)
        targets = np.asarray(y)
        labels = (
            [self.label_column]
            if targets.ndim == 1
            else [f"{self.label_column}_{j}" for j in range(targets.shape[1])]
        )
        clash = set(labels) & set(map(str, frame.columns))
        if clash:
            raise ValueError(
                f"label_column {sorted(clash)} is also a feature's name; pass "
                "another label_column."
            )
        table = frame.reset_index(drop=True).assign(
            **dict(zip(labels, targets.reshape(len(targets), -1).T))
        )
        generator = copy.deepcopy(self.generator)
        if "random_state" in getattr(generator, "get_params", dict)():
            generator.set_params(random_state=self.random_state)
        generator.fit(table)
        self.generator_ = generator
        new = generator.sample(self._n_new(len(table)))
        if not isinstance(new, pd.DataFrame):
            new = pd.DataFrame(np.asarray(new), columns=table.columns)
        missing = set(table.columns) - set(new.columns)
        if missing:
            raise ValueError(
                f"generator.sample returned no columns {sorted(missing)[:5]}."
            )
        X_new = new[frame.columns]
        y_new = new[labels].to_numpy()
        y_new = y_new.ravel() if targets.ndim == 1 else y_new
        self.n_synthetic_ = len(new)
        self.sample_origin_ = np.arange(len(frame) + len(new)) >= len(frame)
        if isinstance(X, pd.DataFrame):
            X_out = pd.concat([X, X_new.set_axis(range(len(X_new)))], ignore_index=True)
        else:
            X_out = np.concatenate([np.asarray(X), X_new.to_numpy(dtype=float)])
        return X_out, np.concatenate([targets, y_new.astype(targets.dtype)])


def _as_frame(X):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"A table generator needs 2-d X (rows x features); got shape {X.shape}."
        )
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
