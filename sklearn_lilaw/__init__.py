"""sklearn-lilaw: scikit-learn estimators that train PyTorch models with LiLAW.

LiLAW learns, per sample, how much each training row should count, with three
scalars updated on a held-out meta split. See :class:`LiLAWClassifier`.
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sklearn-lilaw needs PyTorch, which is not installed. Install the build "
        "that matches your hardware first (https://pytorch.org/get-started/locally/), "
        "e.g. `pip install torch`, then `pip install sklearn-lilaw`."
    ) from exc

from . import datasets, weights
from ._augment import GaussianAugmenter, augment_ecg
from ._classifier import LiLAWClassifier
from ._data import LiLAWDataset, TensorBatchIterator
from ._lstm import StackedLSTM
from ._mlp import MLP
from ._multilabel import LiLAWMultiLabelClassifier
from ._regressor import LiLAWRegressor
from ._synthesizers import GaussianMixtureSynthesizer, ImblearnSynthesizer

__version__ = "0.1.0.dev0"

__all__ = [
    "GaussianAugmenter",
    "GaussianMixtureSynthesizer",
    "ImblearnSynthesizer",
    "LiLAWClassifier",
    "LiLAWDataset",
    "LiLAWMultiLabelClassifier",
    "LiLAWRegressor",
    "MLP",
    "StackedLSTM",
    "TensorBatchIterator",
    "augment_ecg",
    "datasets",
    "weights",
    "__version__",
]
