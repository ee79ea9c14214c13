"""Torch modules for the LiLAW estimators' ``module`` parameter.

:class:`MLP` is the default network; :class:`StackedLSTM` is the model of the
paper's ECG5000 experiments. Both end in one ``nn.Linear`` and take the data's
shape from the estimator (``n_features_in``, ``n_outputs``).
"""

from ._lstm import StackedLSTM
from ._mlp import MLP

__all__ = ["MLP", "StackedLSTM"]
