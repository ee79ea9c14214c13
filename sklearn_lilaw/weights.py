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
task decides what score and reference are (see the user guide):

- multi-class: the softmax probability of the observed class, and the largest
  softmax probability;
- multi-label: the mean sigmoid probability of the observed labels, and the
  mean of as many of the largest sigmoid probabilities;
- regression: ``f / R`` and ``y / R`` for prediction ``f``, target ``y`` and
  target range ``R``, so that the gap is ``(p * f - y) / R``.

All functions take and return torch tensors, and are differentiable in the
model output and in ``alpha``, ``beta`` and ``delta`` (floats or 0-d tensors).
"""

from typing import NamedTuple

import torch

from ._softmax_lilaw import constant, softmax_weighted_loss

__all__ = [
    "LiLAWWeights",
    "meta_gradient",
    "multiclass_scores",
    "multiclass_weights",
    "multilabel_scores",
    "multilabel_weights",
    "regression_scores",
    "regression_weights",
    "weighted_cross_entropy",
    "weights_from_scores",
]


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

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import multiclass_weights
    >>> parts = multiclass_weights(torch.zeros(2, 3), torch.tensor([0, 2]),
    ...                            10.0, 2.0, 6.0, return_components=True)
    >>> parts.total().shape
    torch.Size([2])
    """

    easy: torch.Tensor
    hard: torch.Tensor
    moderate: torch.Tensor

    def total(self):
        """Return ``W = W_alpha + W_beta + W_delta``, shape (n,)."""
        return self.easy + self.hard + self.moderate


# On the small networks LiLAW often trains, the elementwise work below runs on a
# few hundred numbers per step: its cost is the number of torch calls, not the
# arithmetic. So the three shapes stay stacked as one (3, ...) tensor, sums
# over them are one matrix product, and temporaries are updated in place.


def _combine(coefficients, rows):
    """``sum_k coefficients[..., k] * rows[k]`` for rows of shape (3, ...)."""
    return (coefficients @ rows.reshape(3, -1)).reshape(
        coefficients.shape[:-1] + rows.shape[1:]
    )


def _shapes(score, reference, params):
    """The gaps ``g_p = p * score - reference`` and the three shapes.

    Returns ``(gap, parts)``, both of shape ``(3,) + score.shape``:
    ``parts[0] = sigmoid(g_alpha) = W_alpha``, ``parts[1] = sigmoid(g_beta) =
    1 - W_beta`` and ``parts[2] = exp(-g_delta ** 2 / 2) = W_delta``.
    """
    gap = params.reshape((3,) + (1,) * score.ndim) * score - reference
    # Built out of place, so that autograd can still run through it.
    moderate = gap[2:].square().mul_(-0.5).exp_()
    return gap, torch.cat((torch.sigmoid(gap[:2]), moderate))


def _total(parts):
    """``W = W_alpha + W_beta + W_delta = 1 + parts[0] - parts[1] + parts[2]``."""
    signs = constant((1.0, -1.0, 1.0), parts.dtype, parts.device)
    return _combine(signs, parts).add_(1.0)


def _slopes(gap, parts):
    """``dW/dg_p`` for p = alpha, beta, delta, stacked like ``gap``.

    With ``s = parts``: ``s_a (1 - s_a)``, ``-s_b (1 - s_b)`` (``W_beta = 1 -
    s_b``) and ``-g_delta W_delta``.
    """
    slopes = parts - parts * parts
    slopes[2] = gap[2] * parts[2]
    signs = constant((1.0, -1.0, -1.0), parts.dtype, parts.device)
    return slopes.mul_(signs.reshape((3,) + (1,) * (gap.ndim - 1)))


def _score_and_reference_slopes(params, slopes):
    """``dW/dscore = sum_p p dW/dg_p`` and ``dW/dreference = -sum_p dW/dg_p``."""
    minus_ones = constant((-1.0, -1.0, -1.0), params.dtype, params.device)
    return _combine(torch.stack((params, minus_ones)), slopes)


class _TotalWeight(torch.autograd.Function):
    """``W`` from ``(score, reference, params)`` as one autograd node.

    Autograd through the dozen elementwise ops of the three shapes costs more
    than the small networks LiLAW often trains; this node computes ``W`` in
    one pass and its gradients in closed form: ``dg_p/dscore = p``,
    ``dg_p/dreference = -1`` and ``dg_p/dp = score``. For 2-d scores
    (several regression outputs) ``W`` is the mean over outputs.
    """

    @staticmethod
    def forward(ctx, score, reference, params):
        gap, parts = _shapes(score, reference, params)
        total = _total(parts)
        ctx.save_for_backward(score, params, gap, parts)
        return total.mean(dim=1) if score.ndim == 2 else total

    @staticmethod
    def backward(ctx, grad):
        score, params, gap, parts = ctx.saved_tensors
        if score.ndim == 2:  # W is the mean over outputs
            grad = grad.unsqueeze(1) / score.shape[1]
        slopes = _slopes(gap, parts)
        needs = ctx.needs_input_grad
        grad_score = grad_reference = grad_params = None
        if needs[0] or needs[1]:
            d_score, d_reference = _score_and_reference_slopes(params, slopes)
            grad_score = grad * d_score if needs[0] else None
            grad_reference = grad * d_reference if needs[1] else None
        if needs[2]:
            grad_params = slopes.reshape(3, -1) @ (grad * score).reshape(-1)
        return grad_score, grad_reference, grad_params


