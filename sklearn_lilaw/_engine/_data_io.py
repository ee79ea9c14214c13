"""Data in and out of the net: datasets, batch iterators, predictions."""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.dataset import get_len
from skorch.utils import is_dataset

from ..data import LiLAWDataset, TensorBatchIterator, batch_loader
from ._tensors import as_tensor

__all__ = ["DataIOMixin"]


class DataIOMixin:
    """skorch's data hooks, and the prediction path shared by the tasks."""

    def get_dataset(self, X, y=None):
        """Wrap arrays as a :class:`~sklearn_lilaw.data.LiLAWDataset`."""
        if is_dataset(X):
            return X
        return LiLAWDataset(as_tensor(X), None if y is None else as_tensor(y))

    def get_iterator(self, dataset, training=False):
        """Return the batch iterator; training batches are shuffled by default.

        ``iterator_train__shuffle=False`` keeps the rows in order.
        """
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = get_len(dataset)
        if training:
            kwargs.setdefault("shuffle", True)
        iterator = getattr(self, prefix)
        accelerator = getattr(self, "accelerator", None)
        if iterator is TensorBatchIterator and accelerator is not None:
            if accelerator.num_processes > 1:
                # Under skorch's AccelerateMixin with several processes, the
                # iterator must be a DataLoader for the accelerator to shard.
                iterator = batch_loader
        return iterator(dataset, **kwargs)

    def _predict_transformed(self, X, default):
        """Module outputs for ``X`` passed through ``predict_nonlinearity``.

        ``'auto'`` applies ``default`` (the task's link: softmax or sigmoid of
        the logits), whatever the criterion, so that a custom loss (focal
        loss, say) still gives probabilities. Computed in float64.
        """
        X = self._validate_X_predict(X)
        outputs = self.forward(X)
        outputs = outputs[0] if isinstance(outputs, tuple) else outputs
        nonlinearity = self.predict_nonlinearity
        if nonlinearity == "auto":
            nonlinearity = default
        elif nonlinearity is None:
            return outputs.double().numpy()
        return np.asarray(nonlinearity(outputs.double()), dtype=np.float64)

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        if is_dataset(X):
            return X  # skorch's scoring callbacks pass datasets through
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X = validate_data(self, X, reset=False, dtype=np.float32, allow_nd=True)
        self._check_row_shape(X)
        return X

    def _check_row_shape(self, X):
        """Raise a ValueError if ``X``'s rows differ in shape from the fitted
        ones (``validate_data`` compares only their first dimension)."""
        shape = getattr(self, "input_shape_", None)
        if shape is not None and X.shape[1:] != shape:
            raise ValueError(
                f"X has rows of shape {X.shape[1:]}; the estimator was fitted on "
                f"rows of shape {shape}."
            )
