"""LiLAW per-sample weights.

Every LiLAW weight compares a *score* for the observed target with a
*reference* and passes the gap ``p * score - reference`` (for ``p`` one of
``alpha``, ``beta``, ``delta``) through three fixed shapes:

- ``W_alpha = sigmoid(alpha * score - reference)``: large for "easy" samples,
  where the model agrees confidently with the observed target;
- ``W_beta = sigmoid(-(beta * score - reference))``: large for "hard" samples,
  where the model confidently disagrees;
- ``W_delta = exp(-(delta * score - reference) ** 2 / 2)``: large for
  "moderate" samples, where the model is unsure.

The total weight is the plain sum ``W = W_alpha + W_beta + W_delta``. The
task decides what score and reference are (see LiLAW.md and the user guide):
for multi-class classification they are the softmax probability of the
observed class and the largest softmax probability.

All functions take and return torch tensors, and are differentiable in the
model output and in ``alpha``, ``beta`` and ``delta`` (floats or 0-d tensors).
"""

from typing import NamedTuple

import torch

__all__ = ["LiLAWWeights", "multiclass_weights"]


class LiLAWWeights(NamedTuple):
    """The three LiLAW weight components of each sample, each of shape (n,).

    The total weight is ``easy + hard + moderate``. The classification bounds
    below hold for alpha, beta >= 1 (LiLAW keeps alpha >= 1, and beta only
    grows from its default of 2).

    Attributes
    ----------
    easy : torch.Tensor
        ``W_alpha``, in ``[sigmoid(-1), sigmoid(alpha - 1)]`` for
        classification.
    hard : torch.Tensor
        ``W_beta``, in ``[sigmoid(1 - beta), sigmoid(1)]`` for classification.
    moderate : torch.Tensor
        ``W_delta``, in ``(0, 1]``.
    """

    easy: torch.Tensor
    hard: torch.Tensor
    moderate: torch.Tensor

    def total(self):
        """Return ``W = W_alpha + W_beta + W_delta``, shape (n,)."""
        return self.easy + self.hard + self.moderate


def _weights_from_gap(score, reference, alpha, beta, delta, return_components):
    """Apply the three LiLAW shapes to ``p * score - reference``."""
    easy = torch.sigmoid(alpha * score - reference)
    hard = torch.sigmoid(-(beta * score - reference))
    moderate = torch.exp(-((delta * score - reference) ** 2) / 2)
    components = LiLAWWeights(easy, hard, moderate)
    return components if return_components else components.total()


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
    if logits.ndim != 2:
        raise ValueError(
            f"logits must be 2-d (n_samples, n_classes); got shape "
            f"{tuple(logits.shape)}."
        )
    y = y.reshape(-1)
    if y.shape[0] != logits.shape[0]:
        raise ValueError(
            f"y must hold one label per row of logits; got {y.shape[0]} labels "
            f"for {logits.shape[0]} rows."
        )
    probs = torch.softmax(logits, dim=1)
    score = probs.gather(1, y.long().unsqueeze(1)).squeeze(1)
    reference = probs.max(dim=1).values
    return _weights_from_gap(score, reference, alpha, beta, delta, return_components)
