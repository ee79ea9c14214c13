"""Scores and references of the three tasks, and their LiLAW weights."""

import torch

from ._formulas import weights_from_scores

__all__ = [
    "multiclass_scores",
    "multiclass_weights",
    "multilabel_scores",
    "multilabel_weights",
    "regression_scores",
    "regression_weights",
]


# ---------------------------------------------------------------------------
# Multi-class classification
# ---------------------------------------------------------------------------


def multiclass_scores(logits, y):
    """Score ``s[y]`` and reference ``max(s)`` of each sample, ``s = softmax``.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_classes)
        Unnormalised model outputs.
    y : torch.Tensor of shape (n_samples,)
        Observed class indices.

    Returns
    -------
    score, reference : torch.Tensor of shape (n_samples,)
        Inputs of :func:`weights_from_scores`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import multiclass_scores
    >>> score, reference = multiclass_scores(
    ...     torch.log(torch.tensor([[0.05, 0.95]])), torch.tensor([0]))
    >>> round(float(score), 2), round(float(reference), 2)
    (0.05, 0.95)
    """
    log_probs = torch.log_softmax(logits, dim=1)
    log_score = log_probs.gather(1, y.reshape(-1, 1).long()).squeeze(1)
    return torch.stack((log_score, log_probs.amax(dim=1))).exp().unbind()


def multiclass_weights(logits, y, alpha, beta, delta, *, return_components=False):
    """LiLAW weights for multi-class classification.

    With ``s = softmax(logits)``, the score of a sample is ``s[y]`` (the
    probability the model gives the observed label) and the reference is
    ``max(s)``.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_classes)
        Unnormalised model outputs.
    y : torch.Tensor of shape (n_samples,)
        Observed class indices in ``[0, n_classes)``.
    alpha, beta, delta : float or 0-d torch.Tensor
        The LiLAW parameters (paper defaults 10, 2, 6).
    return_components : bool, default=False
        If True, return the three components as :class:`LiLAWWeights`
        instead of their sum.

    Returns
    -------
    weights : torch.Tensor of shape (n_samples,) or LiLAWWeights
        The total weight ``W`` of each sample, or its components.

    Raises
    ------
    ValueError
        If ``logits`` is not 2-d or ``y`` does not hold one label per row.

    Examples
    --------
    The test vector from the specification: ``s = [0.05, 0.95]``, ``y = 0``.

    >>> import torch
    >>> from sklearn_lilaw.weights import multiclass_weights
    >>> logits = torch.log(torch.tensor([[0.05, 0.95]]))
    >>> w = multiclass_weights(logits, torch.tensor([0]), 9.0, 3.0, 7.0,
    ...                        return_components=True)
    >>> [round(float(c), 3) for c in w]
    [0.378, 0.69, 0.835]
    >>> round(float(w.total()), 3)
    1.903
    """
    _check_multiclass(logits, y)
    score, reference = multiclass_scores(logits, y)
    return weights_from_scores(
        score, reference, alpha, beta, delta, return_components=return_components
    )


def _check_multiclass(logits, y):
    if logits.ndim != 2:
        raise ValueError(
            f"logits must be 2-d (n_samples, n_classes); got shape "
            f"{tuple(logits.shape)}."
        )
    if y.numel() != logits.shape[0]:
        raise ValueError(
            f"y must hold one label per row of logits; got {y.numel()} labels "
            f"for {logits.shape[0]} rows."
        )


# ---------------------------------------------------------------------------
# Multi-label classification
# ---------------------------------------------------------------------------


def multilabel_scores(logits, Y):
    """Mean sigmoid over the observed labels, and over as many top labels.

    Rows without a positive label are scored on their negatives (see
    :func:`multilabel_weights`).

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_labels)
        Unnormalised model outputs.
    Y : torch.Tensor of shape (n_samples, n_labels)
        Observed 0/1 indicator targets.

    Returns
    -------
    score, reference : torch.Tensor of shape (n_samples,)
        Inputs of :func:`weights_from_scores`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import multilabel_scores
    >>> p = torch.tensor([[0.9, 0.2, 0.7]])
    >>> score, reference = multilabel_scores(torch.logit(p), torch.tensor([[1, 1, 0]]))
    >>> round(float(score), 2), round(float(reference), 2)
    (0.55, 0.8)
    """
    probs = torch.sigmoid(logits)
    positive = Y.to(probs.dtype)
    none = (positive.sum(dim=1) == 0).unsqueeze(1)
    # Samples without a positive label are scored on their negatives.
    probs = torch.where(none, 1 - probs, probs)
    positive = torch.where(none, torch.ones_like(positive), positive)
    k = positive.sum(dim=1)
    score = (probs * positive).sum(dim=1) / k
    top = probs.sort(dim=1, descending=True).values.cumsum(dim=1)
    reference = top.gather(1, (k.long() - 1).unsqueeze(1)).squeeze(1) / k
    return score, reference