def weighted_cross_entropy(logits, y, params, *, detach_weights=False):
    """Per-sample ``W * cross_entropy`` and ``W`` for multi-class logits.

    The same values (and gradients for ``logits``) as
    ``multiclass_weights(logits, y, *params) * cross_entropy(logits, y)``,
    computed as one autograd node: the model step's fast path for the
    default criterion. ``params`` get no gradient here.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_classes)
        Unnormalised model outputs.
    y : torch.Tensor of shape (n_samples,)
        Observed class indices.
    params : torch.Tensor of shape (3,)
        alpha, beta, delta.
    detach_weights : bool, default=False
        If True, no gradient flows through ``W``.

    Returns
    -------
    weighted_losses : torch.Tensor of shape (n_samples,)
    weights : torch.Tensor of shape (n_samples,)
        ``W``, without gradient.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import weighted_cross_entropy
    >>> logits = torch.log(torch.tensor([[0.05, 0.95]]))
    >>> weighted, weights = weighted_cross_entropy(
    ...     logits, torch.tensor([0]), torch.tensor([9.0, 3.0, 7.0]))
    >>> round(float(weighted), 2), round(float(weights), 3)
    (5.7, 1.903)
    """
    return softmax_weighted_loss(logits, y, params, detach_weights=detach_weights)


def meta_gradient(score, reference, losses, params):
    """Gradient of ``mean(W * losses)`` with respect to (alpha, beta, delta).

    The meta step of Algorithm 1 in closed form: ``score``, ``reference`` and
    ``losses`` are constants there (the model is frozen), so no autograd
    graph is needed.

    Parameters
    ----------
    score, reference : torch.Tensor of shape (n_samples,) or (n_samples, n_outputs)
        As for :func:`weights_from_scores`.
    losses : torch.Tensor of shape (n_samples,)
        Per-sample losses.
    params : torch.Tensor of shape (3,)
        alpha, beta, delta.

    Returns
    -------
    grad : torch.Tensor of shape (3,)

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import meta_gradient, weights_from_scores
    >>> score, reference = torch.rand(5), torch.rand(5)
    >>> losses, params = torch.rand(5), torch.tensor([10.0, 2.0, 6.0])
    >>> p = params.clone().requires_grad_()
    >>> (expected,) = torch.autograd.grad(
    ...     (weights_from_scores(score, reference, p) * losses).mean(), p)
    >>> torch.allclose(meta_gradient(score, reference, losses, params), expected)
    True
    """
    params = params.to(score.dtype)
    gap, parts = _shapes(score, reference, params)
    # d mean(W * losses) / dp = mean(losses * dW/dg_p * score)
    per_sample = losses / losses.shape[0]
    if score.ndim == 2:  # W is the mean over outputs
        per_sample = per_sample.unsqueeze(1) / score.shape[1]
    return _slopes(gap, parts).reshape(3, -1) @ (per_sample * score).reshape(-1)


def _as_params(alpha, beta, delta, like):
    if isinstance(alpha, torch.Tensor) and alpha.shape == (3,) and beta is None:
        return alpha
    values = [
        torch.as_tensor(v, dtype=like.dtype, device=like.device)
        for v in (alpha, beta, delta)
    ]
    return torch.stack(values)


def weights_from_scores(
    score, reference, alpha, beta=None, delta=None, *, return_components=False
):
    """LiLAW weights from a task's score and reference.

    The building block of the three task functions, for new tasks: ``W`` is
    ``sigmoid(alpha * score - reference) + sigmoid(-(beta * score -
    reference)) + exp(-(delta * score - reference) ** 2 / 2)``.

    Parameters
    ----------
    score, reference : torch.Tensor of shape (n_samples,) or (n_samples, n_outputs)
        Per-sample score of the observed target and its reference. For 2-d
        input each component is the mean over outputs.
    alpha, beta, delta : float or 0-d torch.Tensor
        The LiLAW parameters. ``alpha`` may instead be a tensor of shape (3,)
        holding all three (then ``beta`` and ``delta`` are None).
    return_components : bool, default=False
        If True, return the three components as :class:`LiLAWWeights`.

    Returns
    -------
    weights : torch.Tensor of shape (n_samples,) or LiLAWWeights
        The total weight, differentiable in score, reference and the
        parameters; or its components.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import weights_from_scores
    >>> w = weights_from_scores(torch.tensor([0.05]), torch.tensor([0.95]),
    ...                         9.0, 3.0, 7.0)
    >>> round(float(w), 3)
    1.903
    """
    if return_components:
        params = _as_params(alpha, beta, delta, score)
        gap = params.reshape((3,) + (1,) * score.ndim) * score - reference
        parts = LiLAWWeights(
            torch.sigmoid(gap[0]), torch.sigmoid(-gap[1]), torch.exp(-(gap[2] ** 2) / 2)
        )
        if score.ndim == 2:
            parts = LiLAWWeights(*(part.mean(dim=1) for part in parts))
        return parts
    params = _as_params(alpha, beta, delta, score).to(score.dtype)
    return _TotalWeight.apply(score, reference, params)


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
    score, reference = multiclass_scores(logits, y)
    return weights_from_scores(
        score, reference, alpha, beta, delta, return_components=return_components
    )


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
    probs = torch.softmax(logits, dim=1)
    score = probs.gather(1, y.long().reshape(-1, 1)).squeeze(1)
    return score, probs.max(dim=1).values


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
    k = positive.sum(dim=1)
    none = k == 0
    # Samples without a positive label are scored on their negatives.
    probs = torch.where(none.unsqueeze(1), 1 - probs, probs)
    positive = torch.where(none.unsqueeze(1), torch.ones_like(positive), positive)
    k = positive.sum(dim=1)
    score = (probs * positive).sum(dim=1) / k
    top = probs.sort(dim=1, descending=True).values.cumsum(dim=1)
    reference = top.gather(1, (k.long() - 1).unsqueeze(1)).squeeze(1) / k
    return score, reference


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
