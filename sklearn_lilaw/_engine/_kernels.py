"""The loss kernel: how a fit turns module outputs into LiLAW's per-batch numbers.

The kernel is built once per fit from the task's score function and the
fit's criterion, and gives the model step's loss, the weights for the history
and the meta step's gradient, all from the formulas in
:mod:`sklearn_lilaw.weights`. The model step's gradient comes from autograd,
for any task and criterion.

A closed-form logits gradient for the default softmax cross-entropy was
measured against it (``benchmarks/overhead.py``, 2-core CPU): it made fits
about 7% faster, under the 10% that a second code path must pay for, and was
removed.
"""

import torch

from ..weights import meta_gradient, weights_from_scores

__all__ = ["LossKernel"]


class LossKernel:
    """LiLAW's per-batch quantities, for any task and criterion.

    Parameters
    ----------
    per_sample_loss : callable
        ``(y_pred, y_true) -> losses`` of shape (n,), differentiable.
    scores : callable
        ``(y_pred, y_true) -> (score, reference)``, the task's inputs of
        :func:`~sklearn_lilaw.weights.weights_from_scores`.
    """

    def __init__(self, per_sample_loss, scores):
        self.per_sample_loss = per_sample_loss
        self.scores = scores

    def weights(self, y_pred, y_true, params):
        """``W`` of each row, without gradient."""
        with torch.no_grad():
            return weights_from_scores(*self.scores(y_pred, y_true), params)

    def weighted_loss(self, y_pred, y_true, params, *, detach, row_factor=None):
        """The model step's ``mean(c * W * loss)`` and ``W`` (without gradient).

        ``params`` (alpha, beta, delta) are constants here; the model gets
        gradient through ``W`` unless ``detach``. ``row_factor`` is ``c``, a
        constant per row (None: 1).
        """
        losses = self.per_sample_loss(y_pred, y_true)
        weights = weights_from_scores(*self.scores(y_pred, y_true), params.detach())
        terms = (weights.detach() if detach else weights) * losses
        if row_factor is not None:
            terms = terms * row_factor
        return terms.mean(), weights.detach()

    def meta_gradient(self, y_pred, y_true, params):
        """Gradient of the meta batch's ``mean(W * loss)`` for alpha, beta, delta."""
        with torch.no_grad():
            score, reference = self.scores(y_pred, y_true)
            losses = self.per_sample_loss(y_pred, y_true)
            return meta_gradient(score, reference, losses, params)
