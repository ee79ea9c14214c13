"""A stacked LSTM classifier for sequences, the model of the ECG5000 experiments."""

import numbers
import warnings

from torch import nn

__all__ = ["StackedLSTM"]


def _check_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an int >= 1; got {value!r}.")


class StackedLSTM(nn.Module):
    """Stacked LSTM that scores a sequence from its last time step.

    ``num_layers`` LSTM layers read the sequence; the top layer's hidden
    state at the last time step goes through a linear layer to
    ``n_outputs`` raw scores (logits).

    The LiLAW estimators fill ``n_outputs`` and ``input_shape`` (the shape of
    one row of ``X``) from the data when given the class
    (``module=StackedLSTM``), so the number of channels need not be given.

    Parameters
    ----------
    n_outputs : int
        Number of outputs (classes).
    input_size : int or None, default=None
        Channels per time step. None takes it from ``input_shape``, or 1.
        Give it for flattened rows (see ``channels_first``): the row length
        alone does not tell the channels.
    hidden_size : int, default=64
        Width of each LSTM layer.
    num_layers : int, default=2
        Number of stacked LSTM layers.
    dropout : float in [0, 1), default=0.0
        Dropout between LSTM layers and on the last hidden state before the
        linear layer; active in training mode only.
    channels_first : bool, default=False
        False reads ``(n_samples, n_timesteps, n_channels)``; True reads
        ``(n_samples, n_channels, n_timesteps)``, the layout of aeon and
        sktime. 2-d input ``(n_samples, n_timesteps)`` is one channel when
        ``input_size`` is 1; with ``input_size=C > 1``, 2-d input is read as
        flattened rows of the 3-d layout, ``X.reshape(n_samples, -1)``:
        channel after channel with ``channels_first`` (what aeon's
        ``Tabularizer`` and sktime's ``SklearnClassifierPipeline`` pass),
        time step after time step without.
    input_shape : tuple of int or None, default=None
        The shape of one row (the estimators pass ``X.shape[1:]``); sets the
        channels when ``input_size`` is None.

    Attributes
    ----------
    lstm : torch.nn.LSTM
        The recurrent layers (``batch_first=True``).
    head : torch.nn.Linear
        The output layer.

    See Also
    --------
    MLP : The default module, for tabular data.

    Notes
    -----
    The LiLAW paper trains a 2-layer stacked LSTM from scratch on ECG5000
    (Adam, lr 1e-3, batch 512, 500 epochs); it does not give the width.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.nets import StackedLSTM
    >>> net = StackedLSTM(n_outputs=5, hidden_size=16)
    >>> net(torch.zeros(8, 140)).shape          # (n_samples, n_timesteps)
    torch.Size([8, 5])
    >>> net3 = StackedLSTM(n_outputs=5, hidden_size=16, input_shape=(140, 3))
    >>> net3(torch.zeros(8, 140, 3)).shape      # (n_samples, n_timesteps, channels)
    torch.Size([8, 5])
    >>> aeon_layout = StackedLSTM(n_outputs=5, channels_first=True, input_size=3)
    >>> aeon_layout(torch.zeros(8, 3, 140)).shape  # (n_samples, channels, n_timesteps)
    torch.Size([8, 5])
    >>> aeon_layout(torch.zeros(8, 3 * 140)).shape  # the same rows, flattened
    torch.Size([8, 5])

    With a LiLAW estimator, pass the class and set its parameters with
    ``module__*``; the channels come from the data:

    >>> from sklearn_lilaw import LiLAWClassifier
    >>> from sklearn_lilaw.datasets import load_ecg5000
    >>> X, y = load_ecg5000(return_X_y=True)
    >>> clf = LiLAWClassifier(
    ...     module=StackedLSTM, module__hidden_size=16, max_epochs=2, random_state=0
    ... )
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 5)
    """

    def __init__(
        self,
        n_outputs,
        input_size=None,
        hidden_size=64,
        num_layers=2,
        dropout=0.0,
        channels_first=False,
        input_shape=None,
    ):
        super().__init__()
        if input_size is None:
            input_size = _channels(input_shape, channels_first)
            if not channels_first:
                _warn_one_step(input_shape)
        for name, value in [
            ("n_outputs", n_outputs),
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
        ]:
            _check_int(value, name)
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, numbers.Real)
            or not 0 <= dropout < 1
        ):
            raise ValueError(f"dropout must be a float in [0, 1); got {dropout!r}.")
        if (
            input_shape is not None
            and len(input_shape) == 1
            and input_shape[0] % input_size
        ):
            raise ValueError(
                f"Rows of {input_shape[0]} values cannot be read as flattened "
                f"series of {input_size} channels (input_size)."
            )
        self.input_size = int(input_size)
        self.channels_first = bool(channels_first)
        self.lstm = nn.LSTM(
            input_size=self.input_size,
            hidden_size=int(hidden_size),
            num_layers=int(num_layers),
            batch_first=True,
            # torch applies this between layers only (and warns for 1 layer).
            dropout=float(dropout) if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(float(dropout))
        self.head = nn.Linear(int(hidden_size), int(n_outputs))

    def forward(self, X):
        """Return raw scores of shape (n_samples, n_outputs).

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_timesteps) or 3-d
            Sequences. 3-d is ``(n_samples, n_timesteps, input_size)``, or
            ``(n_samples, input_size, n_timesteps)`` with ``channels_first``.
            2-d is one channel if ``input_size`` is 1, else those 3-d rows
            flattened, ``(n_samples, input_size * n_timesteps)``.

        Returns
        -------
        scores : torch.Tensor of shape (n_samples, n_outputs)
            Logits.
        """
        if X.ndim == 2 and X.shape[1] % self.input_size == 0:
            # One channel, or flattened rows of the 3-d layout (the tabular
            # form of aeon and sktime): back to that layout.
            steps = X.shape[1] // self.input_size
            if self.channels_first:
                X = X.reshape(X.shape[0], self.input_size, steps)
            else:
                X = X.reshape(X.shape[0], steps, self.input_size)
        if X.ndim == 3 and self.channels_first:
            X = X.transpose(1, 2)
        if X.ndim != 3 or X.shape[-1] != self.input_size:
            layout = "channels, n_timesteps" if self.channels_first else (
                "n_timesteps, channels"
            )  # fmt: skip
            raise ValueError(
                "StackedLSTM expects input of shape (n_samples, n_timesteps) or "
                f"(n_samples, {layout}) with {self.input_size} channels "
                f"(input_size), or those rows flattened; got shape "
                f"{tuple(X.shape)}."
            )
        X = X.to(self.head.weight.dtype)
        _, (hidden, _) = self.lstm(X)
        return self.head(self.dropout(hidden[-1]))


def _channels(input_shape, channels_first):
    """Channels per time step of rows of ``input_shape`` (1 if unknown or 1-d)."""
    if input_shape is None or len(input_shape) < 2:
        return 1
    if len(input_shape) > 2:
        raise ValueError(
            "StackedLSTM reads rows of shape (n_timesteps,) or (n_timesteps, "
            f"channels); got rows of shape {tuple(input_shape)}."
        )
    return int(input_shape[0] if channels_first else input_shape[1])


def _warn_one_step(input_shape):
    """Warn when channels-last rows have one time step: (channels, T) data?"""
    if (
        input_shape is not None
        and len(input_shape) == 2
        and input_shape[0] == 1
        and input_shape[1] > 1
    ):
        warnings.warn(
            f"StackedLSTM reads rows of shape {tuple(input_shape)} as 1 time "
            f"step of {input_shape[1]} channels. For (n_samples, channels, "
            "n_timesteps) data, such as aeon's, pass channels_first=True "
            "(module__channels_first=True).",
            UserWarning,
            stacklevel=3,
        )