def multilabel_weights(logits, Y, alpha, beta, delta, *, return_components=False):
    """LiLAW weights for multi-label classification.

    With ``p = sigmoid(logits)`` and ``k`` the number of observed positive
    labels of a sample, the score is the mean of ``p`` over the observed
    labels and the reference is the mean of the ``k`` largest values of ``p``.

    The paper leaves ``k = 0`` (no positive label) undefined. Here such a
    sample is scored on its negatives: its observed label set is "none of
    them", the probability the model gives each absent label is ``1 - p``,
    and score and reference are both ``mean(1 - p)`` (as for a multi-class
    sample whose observed label is the top class, ``s[y] = max(s)``).

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_labels)
        Unnormalised model outputs, one per label.
    Y : torch.Tensor of shape (n_samples, n_labels)
        Observed binary indicator targets (0/1, any numeric dtype).
    alpha, beta, delta : float or 0-d torch.Tensor
        The LiLAW parameters.
    return_components : bool, default=False
        If True, return the three components as :class:`LiLAWWeights`.

    Returns
    -------
    weights : torch.Tensor of shape (n_samples,) or LiLAWWeights
        The total weight of each sample, or its components.

    Raises
    ------
    ValueError
        If ``logits`` and ``Y`` are not 2-d arrays of the same shape.

    Examples
    --------
    Three labels, the first two observed: score = mean(0.9, 0.2) = 0.55,
    reference = mean of the two largest of (0.9, 0.2, 0.7) = 0.8.

    >>> import torch
    >>> from sklearn_lilaw.weights import multilabel_weights
    >>> p = torch.tensor([[0.9, 0.2, 0.7]])
    >>> w = multilabel_weights(torch.logit(p), torch.tensor([[1, 1, 0]]),
    ...                        10.0, 2.0, 6.0, return_components=True)
    >>> [round(float(c), 4) for c in w]
    [0.991, 0.4256, 0.0439]
    """
    if logits.ndim != 2 or tuple(Y.shape) != tuple(logits.shape):
        raise ValueError(
            "logits and Y must be 2-d of the same shape (n_samples, n_labels); got "
            f"{tuple(logits.shape)} and {tuple(Y.shape)}."
        )
    score, reference = multilabel_scores(logits, Y)
    return weights_from_scores(
        score, reference, alpha, beta, delta, return_components=return_components
    )


# ---------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------


def regression_scores(pred, y, target_range):
    """``f / R`` and ``y / R``, with a range of 0 replaced by 1.

    Parameters
    ----------
    pred, y : torch.Tensor of shape (n_samples,) or (n_samples, n_outputs)
        Predictions and observed targets.
    target_range : float or torch.Tensor of shape () or (n_outputs,)
        The target range ``R``.

    Returns
    -------
    score, reference : torch.Tensor, shaped like ``pred``
        Inputs of :func:`weights_from_scores`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import regression_scores
    >>> regression_scores(torch.tensor([2.0]), torch.tensor([4.0]), 16.0)
    (tensor([0.1250]), tensor([0.2500]))
    """
    R = torch.as_tensor(target_range, dtype=pred.dtype, device=pred.device)
    R = torch.where(R > 0, R, torch.ones_like(R))
    return pred / R, y / R


def regression_weights(
    pred, y, alpha, beta, delta, target_range, *, return_components=False
):
    """LiLAW weights for regression.

    In each weight, ``p * s[y] - max(s)`` becomes ``(p * f - y) / R`` for
    prediction ``f``, target ``y`` and target range ``R``::

        W_alpha = sigmoid((alpha * f - y) / R)
        W_beta  = sigmoid(-((beta * f - y) / R))
        W_delta = exp(-((delta * f - y) / R) ** 2 / 2)

    ``W_delta`` is the Gaussian form: the synthetic-data paper's summary table
    prints a sigmoid there, but its text substitutes the Gaussian.

    Parameters
    ----------
    pred : torch.Tensor of shape (n_samples,) or (n_samples, n_outputs)
        Predictions ``f``.
    y : torch.Tensor of the same shape as ``pred``
        Observed targets.
    alpha, beta, delta : float or 0-d torch.Tensor
        The LiLAW parameters.
    target_range : float or torch.Tensor of shape () or (n_outputs,)
        ``R``, the range of the true targets (per output for 2-d targets).
        A range of 0 (constant targets) is replaced by 1, so nothing is
        divided by zero.
    return_components : bool, default=False
        If True, return the three components as :class:`LiLAWWeights`.

    Returns
    -------
    weights : torch.Tensor of shape (n_samples,) or LiLAWWeights
        The total weight of each sample, or its components. For 2-d targets
        each component is the mean of its per-output values, so a sample's
        weight stays in the range of a single output's.

    Raises
    ------
    ValueError
        If ``pred`` and ``y`` differ in shape or are not 1-d or 2-d.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import regression_weights
    >>> w = regression_weights(torch.tensor([2.0]), torch.tensor([4.0]),
    ...                        10.0, 2.0, 6.0, target_range=16.0,
    ...                        return_components=True)
    >>> [round(float(c), 4) for c in w]       # gaps 1, 0, 0.5
    [0.7311, 0.5, 0.8825]
    """
    if pred.shape != y.shape or pred.ndim not in (1, 2):
        raise ValueError(
            "pred and y must have the same 1-d or 2-d shape; got "
            f"{tuple(pred.shape)} and {tuple(y.shape)}."
        )
    score, reference = regression_scores(pred, y, target_range)
    return weights_from_scores(
        score, reference, alpha, beta, delta, return_components=return_components
    )
