"""sklearn-lilaw: scikit-learn estimators that train PyTorch models with LiLAW.

LiLAW learns, per sample, how much each training row should count, with three
scalars updated on a held-out meta split. The estimators live here; the rest
of the package is in subpackages:

- :mod:`sklearn_lilaw.weights`: the LiLAW formulas;
- :mod:`sklearn_lilaw.synthesizers`: generators of synthetic rows;
- :mod:`sklearn_lilaw.nets`: the torch modules (``MLP``, ``StackedLSTM``);
- :mod:`sklearn_lilaw.datasets`: bundled data (ECG5000);
- :mod:`sklearn_lilaw.data`: the tensor dataset and batch iterator;
- :mod:`sklearn_lilaw.plot`: pictures of the learned weights (needs
  matplotlib).
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sklearn-lilaw needs PyTorch, which is not installed. Install the build "
        "that matches your hardware first (https://pytorch.org/get-started/locally/), "
        "e.g. `pip install torch`, then `pip install sklearn-lilaw`."
    ) from exc

from . import data, datasets, nets, synthesizers, weights
from ._classifier import LiLAWClassifier
from ._multilabel import LiLAWMultiLabelClassifier
from ._regressor import LiLAWRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "LiLAWClassifier",
    "LiLAWMultiLabelClassifier",
    "LiLAWRegressor",
    "data",
    "datasets",
    "nets",
    "synthesizers",
    "weights",
    "__version__",
]
