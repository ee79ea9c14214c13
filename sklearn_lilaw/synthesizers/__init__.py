"""Generators of synthetic training rows, for an estimator's ``synthesizer``.

A LiLAW estimator runs its ``synthesizer`` inside ``fit`` on the real
training rows only (never on the meta split or a test fold) and trains on the
new rows marked synthetic. Any imbalanced-learn over-sampler or a callable
``(X, y, random_state) -> (X_new, y_new)`` also works, and so does a table
generator with ``fit(table)``/``sample(n)`` (SDV, ctgan); the classes here
cover the common cases.
"""

from ._augment import GaussianAugmenter, augment_ecg
from ._generator import GeneratorSynthesizer
from ._imblearn import ImblearnSynthesizer
from ._mixture import GaussianMixtureSynthesizer

__all__ = [
    "GaussianAugmenter",
    "GaussianMixtureSynthesizer",
    "GeneratorSynthesizer",
    "ImblearnSynthesizer",
    "augment_ecg",
]
