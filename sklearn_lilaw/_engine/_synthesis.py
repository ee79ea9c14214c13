"""Running the user's synthesizer on the user's own rows, and checking its output.

The synthesizer sees the training rows as they were given to ``fit``: a
DataFrame keeps its column names, and targets keep the user's labels (so an
imbalanced-learn ``sampling_strategy`` dict keyed by class labels works).
What it returns is checked and converted the way ``fit`` converts its input,
so a bad synthetic row fails with a message that names the synthesizer.
"""

import warnings

import numpy as np
from sklearn.utils import check_array

from ..synthesizers._base import make_synthetic_rows

__all__ = ["Synthesis"]


def _rows(data, rows):
    """``data[rows]`` for arrays, pandas objects and lists alike."""
    if hasattr(data, "iloc"):
        return data.iloc[rows]
    return np.asarray(data)[rows]


class Synthesis:
    """``synthesize(source, seed) -> (X_new, y_new, fitted)`` for ``prepare_fit_data``.

    Parameters
    ----------
    estimator : LiLAWMixin
        Gives the synthesizer and checks the targets (``_validate_targets``).
    X, y : array-like
        The rows and targets as given to ``fit``.
    X_checked : ndarray
        ``X`` as ``fit`` validated it (the shape new rows must have).
    """

    def __init__(self, estimator, X, y, X_checked):
        self.estimator = estimator
        self.X = X
        self.y = y
        self.shape = X_checked.shape[1:]
        self._warned_no_rows = False  # a fit that refits runs it twice

    def __call__(self, source, seed):
        rows = np.flatnonzero(source)
        made = make_synthetic_rows(
            self.estimator.synthesizer,
            _rows(self.X, rows),
            _rows(self.y, rows),
            seed,
        )
        X_new, y_new, fitted = made
        try:
            X_new = check_array(
                X_new, dtype=np.float32, allow_nd=True, ensure_min_samples=0,
                input_name="X_new",
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            raise ValueError(f"synthesizer made unusable rows: {exc}") from exc
        if X_new.shape[1:] != self.shape:
            raise ValueError(
                f"synthesizer made rows of shape {X_new.shape}; expected (n_new, "
                f"{', '.join(map(str, self.shape))}) like the rows given to fit."
            )
        y_new = np.asarray(y_new)
        if len(y_new) != len(X_new):
            raise ValueError(
                f"synthesizer made {len(X_new)} rows but {len(y_new)} targets."
            )
        if len(X_new) == 0:
            if not self._warned_no_rows:
                warnings.warn(
                    "synthesizer made no rows (an over-sampler on balanced "
                    "classes does this); the fit uses the given rows only.",
                    UserWarning,
                    stacklevel=6,
                )
                self._warned_no_rows = True
            return X_new, None, fitted
        try:
            y_new, _ = self.estimator._validate_targets(y_new, reset=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"synthesizer made targets the estimator cannot use: {exc}"
            ) from exc
        return X_new, y_new, fitted
