"""Tensor-backed dataset and batch iterator.

skorch's default ``DataLoader`` fetches rows one by one and collates them,
which costs more than the forward pass of a small network. The LiLAW
estimators keep each split as whole tensors (on the training device when it
is a GPU) and cut batches by slicing or one indexing call instead.

Batches follow skorch's FAQ recipe for per-row data: when rows carry a
``sample_origin`` or a ``sample_weight``, ``X`` of a batch is the dict
``{"X": features, "sample_origin": ..., "sample_weight": ...}``; the
estimators take the features out before calling the module, so ``forward``
never sees them.
"""

import math

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    Subset,
)

__all__ = ["LiLAWDataset", "TensorBatchIterator", "batch_loader"]


class LiLAWDataset(Dataset):
    """Rows of ``X`` with optional targets and per-row data, as tensors.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, ...)
        Features.
    y : torch.Tensor of shape (n_samples, ...) or None
        Targets; None for prediction.
    sample_origin : torch.Tensor of bool, shape (n_samples,) or None
        True for synthetic rows; None when the rows are not used for training.
    sample_weight : torch.Tensor of shape (n_samples,) or None
        The user's weight of each row; None for all 1.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.data import LiLAWDataset
    >>> data = LiLAWDataset(torch.zeros(4, 2), torch.arange(4),
    ...                     torch.tensor([False, True, False, True]))
    >>> X_batch, y_batch = data.batch(slice(1, 3))
    >>> X_batch["sample_origin"].tolist(), y_batch.tolist()
    ([True, False], [1, 2])
    """

    def __init__(self, X, y=None, sample_origin=None, sample_weight=None):
        self.X = X
        self.y = y
        self.sample_origin = sample_origin
        self.sample_weight = sample_weight

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, i):
        # For torch's DataLoader: a row, or a whole batch for a list of rows
        # (what batch_loader asks for).
        if isinstance(i, list):
            i = torch.as_tensor(i, dtype=torch.long, device=self.X.device)
        Xi, yi = self.batch(i)
        return Xi, (torch.zeros(()) if yi is None else yi)

    def row_data(self):
        """The per-row tensors that ride along with ``X`` in a batch."""
        return {
            name: value
            for name, value in (
                ("sample_origin", self.sample_origin),
                ("sample_weight", self.sample_weight),
            )
            if value is not None
        }

    def batch(self, index):
        """Return ``(X, y)`` for an index (int, slice or index tensor).

        With per-row data, ``X`` is the dict ``{"X": features, name:
        values, ...}`` (skorch's recipe for per-row data); the estimators
        take the features out before calling the module.
        """
        rows = isinstance(index, torch.Tensor) and index.ndim == 1
        take = _take if rows and index.dtype in (torch.long, torch.int) else _getitem
        Xi = take(self.X, index)
        extras = self.row_data()
        if extras:
            Xi = {"X": Xi, **{k: take(v, index) for k, v in extras.items()}}
        yi = None if self.y is None else take(self.y, index)
        return Xi, yi


def _take(tensor, index):
    # index_select is a plain gather: about 3x cheaper than advanced indexing
    # for a batch of rows.
    return tensor.index_select(0, index)


def _getitem(tensor, index):
    return tensor[index]


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
    >>> from sklearn_lilaw.data import LiLAWDataset, TensorBatchIterator
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
        if indices is None:
            for start in range(0, stop_at, self.batch_size):
                yield base.batch(slice(start, min(start + self.batch_size, n)))
            return
        # Rows picked by index are gathered a block of batches at a time and
        # the batches are views of the block: one gather per block instead of
        # one per batch, with the extra memory bounded by _BLOCK_BYTES.
        block = self.batch_size * max(
            1, _BLOCK_BYTES // (self.batch_size * _row_bytes(base))
        )
        for block_start in range(0, stop_at, block):
            rows = base.batch(indices[block_start : min(block_start + block, stop_at)])
            for start in range(0, _batch_len(rows), self.batch_size):
                yield _slice_batch(rows, slice(start, start + self.batch_size))


# Upper bound on the memory of one gathered block of training rows.
_BLOCK_BYTES = 1 << 24


def _row_bytes(data):
    total = 0
    for part in (data.X, data.y, *data.row_data().values()):
        if part is not None and part.shape[0]:
            total += part[0].numel() * part.element_size()
    return max(total, 1)


def _batch_len(batch):
    Xi, _ = batch
    return (Xi["X"] if isinstance(Xi, dict) else Xi).shape[0]


def _slice_batch(batch, rows):
    Xi, yi = batch
    if isinstance(Xi, dict):
        Xi = {key: value[rows] for key, value in Xi.items()}
    else:
        Xi = Xi[rows]
    return Xi, None if yi is None else yi[rows]


def batch_loader(dataset, batch_size=128, shuffle=False, drop_last=False, **kwargs):
    """A torch ``DataLoader`` that fetches whole batches of a :class:`LiLAWDataset`.

    Its sampler hands out lists of rows (a ``BatchSampler``), which the
    dataset turns into a batch at once, so nothing is collated. Unlike
    :class:`TensorBatchIterator` it is a ``DataLoader``, so Hugging Face
    Accelerate can shard it across processes; the estimators use it under
    skorch's ``AccelerateMixin``.

    Parameters
    ----------
    dataset : LiLAWDataset or torch.utils.data.Subset of one
        The rows.
    batch_size : int, default=128
        Rows per batch.
    shuffle : bool, default=False
        Draw the rows in a new random order each epoch.
    drop_last : bool, default=False
        Skip the last batch if it is smaller than ``batch_size``.
    **kwargs
        Other ``DataLoader`` arguments (``num_workers``, ``pin_memory``...).

    Returns
    -------
    torch.utils.data.DataLoader

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.data import LiLAWDataset, batch_loader
    >>> data = LiLAWDataset(torch.zeros(5, 2), torch.arange(5))
    >>> [y.tolist() for _, y in batch_loader(data, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """
    rows = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
    return DataLoader(
        dataset,
        sampler=BatchSampler(rows, batch_size, drop_last),
        batch_size=None,
        collate_fn=_whole_batch,
        **kwargs,
    )


def _whole_batch(batch):
    return batch
