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

__all__ = [
    "softmax_meta_gradient",
    "softmax_weighted_loss",
    "softmax_weighted_loss_terms",
    "softmax_weights",
    "with_gradient",
]


@functools.cache
def constant(values, dtype, device):
    """``torch.tensor(values)``, made once per dtype and device."""
    return torch.tensor(values, dtype=dtype, device=device)


def _softmax_terms(logits, y):
    """``(log_probs, y, log_score, score_reference, top)`` from one log-softmax.

    ``y`` and ``top`` (the index of ``max(s)``) come back as (n, 1) indices,
    ``log_score = log s[y] = -CE`` as (n, 1) and ``score_reference`` as the
    (n, 2) columns ``s[y], max(s)``.
    """
    log_probs = torch.log_softmax(logits, dim=1)
    y = y.reshape(-1, 1)
    if y.dtype != torch.long:
        y = y.long()
    log_score = log_probs.gather(1, y)
    log_reference, top = log_probs.max(dim=1, keepdim=True)
    score_reference = torch.cat((log_score, log_reference), dim=1).exp_()
    return log_probs, y, log_score, score_reference, top


def _shapes(score_reference, params):
    """``h = s_m - p s_y = -g`` (n, 3) and ``(sigmoid(h_a), sigmoid(h_b), W_d)``.

    In terms of ``h``: ``W_alpha = 1 - sigmoid(h_a)``, ``W_beta =
    sigmoid(h_b)`` and ``W_delta = exp(-h_d^2 / 2)``; working with ``h``
    saves a negation per step.
    """
    h = torch.addcmul(
        score_reference[:, 1:], score_reference[:, :1], params, value=-1.0
    )
    parts = torch.sigmoid(h)
    parts[:, 2] = h[:, 2].square().mul_(-0.5).exp_()
    return h, parts


def _unsigned_slopes(h, parts):
    """``u`` (n, 3) with ``dW/dg_p = u_p * (1, -1, 1)``.

    ``u_a = s_a (1 - s_a)`` and ``u_b = s_b (1 - s_b)`` for ``s =
    sigmoid(h)``, and ``u_d = h_d W_delta`` (``dW_delta/dg_d = -g_d
    W_delta``).
    """
    slopes = parts - parts * parts
    slopes[:, 2] = h[:, 2] * parts[:, 2]
    return slopes


def _weights(parts):
    """``W = 1 - parts[:, 0] + parts[:, 1] + parts[:, 2]``, shape (n,)."""
    one = constant((1.0,), parts.dtype, parts.device)
    return torch.addmv(
        one, parts, constant((-1.0, 1.0, 1.0), parts.dtype, parts.device)
    )


def softmax_weights(logits, y, params):
    """The LiLAW weights ``W`` of each row, shape (n,), without autograd."""
    params = params.to(logits.dtype)  # float32 scalars, maybe float64 logits
    _, _, _, score_reference, _ = _softmax_terms(logits, y)
    return _weights(_shapes(score_reference, params)[1])


def softmax_weighted_loss_terms(logits, y, params, *, detach_weights, mean):
    """``(loss, W, d loss / d logits)``: the model step without autograd.

    ``loss`` is ``W * CE`` per sample, or its mean. The gradient is::

        d(W l)/dz = W (s - e_y) + l (A s_y (e_y - s) + B s_m (e_m - s))

    with ``A = dW/ds_y = sum_p p dW/dg_p`` and ``B = dW/ds_m = -sum_p
    dW/dg_p``; the second term is dropped when the weights are detached.
    For a per-sample loss it is the gradient of each sample's own loss.
    """
    params = params.to(logits.dtype)  # float32 scalars, maybe float64 logits
    log_probs, y, log_score, score_reference, top = _softmax_terms(logits, y)
    h, parts = _shapes(score_reference, params)
    weights = _weights(parts)
    n = log_probs.shape[0]
    if mean:
        loss = torch.dot(weights, log_score.view(-1)).div_(-n)
    else:
        loss = (weights * log_score.view(-1)).neg_()
    column = weights.unsqueeze(1)
    grad = log_probs.exp_()  # s, overwritten in place
    if detach_weights:
        grad.mul_(column)
        grad.scatter_add_(1, y, column.neg())
    else:
        # (3, 2): -A and -B as combinations of the unsigned slopes (the
        # minus because l = -log_score).
        coefficients = torch.stack(
            (
                params * constant((-1.0, 1.0, -1.0), params.dtype, params.device),
                constant((1.0, -1.0, 1.0), params.dtype, params.device),
            ),
            dim=1,
        )
        slopes = _unsigned_slopes(h, parts)
        # (n, 2): l A s_y and l B s_m
        terms = (slopes @ coefficients).mul_(score_reference).mul_(log_score)
        minus_ones = constant((-1.0, -1.0), params.dtype, params.device)
        grad.mul_(torch.addmv(weights, terms, minus_ones).unsqueeze(1))
        grad.scatter_add_(1, y, terms[:, :1] - column)
        grad.scatter_add_(1, top, terms[:, 1:])
    if mean:
        grad.div_(n)
    return loss, weights, grad


def softmax_meta_gradient(logits, y, params):
    """``d mean(W * CE) / d(alpha, beta, delta)`` for fixed logits, shape (3,).

    ``dg_p/dp = s_y``, so the gradient is ``mean(l s_y dW/dg_p)``: with
    ``dW/dg = u (1, -1, 1)`` and ``l = -log_score``, the sum of
    ``log_score s_y u`` times ``(-1, 1, -1) / n``.
    """
    params = params.to(logits.dtype)  # float32 scalars, maybe float64 logits
    _, _, log_score, score_reference, _ = _softmax_terms(logits, y)
    h, parts = _shapes(score_reference, params)
    per_sample = (log_score * score_reference[:, :1]).view(-1)
    n = logits.shape[0]
    signs = constant((-1.0 / n, 1.0 / n, -1.0 / n), params.dtype, params.device)
    return torch.mv(_unsigned_slopes(h, parts).t(), per_sample).mul_(signs)


class _WithGradient(torch.autograd.Function):
    """A copy of ``value`` whose gradient for ``logits`` is ``grad`` (given)."""

    @staticmethod
    def forward(ctx, logits, value, grad):
        ctx.save_for_backward(grad)
        return value.clone()

    @staticmethod
    def backward(ctx, upstream):
        (grad,) = ctx.saved_tensors
        if upstream.ndim:  # a per-sample value: one row of grad each
            upstream = upstream.unsqueeze(1)
        return upstream * grad, None, None


def with_gradient(logits, value, grad):
    """``value``, differentiable in ``logits`` with ``d value / d logits = grad``.

    The model step's loss is computed without autograd (the gradient in
    closed form, :func:`softmax_weighted_loss_terms`); this node attaches
    that gradient, so ``backward`` is one product.
    """
    return _WithGradient.apply(logits, value, grad)


def softmax_weighted_loss(logits, y, params, *, detach_weights=False, mean=False):
    """``W * CE`` (per sample, or its mean) and ``W``; ``params`` get no gradient."""
    with torch.no_grad():
        loss, weights, grad = softmax_weighted_loss_terms(
            logits.detach(),
            y,
            params.detach(),
            detach_weights=detach_weights,
            mean=mean,
        )
    return with_gradient(logits, loss, grad), weights
