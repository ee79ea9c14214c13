"""The default torch module: a plain multi-layer perceptron."""

import torch
from torch import nn

__all__ = ["MLP"]


class MLP(nn.Module):
    """Fully connected network with ReLU activations, outputting raw scores.

    The LiLAW estimators build it at fit time when no ``module`` is given,
    filling ``n_features_in`` and ``n_outputs`` from the data.

    Parameters
    ----------
    n_features_in : int
        Number of input features. Inputs with more than two dimensions are
        flattened after the batch dimension.
    n_outputs : int
        Number of outputs (classes, labels or regression targets).
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each hidden layer, as in scikit-learn's ``MLPClassifier``.
    dropout : float, default=0.0
        Dropout probability after each hidden activation.

    Examples
    --------
    >>> import torch
    >>> from sklearn_lilaw.nets import MLP
    >>> net = MLP(n_features_in=4, n_outputs=3, hidden_layer_sizes=(8, 8))
    >>> net(torch.zeros(5, 4)).shape
    torch.Size([5, 3])
    """

    def __init__(
        self, n_features_in, n_outputs, hidden_layer_sizes=(100,), dropout=0.0
    ):
        super().__init__()
        layers = []
        width = int(n_features_in)
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, int(size)), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = int(size)
        layers.append(nn.Linear(width, int(n_outputs)))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        """Return raw scores of shape (n_samples, n_outputs)."""
        return self.layers(torch.flatten(X, start_dim=1))
