"""Data sets shipped with sklearn-lilaw, loaded without network access.

- :func:`load_ecg5000`: the UCR ECG5000 heartbeats (5 classes, 140 time
  steps), the data of the LiLAW paper's ECG experiments.
"""

from ._ecg5000 import load_ecg5000

__all__ = ["load_ecg5000"]
