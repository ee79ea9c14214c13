"""Tests of the ECG5000-A augmentation (LILAW.md, section 5)."""

import numpy as np
import pytest

from sklearn_lilaw.synthesizers import GaussianAugmenter, augment_ecg

SIGMA_LOW, SIGMA_HIGH = np.sqrt(0.05), np.sqrt(0.1)


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 30)).astype(np.float32)
    y = np.arange(40) % 4
    return X, y


def _residuals(X, X_out, indices, origin):
    """Augmented rows minus the rows they were made from."""
    return X_out[origin].astype(np.float64) - X[indices[origin]]


# ----------------------------------------------------------------------
# the distribution of the augmentation
# ----------------------------------------------------------------------
def test_offset_and_noise_level_per_row():
    # Long rows, so that each row's mean estimates its offset b and each
    # row's standard deviation its sigma, to within sampling error.
    n_rows, n_steps = 200, 20_000
    X = np.random.RandomState(1).standard_normal((n_rows, n_steps))
    y = np.zeros(n_rows, dtype=int)
    augmenter = GaussianAugmenter(fraction=1.0, mode="add", random_state=0)
    X_out, _ = augmenter.fit_resample(X, y)
    res = _residuals(X, X_out, augmenter.sample_indices_, augmenter.sample_origin_)
    assert res.shape == (n_rows, n_steps)

    offsets = res.mean(axis=1)
    sigmas = res.std(axis=1)
    # Standard errors: sigma / sqrt(T) <= 0.0023 for the mean, and about
    # sigma / sqrt(2 T) <= 0.0016 for the standard deviation.
    assert np.all(np.abs(offsets) <= 0.2 + 0.012)
    assert np.all(sigmas >= SIGMA_LOW - 0.008)
    assert np.all(sigmas <= SIGMA_HIGH + 0.008)
    # One offset and one sigma per row, spread over their whole ranges.
    assert offsets.min() < -0.15 and offsets.max() > 0.15
    assert abs(offsets.mean()) < 0.03  # U[-0.2, 0.2]: mean 0, sd 0.115 / sqrt(200)
    variances = sigmas**2
    assert variances.min() < 0.055 and variances.max() > 0.095
    assert abs(variances.mean() - 0.075) < 0.005
    # Within a row, the noise is Gaussian white noise: first and second
    # halves agree, no correlation between neighbouring steps.
    centred = (res - offsets[:, None]) / sigmas[:, None]
    lag1 = np.mean(centred[:, 1:] * centred[:, :-1])
    assert abs(lag1) < 0.01
    kurtosis = np.mean(centred**4)
    assert abs(kurtosis - 3) < 0.05


def test_one_offset_and_sigma_shared_by_channels():
    n_rows, n_steps, n_channels = 50, 8_000, 3
    X = np.zeros((n_rows, n_steps, n_channels))
    y = np.zeros(n_rows)
    X_out, _, origin = augment_ecg(X, y, fraction=1.0, random_state=3)
    res = X_out[origin]
    assert res.shape == (n_rows, n_steps, n_channels)
    per_channel_mean = res.mean(axis=1)  # (n_rows, n_channels)
    per_channel_std = res.std(axis=1)
    # Equal across channels up to sampling error (se <= 0.0036 and 0.0025).
    spread_mean = per_channel_mean.max(axis=1) - per_channel_mean.min(axis=1)
    spread_std = per_channel_std.max(axis=1) - per_channel_std.min(axis=1)
    assert spread_mean.max() < 0.025
    assert spread_std.max() < 0.02
    # ... while rows differ from each other.
    assert np.ptp(per_channel_mean[:, 0]) > 0.2


# ----------------------------------------------------------------------
# counts, origins, labels
# ----------------------------------------------------------------------
def test_add_mode_counts_and_layout(sequences):
    X, y = sequences
    X_out, y_out, origin = augment_ecg(X, y, random_state=0)
    assert X_out.shape == (60, 30)
    assert y_out.shape == (60,)
    assert origin.dtype == bool and origin.shape == (60,)
    assert origin.sum() == 20
    # Originals first, unchanged and real; the copies after them.
    assert not origin[:40].any() and origin[40:].all()
    np.testing.assert_array_equal(X_out[:40], X)
    np.testing.assert_array_equal(y_out[:40], y)


