"""The closed-form softmax steps of ``_softmax_lilaw`` in NumPy, for the CPU.

On a CPU the LiLAW steps of a typical batch (a few hundred rows, a few
classes) are some forty tiny array operations, and their cost is the
per-call overhead: a NumPy ufunc costs a fraction of a torch operator's.
The arrays are also worked on transposed, (classes, rows), so that every
reduction over the classes runs along contiguous rows. Together this
makes a step about twice as fast as the torch version on small batches.

Same formulas and notation as ``_softmax_lilaw`` (``h = s_m - p s_y``, ``u``
the unsigned slopes); the tests check the two against each other and
against autograd of the definitions. Inputs and outputs are torch CPU
tensors (shared memory, no copies at the boundary).
"""

import numpy as np
import torch
from scipy.special import expit

__all__ = [
    "cpu_fast",
    "numpy_meta_gradient",
    "numpy_supported",
    "numpy_weighted_loss_terms",
    "numpy_weights",
]

# Above this many logits the elementwise work outweighs the call overhead
# and torch's multi-threaded kernels win.
_MAX_ELEMENTS = 1 << 16
_DTYPES = (torch.float32, torch.float64)


def numpy_supported(logits):
    """True for small float32/float64 CPU logits, where NumPy is faster."""
    return (
        logits.device.type == "cpu"
        and logits.dtype in _DTYPES
        and logits.numel() <= _MAX_ELEMENTS
    )


def _stats(logits, y):
    """Softmax statistics of a batch, in the (classes, rows) layout.

    Returns ``(e, ssum, columns, y, top, log_score, s_y, s_m)`` with ``e =
    exp(z - max z)`` (c, n), ``ssum`` its column sums, ``log_score = log
    s[y] = -CE``, ``s_y = s[y]``, ``s_m = max(s) = 1 / ssum`` and ``top``
    the index of the largest logit.
    """
    z = np.ascontiguousarray(logits.detach().numpy().T)
    y = y.numpy().reshape(-1)
    columns = np.arange(z.shape[1])
    top = z.argmax(axis=0)
    shifted = z - z[top, columns]
    e = np.exp(shifted)
    ssum = e.sum(axis=0)
    log_score = shifted[y, columns] - np.log(ssum)
    return e, ssum, columns, y, top, log_score, np.exp(log_score), 1.0 / ssum


def _shapes(s_y, s_m, params):
    """``h`` (3, n) and ``(sigmoid(h_a), sigmoid(h_b), W_delta)`` (3, n)."""
    h = s_m - params[:, None] * s_y
    parts = expit(h)
    h_delta = h[2]
    parts[2] = np.exp(-0.5 * h_delta * h_delta)
    return h, parts


def _unsigned_slopes(h, parts):
    slopes = parts - parts * parts
    slopes[2] = h[2] * parts[2]
    return slopes


def _weights(parts):
    return parts[1] - parts[0] + parts[2] + 1.0


def _tensors(*arrays):
    """Torch views of the arrays; 2-d ones back to the (rows, classes) layout."""
    return tuple(
        torch.from_numpy(np.ascontiguousarray(a.T) if a.ndim == 2 else a)
        for a in arrays
    )


def numpy_weighted_loss_terms(logits, y, params, *, detach_weights, mean):
    """NumPy twin of ``softmax_weighted_loss_terms``."""
    e, ssum, columns, y, top, log_score, s_y, s_m = _stats(logits, y)
    params = params.numpy()
    h, parts = _shapes(s_y, s_m, params)
    weights = _weights(parts)
    n = log_score.shape[0]
    if mean:
        loss = np.asarray(-np.dot(weights, log_score) / n, dtype=weights.dtype)
    else:
        loss = -(weights * log_score)
    grad = e  # becomes s, then the gradient, in place
    if detach_weights:
        grad *= weights / ssum
        grad[y, columns] -= weights
    else:
        slopes = _unsigned_slopes(h, parts)
        signs = np.array([-1.0, 1.0, -1.0], dtype=params.dtype)
        on_y = (params * signs) @ slopes * (s_y * log_score)  # l A s_y
        on_top = -signs @ slopes * (s_m * log_score)  # l B s_m
        grad *= (weights - on_y - on_top) / ssum
        grad[y, columns] += on_y - weights
        grad[top, columns] += on_top
    if mean:
        grad /= n
    return _tensors(loss, weights, grad)


def numpy_meta_gradient(logits, y, params):
    """NumPy twin of ``softmax_meta_gradient``."""
    _, _, _, _, _, log_score, s_y, s_m = _stats(logits, y)
    params = params.numpy()
    h, parts = _shapes(s_y, s_m, params)
    raw = _unsigned_slopes(h, parts) @ (log_score * s_y)
    signs = np.array([-1.0, 1.0, -1.0], dtype=raw.dtype) / log_score.shape[0]
    return torch.from_numpy(raw * signs)


def numpy_weights(logits, y, params):
    """NumPy twin of ``softmax_weights``."""
    _, _, _, _, _, _, s_y, s_m = _stats(logits, y)
    return torch.from_numpy(_weights(_shapes(s_y, s_m, params.numpy())[1]))


def cpu_fast(torch_function, numpy_function):
    """Call ``numpy_function`` where it is faster (:func:`numpy_supported` for
    every 2-d input: the logits), ``torch_function`` otherwise."""

    def function(*inputs, **options):
        if all(numpy_supported(t) for t in inputs if t.ndim == 2):
            return numpy_function(*inputs, **options)
        return torch_function(*inputs, **options)

    return function
