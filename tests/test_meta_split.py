"""Choosing the meta split."""

import numpy as np
import pytest

from sklearn_lilaw._engine._meta_split import meta_split_size, select_meta_indices


@pytest.mark.parametrize(
    "meta_size, n, min_size, expected",
    [(0.05, 500, 5, 25), (0.05, 30, 3, 3), (0.01, 10, 1, 1), (7, 100, 5, 7)],
)
def test_meta_split_size(meta_size, n, min_size, expected):
    assert meta_split_size(meta_size, n, min_size) == expected


@pytest.mark.parametrize("meta_size", [0.0, 1.0, -0.1, 0, -3])
def test_meta_size_out_of_range(meta_size):
    with pytest.raises(ValueError, match="meta_size must be a count >= 1"):
        meta_split_size(meta_size, 100, 1)


def test_count_smaller_than_one_per_class_is_an_error():
    with pytest.raises(ValueError, match="smaller than one sample per class"):
        meta_split_size(2, 100, 3)


def test_meta_size_type():
    with pytest.raises(TypeError, match="meta_size"):
        meta_split_size("5%", 100, 1)


def test_stratified_draw_within_allowed_rows():
    y = np.repeat([0, 1, 2], 40)
    allowed = np.arange(120) % 2 == 0
    meta = select_meta_indices(allowed, 12, stratify=y, random_state=0)
    assert meta.shape == (12,)
    assert np.all(allowed[meta])
    np.testing.assert_array_equal(np.bincount(y[meta]), [4, 4, 4])
    assert np.all(np.diff(meta) > 0)
    again = select_meta_indices(allowed, 12, stratify=y, random_state=0)
    np.testing.assert_array_equal(meta, again)


def test_falls_back_to_random_when_a_class_is_too_small():
    y = np.array([0] * 20 + [1] * 19 + [2])  # class 2 has a single row
    meta = select_meta_indices(np.ones(40, bool), 5, stratify=y, random_state=0)
    assert meta.shape == (5,) and len(np.unique(meta)) == 5


def test_errors():
    allowed = np.zeros(10, bool)
    with pytest.raises(ValueError, match="meta_origin='real' allows no rows"):
        select_meta_indices(allowed, 1, origin_name="real")
    allowed[:3] = True
    with pytest.raises(ValueError, match="allows only 3"):
        select_meta_indices(allowed, 4, origin_name="real")
    with pytest.raises(ValueError, match="no rows to train on"):
        select_meta_indices(np.ones(4, bool), 4)