def test_replace_mode_counts_and_layout(sequences):
    X, y = sequences
    augmenter = GaussianAugmenter(mode="replace", random_state=0)
    X_out, y_out = augmenter.fit_resample(X, y)
    origin = augmenter.sample_origin_
    assert X_out.shape == X.shape
    assert origin.sum() == 20 and augmenter.n_synthetic_ == 20
    np.testing.assert_array_equal(augmenter.sample_indices_, np.arange(40))
    np.testing.assert_array_equal(X_out[~origin], X[~origin])
    assert np.all(np.any(X_out[origin] != X[origin], axis=1))
    np.testing.assert_array_equal(y_out, y)


@pytest.mark.parametrize("mode", ["add", "replace"])
def test_labels_follow_their_rows(sequences, mode):
    X, y = sequences
    augmenter = GaussianAugmenter(fraction=0.3, mode=mode, random_state=5)
    X_out, y_out = augmenter.fit_resample(X, y)
    indices = augmenter.sample_indices_
    np.testing.assert_array_equal(y_out, y[indices])
    # Every augmented row lies near the row it came from: |b + sigma * eps|
    # averages at most about 0.2 + 0.32 * 0.8; two different rows of standard
    # normal noise differ by about 1.13 on average.
    res = _residuals(X, X_out, indices, augmenter.sample_origin_)
    assert np.all(np.abs(res).mean(axis=1) < 0.7)


@pytest.mark.parametrize(
    "n_rows, fraction, expected",
    [
        (500, 0.5, 250),
        (10, 0.3, 3),  # 0.3 * 10 is 3.0000000000000004 in floating point
        (5, 0.5, 3),  # halves round up
        (7, 0.1, 1),
        (7, 0.0, 0),
        (7, 1.0, 7),
        (1, 0.5, 1),
    ],
)
@pytest.mark.parametrize("mode", ["add", "replace"])
def test_exact_counts(n_rows, fraction, expected, mode):
    X = np.ones((n_rows, 4))
    y = np.zeros(n_rows)
    augmenter = GaussianAugmenter(fraction=fraction, mode=mode, random_state=0)
    X_out, y_out = augmenter.fit_resample(X, y)
    assert augmenter.n_synthetic_ == expected
    assert augmenter.sample_origin_.sum() == expected
    n_out = n_rows + expected if mode == "add" else n_rows
    assert X_out.shape == (n_out, 4) and y_out.shape == (n_out,)
    assert augmenter.sample_origin_.shape == (n_out,)
    # Each original row is augmented at most once.
    chosen = augmenter.sample_indices_[augmenter.sample_origin_]
    assert len(np.unique(chosen)) == expected


def test_zero_fraction_returns_copies(sequences):
    X, y = sequences
    for mode in ("add", "replace"):
        X_out, y_out, origin = augment_ecg(X, y, fraction=0, mode=mode)
        np.testing.assert_array_equal(X_out, X)
        np.testing.assert_array_equal(y_out, y)
        assert not origin.any()
        assert not np.shares_memory(X_out, X)


