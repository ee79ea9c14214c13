"""A fit's rows as tensors on the training device."""

import numpy as np
import torch
from torch.utils.data import Subset

from ..data import LiLAWDataset
from ._meta_batches import MetaBatchSampler

__all__ = ["as_tensor", "training_tensors"]


def as_tensor(values, dtype=None):
    """``torch.as_tensor``, sharing the array's memory where torch can.

    Read-only arrays (pandas' copy-on-write views, memory maps) are copied:
    torch cannot share them, and warns.
    """
    if isinstance(values, torch.Tensor):
        return values if dtype is None else values.to(dtype)
    values = np.asarray(values)
    if not values.flags.writeable:
        values = values.copy()
    return torch.as_tensor(values, dtype=dtype)


def training_tensors(data, device, *, keep_origin, meta_batch_size):
    """The training dataset and the meta batches of a fit, on ``device``.

    Rows move to the device once per fit, not once per batch, and the
    training rows are a view of them by index, not a copy.

    Parameters
    ----------
    data : FitData
        The fit's rows (see ``_fit_data``).
    device : str or torch.device
        The training device.
    keep_origin : bool
        Whether batches carry ``sample_origin`` (needed by the per-origin
        history and synthetic-row weighting).
    meta_batch_size : int
        Rows per meta batch; -1 for the whole meta split.

    Returns
    -------
    dataset : LiLAWDataset or Subset of one
        The rows trained on.
    y_train : ndarray
        Their targets (skorch's ``fit`` takes them beside the dataset).
    meta : MetaBatchSampler or None
        The meta batches; None without a meta split.
    """
    X_all = as_tensor(data.X).to(device)
    y_all = as_tensor(data.y).to(device)
    origin = as_tensor(data.is_synthetic).to(device) if keep_origin else None
    weight = None
    if data.sample_weight is not None:
        weight = as_tensor(data.sample_weight, dtype=X_all.dtype).to(device)
    dataset = LiLAWDataset(X_all, y_all, origin, weight)
    if not len(data.meta_indices):
        return dataset, data.y, None
    train_index = data.train_indices
    dataset = Subset(dataset, torch.from_numpy(train_index).to(device))
    rows = torch.as_tensor(data.meta_indices, device=device)
    size = len(rows) if meta_batch_size == -1 else meta_batch_size
    meta = MetaBatchSampler(X_all[rows], y_all[rows], size)
    return dataset, data.y[train_index], meta
