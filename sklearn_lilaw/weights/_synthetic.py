"""The learned weight of synthetic rows, and its one-step look-ahead gradient.

``synthetic_weight="auto"`` gives synthetic rows the factor ``w_s = 2 *
sigmoid(gamma)`` (real rows 1), normalised by its mean over the batch. gamma
follows the gradient of the real meta loss after a virtual model step (Ren
et al. 2018; Shu et al. 2019), taken on the model's last linear layer, where
a row's gradient is ``e_i (x) [h_i, 1]`` for the loss's gradient ``e_i``
with respect to the output and the layer's input ``h_i``.
"""

import torch
from torch import nn

__all__ = [
    "lookahead_alignment",
    "synthetic_factors",
    "synthetic_weight_gradient",
]


def synthetic_factors(is_synthetic, gamma):
    """Each row's factor ``c / mean(c)``, with ``c = 2 sigmoid(gamma)`` if synthetic.

    Parameters
    ----------
    is_synthetic : torch.Tensor of bool, shape (n_samples,)
        True for synthetic rows.
    gamma : torch.Tensor of shape ()
        The learned scalar; ``w_s = 2 * sigmoid(gamma)`` (1 at gamma = 0).

    Returns
    -------
    factors : torch.Tensor of shape (n_samples,)
        Normalised to mean 1 over the batch, without gradient.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import synthetic_factors
    >>> synthetic_factors(torch.tensor([False, True]), torch.tensor(0.0))
    tensor([1., 1.])
    >>> synthetic_factors(torch.tensor([False, True]), torch.tensor(-20.0))
    tensor([2., 0.])
    """
    with torch.no_grad():
        weight = 2.0 * torch.sigmoid(gamma)
        factors = torch.where(is_synthetic, weight, torch.ones_like(weight))
        return factors / factors.mean().clamp(min=torch.finfo(factors.dtype).tiny)


def lookahead_alignment(e, h, e_meta, h_meta):
    """How well each training row's last-layer gradient agrees with the meta batch's.

    On a final linear layer with input ``h`` and output gradient ``e``, a
    row's gradient is ``e (x) [h, 1]``, so its inner product with a meta
    row's is ``(e_i . e_j) (h_i . h_j + 1)``; the alignment of training row
    ``i`` is the mean over the meta rows ``j``, i.e. the inner product of its
    gradient with the meta batch's mean gradient. It is computed that second
    way, ``e_i . (G h_i + b)`` with the meta batch's mean weight gradient
    ``G`` (n_outputs x n_inputs) and bias gradient ``b``: no (n, m) matrices,
    a third of the time of the first way at batch 256, meta batch 64.

    Parameters
    ----------
    e, e_meta : torch.Tensor of shape (n, n_outputs) and (m, n_outputs)
        Gradients of each row's loss with respect to the module's output.
    h, h_meta : torch.Tensor of shape (n, n_inputs) and (m, n_inputs)
        Inputs of the final linear layer.

    Returns
    -------
    alignment : torch.Tensor of shape (n,)

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import lookahead_alignment
    >>> e, h = torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0]])
    >>> lookahead_alignment(e, h, torch.tensor([[3.0, 1.0]]), torch.tensor([[1.0]]))
    tensor([9.])
    """
    m = len(e_meta)
    weight_gradient = e_meta.T @ h_meta / m
    bias_gradient = e_meta.mean(dim=0)
    return ((e @ weight_gradient) * h).sum(dim=1) + e @ bias_gradient


def synthetic_weight_gradient(alignment, is_synthetic, gamma, strata=None):
    """The look-ahead gradient of the meta loss with respect to gamma.

    With ``w_s = 2 sigmoid(gamma)``, ``f`` the synthetic share of the batch
    and ``m`` the mean factor before normalisation::

        dL/dgamma = -w_s' f (1 - f) / m^2
                    * (mean alignment of synthetic rows
                       - mean alignment of real rows)

    up to the (positive) model learning rate. gamma rises when synthetic rows
    pull the model the way the held-out real rows do.

    With ``strata`` (the class of each row, say), synthetic rows are compared
    with real rows of their own stratum only: the difference is averaged
    over the pairs (synthetic row, real row) of a stratum. A one-step
    look-ahead rates any difference in class mix between synthetic rows and
    the meta split as harm (the class prior moves first); comparing within
    classes leaves the question this weight answers: are a class's synthetic
    rows as good as its real ones?

    Parameters
    ----------
    alignment : torch.Tensor of shape (n_samples,)
        From :func:`lookahead_alignment`, with the training rows' gradients
        as the model step took them (factor and LiLAW weight included).
    is_synthetic : torch.Tensor of bool, shape (n_samples,)
        True for synthetic rows.
    gamma : torch.Tensor of shape ()
        The current value.
    strata : torch.Tensor of shape (n_samples,) or (n_samples, k), default=None
        Rows with equal values (equal rows, for 2-d) form a stratum.

    Returns
    -------
    grad : torch.Tensor of shape ()
        0 for a batch without a synthetic and a real row to compare.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.weights import synthetic_weight_gradient
    >>> synthetic_weight_gradient(torch.tensor([1.0, 3.0]),
    ...                           torch.tensor([False, True]), torch.tensor(0.0))
    tensor(-0.2500)
    """
    share = is_synthetic.to(alignment.dtype)
    real = 1 - share
    # Per stratum: the numbers of synthetic and real rows and the sums of
    # their alignments, whose pairwise differences sum to
    # n_real * sum_synthetic - n_synthetic * sum_real: no (n, n) matrix of
    # pairs, which cost milliseconds per step at a batch of 1024.
    columns = torch.stack([share, real, share * alignment, real * alignment], dim=1)
    if strata is None:
        sums = columns.sum(dim=0, keepdim=True)
    else:
        # (On a GPU, unique's output size is a host synchronisation, as is
        # skorch's record of each batch's loss.)
        _, ids = torch.unique(
            strata, dim=0 if strata.ndim == 2 else None, return_inverse=True
        )
        sums = nn.functional.one_hot(ids).to(alignment.dtype).T @ columns
    n_synthetic, n_real, sum_synthetic, sum_real = sums.unbind(dim=1)
    # The mean over pairs of a_i - a_j; 0 when there is no pair.
    gap = (n_real @ sum_synthetic - n_synthetic @ sum_real) / (
        n_synthetic @ n_real
    ).clamp(min=1)
    f = share.mean()
    s = torch.sigmoid(gamma.to(alignment.dtype))
    weight, slope = 2 * s, 2 * s * (1 - s)
    m = 1 - f + f * weight
    return -slope * f * (1 - f) / m**2 * gap
