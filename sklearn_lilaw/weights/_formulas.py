"""The LiLAW weights of a score and a reference, and the meta step."""

import functools
from typing import NamedTuple

import torch

__all__ = [
    "LiLAWWeights",
    "meta_gradient",
    "meta_update",
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


# ---------------------------------------------------------------------------
# The formulas. Per sample, the three parts are stacked along a last axis of
# size 3 (alpha, beta, delta), so that a step is a handful of tensor
# operations: on the small networks LiLAW often trains, a step's cost is the
# number of operations, not the arithmetic.
# ---------------------------------------------------------------------------


def _as_params(alpha, beta, delta, like):
    """alpha, beta, delta as one tensor of shape (3,) in ``like``'s dtype."""
    if beta is None and delta is None:
        params = torch.as_tensor(alpha)
    else:
        params = torch.stack([torch.as_tensor(p) for p in (alpha, beta, delta)])
    if params.shape != (3,):
        raise ValueError(
            "Pass alpha, beta and delta, or one tensor of shape (3,) holding "
            f"all three; got shape {tuple(params.shape)}."
        )
    return params.to(dtype=like.dtype, device=like.device)


class _Constants(NamedTuple):
    gaussian: torch.Tensor  # which part is the Gaussian one
    total_signs: torch.Tensor  # see _total
    slope_signs: torch.Tensor  # see _slopes
    one: torch.Tensor


@functools.cache
def _constants(dtype, device):
    """Tiny constant tensors, made once per dtype and device."""

    def tensor(values):
        return torch.tensor(values, dtype=dtype, device=device)

    return _Constants(
        torch.tensor([False, False, True], device=device),
        tensor([-1.0, 1.0, 1.0]),
        tensor([1.0, -1.0, 1.0]),
        tensor(1.0),
    )


def _negative_gaps(score, reference, params):
    """``h_p = reference - p * score = -g_p``, shape ``score.shape + (3,)``."""
    return torch.addcmul(
        reference.unsqueeze(-1), score.unsqueeze(-1), params, value=-1.0
    )


def _parts(h):
    """``(1 - W_alpha, W_beta, W_delta)`` along the last axis.

    With ``h = -g``: ``sigmoid(h_alpha) = 1 - W_alpha``, ``sigmoid(h_beta) =
    W_beta`` and ``exp(-h_delta ** 2 / 2) = W_delta``.
    """
    gaussian = _constants(h.dtype, h.device).gaussian
    return torch.where(gaussian, torch.exp(-0.5 * h.square()), torch.sigmoid(h))


def _total(parts):
    """``W = W_alpha + W_beta + W_delta``, i.e. ``1 + parts @ (-1, 1, 1)``."""
    constants = _constants(parts.dtype, parts.device)
    if parts.ndim == 2:
        return torch.addmv(constants.one, parts, constants.total_signs)
    return torch.matmul(parts, constants.total_signs).add_(1.0)


def _slopes(h, parts):
    """``dW/dg_p`` along the last axis.

    ``sigmoid' = s (1 - s)`` for ``W_alpha = sigmoid(g)`` and (with a minus)
    for ``W_beta = sigmoid(-g)``; ``-g W_delta`` for the Gaussian.
    """
    constants = _constants(parts.dtype, parts.device)
    logistic = torch.addcmul(parts, parts, parts, value=-1.0)  # s (1 - s)
    slopes = torch.where(constants.gaussian, h * parts, logistic)
    return slopes.mul_(constants.slope_signs)


def _per_sample(values, score):
    """Per-sample values: averaged over outputs (axis 1) for 2-d scores."""
    return values.mean(dim=1) if score.ndim == 2 else values


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
    params = _as_params(alpha, beta, delta, score)
    parts = _parts(_negative_gaps(score, reference, params))
    if return_components:
        easy, hard, moderate = _per_sample(parts, score).unbind(-1)
        return LiLAWWeights(1 - easy, hard, moderate)
    return _per_sample(_total(parts), score)


def meta_gradient(score, reference, losses, params):
    """Gradient of ``mean(W * losses)`` with respect to (alpha, beta, delta).

    The meta step of Algorithm 1 in closed form: ``score``, ``reference`` and
    ``losses`` are constants there (the model is frozen), so no autograd
    graph is needed. With ``dg_p/dp = score``, the gradient is
    ``mean(losses * dW/dg_p * score)``.

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
    params = _as_params(params, None, None, score)
    h = _negative_gaps(score, reference, params)
    slopes = _per_sample(_slopes(h, _parts(h)) * score.unsqueeze(-1), score)
    return losses.to(score.dtype) @ slopes / losses.shape[0]


def meta_update(params, grad, lr, weight_decay):
    """One meta step: ``p - lr * (grad + weight_decay * p)``, then the clamps.

    The clamps keep ``alpha >= 1`` and ``delta >= beta`` (Algorithm 1).

    Parameters
    ----------
    params, grad : torch.Tensor of shape (3,)
        alpha, beta, delta and the gradient of the meta loss for them.
    lr, weight_decay : float
        The meta step's learning rate and weight decay.

    Returns
    -------
    updated : torch.Tensor of shape (3,)
        A new tensor; ``params`` is not modified.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import meta_update
    >>> meta_update(torch.tensor([1.2, 2.0, 6.0]), torch.tensor([100.0, 0, 0]),
    ...             lr=0.01, weight_decay=0.0)
    tensor([1., 2., 6.])
    """
    updated = torch.add(
        params * (1.0 - lr * weight_decay), grad.to(params.dtype), alpha=-lr
    )
    updated[0].clamp_(min=1.0)  # alpha >= 1
    updated[2:].clamp_(min=updated[1:2])  # delta >= beta
    return updated
