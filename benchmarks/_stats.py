"""Statistics shared by the benchmark scripts."""

import numpy as np
from scipy import stats


def paired_interval(diff):
    """Mean of paired differences and the half-width of its 95% t-interval.

    The half-width is NaN with fewer than two pairs.
    """
    diff = np.asarray(diff, dtype=float)
    if len(diff) < 2:
        return float(diff.mean()), float("nan")
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return float(diff.mean()), float(half)
