"""The UCR ECG5000 heartbeat data set, shipped with the package.

The data lives in ``data/ecg5000.npz`` next to this module; ``data/README.md``
says where it comes from, how the file was made and how to cite it.
"""

from importlib import resources

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_ecg5000"]

_DATA_FILE = "ecg5000.npz"
_SPLITS = ("train", "test")
_TARGET_NAMES = np.array(["Normal", "R-on-T PVC", "PVC", "SP or EB", "UB"])

_DESCR = """\
.. _ecg5000_dataset:

ECG5000 heartbeat data set
--------------------------

**Data Set Characteristics:**

:Number of Instances: 5000 (train split: 500, test split: 4500)
:Number of Time Steps: 140 (one channel), z-normalised per heartbeat
:Number of Classes: 5
:Class Labels (target, UCR label, name, meaning):
    - 0 (UCR 1) Normal: normal beat
    - 1 (UCR 2) R-on-T PVC: R-on-T premature ventricular contraction
    - 2 (UCR 3) PVC: premature ventricular contraction
    - 3 (UCR 4) SP or EB: supraventricular premature or ectopic beat
    - 4 (UCR 5) UB: unclassified beat
:Class Counts (targets 0..4):
    - train: 292, 177, 10, 19, 2
    - test: 2627, 1590, 86, 175, 22
:Missing Values: None

The heartbeats come from a 20-hour ECG recording (record chf07) of the BIDMC
Congestive Heart Failure Database on PhysioNet. Each beat was extracted and
interpolated to 140 samples; 5,000 beats were drawn at random. The labels come
from automated annotation. This is the split of the UCR Time Series
Classification Archive (2018), read from the archive's ECG5000_TRAIN.tsv and
ECG5000_TEST.tsv and stored as float32.

.. topic:: References

  - H. A. Dau, E. Keogh, K. Kamgar, C.-C. M. Yeh, Y. Zhu, S. Gharghabi,
    C. A. Ratanamahatana, Y. Chen, B. Hu, N. Begum, A. Bagnall, A. Mueen,
    G. Batista and Hexagon-ML. "The UCR Time Series Classification Archive",
    2018. https://www.cs.ucr.edu/~eamonn/time_series_data_2018/
  - A. L. Goldberger, L. A. N. Amaral, L. Glass, J. M. Hausdorff, P. Ch. Ivanov,
    R. G. Mark, J. E. Mietus, G. B. Moody, C.-K. Peng and H. E. Stanley.
    "PhysioBank, PhysioToolkit, and PhysioNet: Components of a New Research
    Resource for Complex Physiologic Signals". Circulation 101(23):e215-e220,
    2000.
  - D. S. Baim et al. "Survival of patients with severe congestive heart
    failure treated with oral milrinone". Journal of the American College of
    Cardiology 7(3):661-670, 1986 (the BIDMC Congestive Heart Failure
    Database).
"""


def load_ecg5000(split="train", *, return_X_y=False):
    """Load one split of the UCR ECG5000 heartbeat data set (classification).

    Five classes of single heartbeats, 140 time steps each, z-normalised per
    beat. The split is the UCR archive's: 500 training and 4,500 test
    beats. The data ships with the package; nothing is downloaded.

    =================   ==============
    Classes                          5
    Samples (train)                500
    Samples (test)                4500
    Time steps                     140
    Values              real, float32
    =================   ==============

    Parameters
    ----------
    split : {'train', 'test'}, default='train'
        Which split to load.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : ndarray of shape (n_samples, 140), dtype float32
            The heartbeats, one per row (500 rows for ``'train'``, 4500
            for ``'test'``).
        target : ndarray of shape (n_samples,), dtype int64
            Class indices 0..4: the UCR label minus one.
        target_names : ndarray of shape (5,)
            ``['Normal', 'R-on-T PVC', 'PVC', 'SP or EB', 'UB']``: normal
            beat, R-on-T premature ventricular contraction, premature
            ventricular contraction, supraventricular premature or ectopic
            beat, unclassified beat.
        DESCR : str
            Description of the data set, with its sources and references.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays described above. A new copy on every call.

    Raises
    ------
    ValueError
        If ``split`` is not ``'train'`` or ``'test'``.

    Notes
    -----
    The classes are very imbalanced: the training split holds 292, 177, 10,
    19 and 2 beats of classes 0..4. In the LiLAW paper (Moturu et al.), a
    2-layer LSTM is trained on the training split (5% of it held out as the
    meta set) and evaluated on the test split; see
    :class:`~sklearn_lilaw.nets.StackedLSTM` and
    :func:`~sklearn_lilaw.synthesizers.augment_ecg` for its ECG5000-A augmentation.

    References
    ----------
    .. [1] H. A. Dau et al. "The UCR Time Series Classification Archive",
       2018. https://www.cs.ucr.edu/~eamonn/time_series_data_2018/
    .. [2] A. L. Goldberger et al. "PhysioBank, PhysioToolkit, and PhysioNet:
       Components of a New Research Resource for Complex Physiologic
       Signals". Circulation 101(23):e215-e220, 2000.
    .. [3] D. S. Baim et al. "Survival of patients with severe congestive
       heart failure treated with oral milrinone". J. Am. Coll. Cardiol.
       7(3):661-670, 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lilaw.datasets import load_ecg5000
    >>> ecg = load_ecg5000()
    >>> ecg.data.shape, ecg.data.dtype
    ((500, 140), dtype('float32'))
    >>> np.bincount(ecg.target)
    array([292, 177,  10,  19,   2])
    >>> ecg.target_names.tolist()
    ['Normal', 'R-on-T PVC', 'PVC', 'SP or EB', 'UB']
    >>> X_test, y_test = load_ecg5000("test", return_X_y=True)
    >>> X_test.shape
    (4500, 140)
    """
    if not isinstance(split, str) or split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    resource = resources.files(__package__).joinpath("data", _DATA_FILE)
    with resources.as_file(resource) as path, np.load(path) as archive:
        data = np.array(archive[f"X_{split}"], dtype=np.float32)
        target = archive[f"y_{split}"].astype(np.int64) - 1  # UCR 1..5 -> 0..4
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=_TARGET_NAMES.copy(),
        DESCR=_DESCR,
    )
