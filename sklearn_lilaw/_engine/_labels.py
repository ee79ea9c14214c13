"""Class labels: checking them and turning them into indices."""

import numpy as np

__all__ = ["check_two_classes", "encode_labels"]


def check_two_classes(labels, estimator):
    """Raise a ValueError unless ``labels`` holds at least two classes."""
    if len(labels) < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs samples of at least 2 classes in y; "
            f"got {len(labels)} class."
        )


def encode_labels(y, labels):
    """Position of each label of ``y`` in ``labels`` (which may be unsorted).

    Raises a ValueError naming the labels of ``y`` that are not in ``labels``.
    """
    sorter = np.argsort(labels)
    position = np.searchsorted(labels, y, sorter=sorter)
    encoded = sorter[np.clip(position, 0, len(labels) - 1)]
    unknown = labels[encoded] != y
    if unknown.any():
        raise ValueError(
            f"y contains labels not among the classes {labels.tolist()[:10]}: "
            f"{np.unique(y[unknown]).tolist()[:5]}."
        )
    return encoded.astype(np.int64)