# ----------------------------------------------------------------------
# inputs, outputs, determinism
# ----------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["add", "replace"])
def test_input_not_modified(sequences, mode):
    X, y = sequences
    X_before, y_before = X.copy(), y.copy()
    X_out, y_out, _ = augment_ecg(X, y, fraction=1.0, mode=mode, random_state=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    assert not np.shares_memory(X_out, X)
    assert not np.shares_memory(y_out, y)
    X_out[:] = 0
    y_out[:] = -1
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_three_dimensional_input():
    X = np.random.RandomState(0).standard_normal((12, 20, 3))
    y = np.arange(12)
    for mode, n_out in [("add", 18), ("replace", 12)]:
        X_out, y_out, origin = augment_ecg(X, y, mode=mode, random_state=0)
        assert X_out.shape == (n_out, 20, 3)
        assert y_out.shape == (n_out,) and origin.sum() == 6


def test_dtypes():
    y = np.zeros(6)
    X32 = np.zeros((6, 5), dtype=np.float32)
    assert augment_ecg(X32, y, random_state=0)[0].dtype == np.float32
    X_int = np.zeros((6, 5), dtype=np.int64)
    X_out = augment_ecg(X_int, y, random_state=0)[0]
    assert X_out.dtype == np.float64
    assert np.any(X_out[6:] != 0)  # the noise is not truncated to integers
    X_list = [[0.0] * 5] * 6
    assert augment_ecg(X_list, list(y), random_state=0)[0].shape == (9, 5)


def test_string_labels_and_2d_targets_are_kept():
    X = np.zeros((4, 3))
    y = np.array(["a", "b", "c", "d"])
    _, y_out, origin = augment_ecg(X, y, fraction=1.0, random_state=0)
    np.testing.assert_array_equal(y_out, np.concatenate([y, y]))
    Y = np.eye(4, dtype=int)  # multi-label targets: rows are copied whole
    _, Y_out, _ = augment_ecg(X, Y, fraction=1.0, random_state=0)
    np.testing.assert_array_equal(Y_out, np.concatenate([Y, Y]))


@pytest.mark.parametrize("mode", ["add", "replace"])
def test_deterministic_given_random_state(sequences, mode):
    X, y = sequences
    first = augment_ecg(X, y, mode=mode, random_state=42)
    second = augment_ecg(X, y, mode=mode, random_state=42)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    other = augment_ecg(X, y, mode=mode, random_state=43)
    assert not np.array_equal(first[0], other[0])
    # The class gives the same result as the function.
    augmenter = GaussianAugmenter(mode=mode, random_state=42)
    X_out, y_out = augmenter.fit_resample(X, y)
    np.testing.assert_array_equal(X_out, first[0])
    np.testing.assert_array_equal(y_out, first[1])
    np.testing.assert_array_equal(augmenter.sample_origin_, first[2])
    # An int seed repeats on refitting.
    np.testing.assert_array_equal(augmenter.fit_resample(X, y)[0], X_out)


def test_random_state_instance_advances(sequences):
    X, y = sequences
    rng = np.random.RandomState(0)
    first = augment_ecg(X, y, random_state=rng)[0]
    second = augment_ecg(X, y, random_state=rng)[0]
    assert not np.array_equal(first, second)


def test_none_random_state_uses_global_numpy_rng(sequences):
    X, y = sequences
    np.random.seed(7)
    first = augment_ecg(X, y)[0]
    np.random.seed(7)
    np.testing.assert_array_equal(augment_ecg(X, y)[0], first)


def test_estimator_api():
    augmenter = GaussianAugmenter(fraction=0.25, mode="replace", random_state=1)
    assert augmenter.get_params() == {
        "fraction": 0.25,
        "mode": "replace",
        "random_state": 1,
    }
    assert not hasattr(augmenter, "sample_origin_")
    assert repr(augmenter) == (
        "GaussianAugmenter(fraction=0.25, mode='replace', random_state=1)"
    )
    from sklearn.base import clone

    assert clone(augmenter).get_params() == augmenter.get_params()


def test_output_feeds_lilaw_classifier():
    from sklearn_lilaw import LiLAWClassifier

    X, y = np.random.RandomState(0).standard_normal((60, 6)), np.arange(60) % 2
    augmenter = GaussianAugmenter(random_state=0)
    X_aug, y_aug = augmenter.fit_resample(X.astype(np.float32), y)
    clf = LiLAWClassifier(hidden_layer_sizes=(4,), max_epochs=2, random_state=0)
    clf.fit(X_aug, y_aug, sample_origin=augmenter.sample_origin_)
    # The meta split is drawn from the real rows only.
    assert not augmenter.sample_origin_[clf.meta_indices_].any()


# ----------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------
@pytest.mark.parametrize("fraction", [-0.1, 1.5, "half", None, True, np.nan, 2])
def test_bad_fraction(sequences, fraction):
    X, y = sequences
    with pytest.raises(ValueError, match=r"fraction must be a real number in \[0, 1\]"):
        augment_ecg(X, y, fraction=fraction)
    with pytest.raises(ValueError, match="fraction"):
        GaussianAugmenter(fraction=fraction).fit_resample(X, y)


@pytest.mark.parametrize("mode", ["append", "ADD", None, 1])
def test_bad_mode(sequences, mode):
    X, y = sequences
    with pytest.raises(ValueError, match="mode must be 'add' or 'replace'"):
        augment_ecg(X, y, mode=mode)
    with pytest.raises(ValueError, match="mode"):
        GaussianAugmenter(mode=mode).fit_resample(X, y)


def test_length_mismatch(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match="same number of rows"):
        augment_ecg(X, y[:-1])
    with pytest.raises(ValueError, match="same number of rows"):
        augment_ecg(X, 3)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros(5), "Expected 2D array"),
        (np.zeros((5, 2, 2, 2)), "must have shape"),
        (np.zeros((0, 4)), "minimum of 1 is required"),
        (np.array([[0.0, np.nan]] * 5), "NaN"),
    ],
)
def test_bad_X(X, message):
    with pytest.raises(ValueError, match=message):
        augment_ecg(X, np.zeros(len(X)))
