"""LiLAW for softmax cross-entropy in closed form: the default fast path.

The model step and the meta step of a multi-class fit with the default
criterion work on a few hundred numbers per batch, so their cost is the
number of torch calls, not arithmetic. Here both steps are written out by
hand from one log-softmax: the three shapes are the columns of one (n, 3)
tensor, the model step is a single autograd node whose gradient is formed in
the forward pass (a training step always needs it), and the meta step needs
no autograd at all. ``sklearn_lilaw.weights`` holds the general definitions
these must agree with (the tests check both ways).

Notation: ``s = softmax(z)``, ``l = CE = -log s[y]``, score ``s_y = s[y]``,
reference ``s_m = max(s)`` at index ``m``, gaps ``g_p = p s_y - s_m`` for
``p = alpha, beta, delta``, and ``W = sigmoid(g_a) + sigmoid(-g_b) +
exp(-g_d^2 / 2)``.
"""

import functools

import torch

from ._cuda_graphs import GraphedFunction

__all__ = [
    "softmax_meta_gradient",
    "softmax_weighted_loss",
    "softmax_weighted_loss_terms",
]


@functools.cache
def constant(values, dtype, device):
    """``torch.tensor(values)``, made once per dtype and device."""
    return torch.tensor(values, dtype=dtype, device=device)


def _softmax_terms(logits, y):
    """``(log_probs, y, losses, score_reference, top)`` from one log-softmax.

    ``y`` and ``top`` (the index of ``max(s)``) come back as (n, 1) indices,
    ``losses`` as (n, 1) and ``score_reference`` as the (n, 2) columns
    ``s[y], max(s)``.
    """
    log_probs = torch.log_softmax(logits, dim=1)
    y = y.reshape(-1, 1)
    if y.dtype != torch.long:
        y = y.long()
    log_score = log_probs.gather(1, y)
    log_reference, top = log_probs.max(dim=1, keepdim=True)
    score_reference = torch.cat((log_score, log_reference), dim=1).exp_()
    return log_probs, y, log_score.neg(), score_reference, top


def _shapes(score_reference, params):
    """Gaps ``g`` (n, 3) and ``parts = (sigmoid(g_a), sigmoid(g_b), W_delta)``."""
    score, reference = score_reference[:, :1], score_reference[:, 1:]
    gap = torch.addcmul(reference.neg(), score, params)
    parts = torch.sigmoid(gap)
    parts[:, 2] = gap[:, 2].square().mul_(-0.5).exp_()
    return gap, parts


def _unsigned_slopes(gap, parts):
    """``|dW/dg_p|`` without signs: ``s (1 - s)`` twice, then ``g_d W_delta``.

    The signs are ``(+1, -1, -1)`` (``W_beta = 1 - sigmoid(g_b)``, and
    ``dW_delta/dg_d = -g_d W_delta``).
    """
    slopes = parts - parts * parts
    slopes[:, 2] = gap[:, 2] * parts[:, 2]
    return slopes


def _weights(parts):
    """``W = 1 + parts[:, 0] - parts[:, 1] + parts[:, 2]``, shape (n,)."""
    one = constant((1.0,), parts.dtype, parts.device)
    return torch.addmv(
        one, parts, constant((1.0, -1.0, 1.0), parts.dtype, parts.device)
    )


def softmax_weighted_loss_terms(logits, y, params, *, detach_weights, mean):
    """``(loss, W, d loss / d logits)``: the model step without autograd.

    ``loss`` is ``W * CE`` per sample, or its mean. The gradient is::

        d(W l)/dz = W (s - e_y) + l (A s_y (e_y - s) + B s_m (e_m - s))

    with ``A = dW/ds_y = sum_p p dW/dg_p`` and ``B = dW/ds_m = -sum_p
    dW/dg_p``; the second term is dropped when the weights are detached.
    For a per-sample loss it is the gradient of each sample's own loss.
    """
    log_probs, y, losses, score_reference, top = _softmax_terms(logits, y)
    gap, parts = _shapes(score_reference, params)
    weights = _weights(parts)
    n = logits.shape[0]
    if mean:
        loss = torch.dot(weights, losses.view(-1)).div_(n)
    else:
        loss = weights * losses.view(-1)
    column = weights.unsqueeze(1)
    grad = log_probs.exp_()  # s, overwritten in place
    if detach_weights:
        grad.mul_(column)
        grad.scatter_add_(1, y, column.neg())
    else:
        signs = constant((1.0, -1.0, -1.0), params.dtype, params.device)
        # (3, 2): columns A and B as weights of the unsigned slopes.
        coefficients = torch.stack((params * signs, signs.neg()), dim=1)
        slopes = _unsigned_slopes(gap, parts)
        # (n, 2): l A s_y and l B s_m
        terms = (slopes @ coefficients).mul_(score_reference).mul_(losses)
        grad.mul_(column - terms.sum(dim=1, keepdim=True))
        grad.scatter_add_(1, y, terms[:, :1] - column)
        grad.scatter_add_(1, top, terms[:, 1:])
    if mean:
        grad.div_(n)
    return loss, weights, grad


class _SoftmaxWeightedLoss(torch.autograd.Function):
    """Autograd node around :func:`softmax_weighted_loss_terms`.

    ``terms`` computes ``(loss, W, gradient)``; the gradient is formed in
    the forward pass (a training step always needs it), so the backward pass
    is one product.
    """

    @staticmethod
    def forward(ctx, logits, y, params, terms):
        loss, weights, grad = terms(logits, y, params)
        if isinstance(terms, GraphedFunction):
            # A graph's outputs are overwritten by its next replay.
            loss, weights, grad = loss.clone(), weights.clone(), grad.clone()
        ctx.mark_non_differentiable(weights)
        ctx.save_for_backward(grad)
        ctx.mean = loss.ndim == 0
        return loss, weights

    @staticmethod
    def backward(ctx, grad, _):
        (grad_logits,) = ctx.saved_tensors
        grad = grad if ctx.mean else grad.unsqueeze(1)
        return grad * grad_logits, None, None, None


def softmax_weighted_loss(
    logits, y, params, *, detach_weights=False, mean=False, terms=None
):
    """``W * CE`` (per sample, or its mean) and ``W``; ``params`` get no gradient.

    ``terms`` may replace :func:`softmax_weighted_loss_terms` with these
    options bound (e.g. its :class:`GraphedFunction`).
    """
    if terms is None:
        terms = functools.partial(
            softmax_weighted_loss_terms, detach_weights=detach_weights, mean=mean
        )
    return _SoftmaxWeightedLoss.apply(logits, y, params.detach(), terms)


def softmax_meta_gradient(logits, y, params):
    """``d mean(W * CE) / d(alpha, beta, delta)`` for fixed logits, shape (3,).

    ``dg_p/dp = s_y``, so the gradient is ``mean(l s_y dW/dg_p)``.
    """
    _, _, losses, score_reference, _ = _softmax_terms(logits, y)
    gap, parts = _shapes(score_reference, params)
    slopes = _unsigned_slopes(gap, parts)
    per_sample = (losses * score_reference[:, :1]).view(-1)
    signs = constant((1.0, -1.0, -1.0), params.dtype, params.device)
    return torch.mv(slopes.t(), per_sample).mul_(signs).div_(logits.shape[0])
