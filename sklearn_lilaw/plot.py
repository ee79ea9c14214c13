"""Pictures of what a LiLAW estimator learned: how it treated each row's origin.

Needs matplotlib, an optional dependency: ``pip install "sklearn-lilaw[plot]"``.
"""

import numpy as np

__all__ = ["plot_history", "plot_sample_weights"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "sklearn_lilaw.plot needs matplotlib, an optional dependency: "
            'pip install "sklearn-lilaw[plot]" (or pip install matplotlib).'
        ) from exc
    return plt


def _columns(history, names):
    """The history columns of ``names`` that the fit recorded."""
    return [name for name in names if all(name in row for row in history)]


def plot_history(estimator, axes=None):
    """Plot the learned scalars and the mean weight by origin, per epoch.

    Left: alpha, beta and delta (``lilaw=True``). Right: the mean LiLAW
    weight of the real and of the synthetic training rows, and the learned
    weight of synthetic rows (``synthetic_weight='auto'``).

    Parameters
    ----------
    estimator : fitted LiLAW estimator
        Its ``history`` is plotted.
    axes : array of two matplotlib Axes, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    axes : array of two matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> from sklearn_lilaw.plot import plot_history
    >>> X, y = load_iris(return_X_y=True)
    >>> origin = np.arange(150) % 3 == 0
    >>> clf = LiLAWClassifier(max_epochs=5, synthetic_weight="auto", random_state=0)
    >>> axes = plot_history(clf.fit(X, y, sample_origin=origin))
    >>> [ax.get_title() for ax in axes]
    ['LiLAW scalars', 'weights by origin']
    """
    plt = _pyplot()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    history = estimator.history
    epochs = history[:, "epoch"]
    left, right = axes
    for name in _columns(history, ("alpha", "beta", "delta")):
        left.plot(epochs, history[:, name], label=name)
    left.set_title("LiLAW scalars")
    left.set_xlabel("epoch")
    labels = {
        "weight_real": "mean W, real rows",
        "weight_synthetic": "mean W, synthetic rows",
        "synthetic_weight": "learned weight of synthetic rows",
    }
    for name in _columns(history, labels):
        right.plot(epochs, history[:, name], label=labels[name])
    right.set_title("weights by origin")
    right.set_xlabel("epoch")
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    return axes


def plot_sample_weights(estimator, X, y, sample_origin=None, ax=None, bins=30):
    """Plot how the fitted estimator weighs each row, by origin.

    Histograms of :meth:`sample_weights <sklearn_lilaw.LiLAWClassifier.sample_weights>`
    for the real and for the synthetic rows.

    Parameters
    ----------
    estimator : fitted LiLAW estimator
        The estimator whose weights are shown.
    X, y : array-like
        Rows and targets.
    sample_origin : array-like of shape (n_samples,), default=None
        As in ``fit``; None means every row is real.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.
    bins : int, default=30
        Histogram bins.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_lilaw import LiLAWClassifier
    >>> from sklearn_lilaw.plot import plot_sample_weights
    >>> X, y = load_iris(return_X_y=True)
    >>> origin = np.arange(150) % 3 == 0
    >>> clf = LiLAWClassifier(max_epochs=5, random_state=0)
    >>> clf = clf.fit(X, y, sample_origin=origin)
    >>> plot_sample_weights(clf, X, y, origin).get_xlabel()
    'weight of the row in the loss'
    """
    plt = _pyplot()
    from ._engine._origin import check_sample_origin

    weights = estimator.sample_weights(X, y, sample_origin)
    origin = check_sample_origin(sample_origin, len(weights))
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    edges = np.histogram_bin_edges(weights, bins=bins)
    for mask, label in ((~origin, "real rows"), (origin, "synthetic rows")):
        if mask.any():
            ax.hist(weights[mask], bins=edges, alpha=0.6, label=label)
    ax.set_xlabel("weight of the row in the loss")
    ax.set_ylabel("rows")
    ax.legend(fontsize=8)
    return ax
