"""Random mini-batches from the meta split, one per training step."""

import torch

__all__ = ["MetaBatchSampler"]


class MetaBatchSampler:
    """Hand out random meta batches without replacement, cycling forever.

    Each call to :meth:`next` returns the next ``batch_size`` rows of a random
    permutation of the meta split, and draws a new permutation when one is
    used up, so every meta row is seen equally often. The rows are gathered
    in permuted order once per permutation, so a step costs one slice (a
    view), not a gather. When the meta split is no larger than a batch,
    every step uses all of it.

    Parameters
    ----------
    X, y : torch.Tensor
        Meta rows and targets, already on the training device.
    batch_size : int
        Rows per meta batch.
    """

    def __init__(self, X, y, batch_size):
        self.X = X
        self.y = y
        self.batch_size = min(int(batch_size), X.shape[0])
        self._permuted = None
        self._position = 0

    def __len__(self):
        return self.X.shape[0]

    def next(self):
        """Return ``(X_batch, y_batch)``."""
        n = self.X.shape[0]
        if self.batch_size == n:
            return self.X, self.y
        if self._permuted is None or self._position + self.batch_size > n:
            order = torch.randperm(n, device=self.X.device)
            self._permuted = (
                self.X.index_select(0, order),
                self.y.index_select(0, order),
            )
            self._position = 0
        rows = slice(self._position, self._position + self.batch_size)
        self._position += self.batch_size
        X_permuted, y_permuted = self._permuted
        return X_permuted[rows], y_permuted[rows]
