"""Tensor-backed dataset and batch iterator.

skorch's default ``DataLoader`` fetches rows one by one and collates them,
which costs more than the forward pass of a small network. The LiLAW
estimators keep each split as whole tensors (on the training device when it
is a GPU) and cut batches by slicing or one indexing call instead.

Batches follow skorch's FAQ recipe for per-row data: when rows carry a
``sample_origin``, ``X`` of a batch is the dict
``{"X": features, "sample_origin": is_synthetic}``; the estimators take the
features out before calling the module, so ``forward`` never sees it.
"""

import math

import torch
from torch.utils.data import Dataset, Subset

__all__ = ["LiLAWDataset", "TensorBatchIterator"]


class LiLAWDataset(Dataset):
    """Rows of ``X`` with optional targets and ``sample_origin``, as tensors.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, ...)
        Features.
    y : torch.Tensor of shape (n_samples, ...) or None
        Targets; None for prediction.
    sample_origin : torch.Tensor of bool, shape (n_samples,) or None
        True for synthetic rows; None when the rows are not used for training.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw import LiLAWDataset
    >>> data = LiLAWDataset(torch.zeros(4, 2), torch.arange(4),
    ...                     torch.tensor([False, True, False, True]))
    >>> X_batch, y_batch = data.batch(slice(1, 3))
    >>> X_batch["sample_origin"].tolist(), y_batch.tolist()
    ([True, False], [1, 2])
    """

    def __init__(self, X, y=None, sample_origin=None):
        self.X = X
        self.y = y
        self.sample_origin = sample_origin

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, i):
        # Row access, for torch's DataLoader when a user picks it as iterator.
        Xi, yi = self.batch(i)
        return Xi, (torch.zeros(()) if yi is None else yi)

    def batch(self, index):
        """Return ``(X, y)`` for an index (int, slice or index tensor)."""
        Xi = self.X[index]
        if self.sample_origin is not None:
            Xi = {"X": Xi, "sample_origin": self.sample_origin[index]}
        yi = None if self.y is None else self.y[index]
        return Xi, yi


def _unwrap(dataset):
    """Return the LiLAWDataset under ``dataset`` and the row positions used."""
    indices = None
    while isinstance(dataset, Subset):
        sub = torch.as_tensor(dataset.indices, dtype=torch.long)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    if not isinstance(dataset, LiLAWDataset):
        raise TypeError(
            "TensorBatchIterator needs a LiLAWDataset (or a Subset of one); got "
            f"{type(dataset).__name__}. Use iterator_train=torch.utils.data.DataLoader "
            "for other datasets."
        )
    if indices is not None:
        indices = indices.to(dataset.X.device)
    return dataset, indices


class TensorBatchIterator:
    """Iterate over mini-batches of a :class:`LiLAWDataset` without collation.

    A drop-in replacement for ``torch.utils.data.DataLoader`` as skorch's
    ``iterator_train`` / ``iterator_valid``.

    Parameters
    ----------
    dataset : LiLAWDataset or torch.utils.data.Subset of one
        The rows to iterate over.
    batch_size : int, default=128
        Rows per batch; the last batch may be smaller.
    shuffle : bool, default=False
        Draw a new random order (from torch's global generator) each epoch.
    drop_last : bool, default=False
        Skip the last batch if it is smaller than ``batch_size``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw import LiLAWDataset, TensorBatchIterator
    >>> data = LiLAWDataset(torch.arange(10.0).reshape(5, 2), torch.arange(5))
    >>> [yb.tolist() for _, yb in TensorBatchIterator(data, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last

    def __len__(self):
        n = len(self.dataset)
        return (
            n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        )

    def __iter__(self):
        base, indices = _unwrap(self.dataset)
        n = len(base) if indices is None else indices.shape[0]
        if self.shuffle:
            order = torch.randperm(n, device=base.X.device)
            indices = order if indices is None else indices[order]
        stop_at = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop_at, self.batch_size):
            stop = min(start + self.batch_size, n)
            if indices is None:
                yield base.batch(slice(start, stop))  # views, no copy
            else:
                yield base.batch(indices[start:stop])
