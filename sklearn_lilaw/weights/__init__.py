"""LiLAW per-sample weights and the derivatives the training steps need.

This module is the one place where LiLAW's formulas are written down; the
estimators' training steps call it and nothing else. Every LiLAW weight
compares a *score* for the observed target with a *reference* and passes the
gap ``g_p = p * score - reference`` (for ``p`` one of ``alpha``, ``beta``,
``delta``) through three fixed shapes:

- ``W_alpha = sigmoid(g_alpha)``: large for "easy" samples, where the model
  agrees confidently with the observed target;
- ``W_beta = sigmoid(-g_beta)``: large for "hard" samples, where the model
  confidently disagrees;
- ``W_delta = exp(-g_delta ** 2 / 2)``: large for "moderate" samples, where
  the model is unsure.

The total weight is the plain sum ``W = W_alpha + W_beta + W_delta``. The
task decides what score and reference are (see the user guide):

- multi-class: the softmax probability of the observed class, and the largest
  softmax probability;
- multi-label: the mean sigmoid probability of the observed labels, and the
  mean of as many of the largest sigmoid probabilities;
- regression: ``f / R`` and ``y / R`` for prediction ``f``, target ``y`` and
  target range ``R``, so that the gap is ``(p * f - y) / R``.

Besides the weights, the module gives the meta step of Algorithm 1 in closed
form: the gradient of a meta batch's ``mean(W * loss)`` for alpha, beta and
delta (:func:`meta_gradient`) and the update rule (:func:`meta_update`); and
the learned weight of synthetic rows (``synthetic_weight="auto"``): the
factors (:func:`synthetic_factors`) and the one-step look-ahead gradient of
the real meta loss (:func:`lookahead_alignment`,
:func:`synthetic_weight_gradient`).

All functions take and return torch tensors. ``alpha``, ``beta`` and
``delta`` are floats, 0-d tensors, or one tensor of shape (3,).
"""

from ._formulas import LiLAWWeights, meta_gradient, meta_update, weights_from_scores
from ._synthetic import (
    lookahead_alignment,
    synthetic_factors,
    synthetic_weight_gradient,
)
from ._tasks import (
    multiclass_scores,
    multiclass_weights,
    multilabel_scores,
    multilabel_weights,
    regression_scores,
    regression_weights,
)

__all__ = [
    "LiLAWWeights",
    "lookahead_alignment",
    "meta_gradient",
    "meta_update",
    "multiclass_scores",
    "multiclass_weights",
    "multilabel_scores",
    "multilabel_weights",
    "regression_scores",
    "regression_weights",
    "synthetic_factors",
    "synthetic_weight_gradient",
    "weights_from_scores",
]
