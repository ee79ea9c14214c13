"""Parsing of sample_origin."""

import numpy as np
import pandas as pd
import pytest

from sklearn_lilaw._engine._origin import check_sample_origin


@pytest.mark.parametrize(
    "origin",
    [
        [False, True, True, False],
        np.array([0, 1, 1, 0]),
        np.array([0.0, 1.0, 1.0, 0.0]),
        ["real", "synthetic", "synthetic", "real"],
        np.array(["REAL", "Synthetic", "synthetic", "real"], dtype=object),
        pd.Series([False, True, True, False], index=[10, 11, 12, 13]),
    ],
)
def test_accepted_encodings(origin):
    np.testing.assert_array_equal(
        check_sample_origin(origin, 4), [False, True, True, False]
    )


def test_none_means_all_real():
    np.testing.assert_array_equal(check_sample_origin(None, 3), [False] * 3)


def test_input_is_not_modified_or_shared():
    origin = np.array([True, False])
    result = check_sample_origin(origin, 2)
    result[:] = False
    np.testing.assert_array_equal(origin, [True, False])


@pytest.mark.parametrize(
    "origin, message",
    [
        ([0, 1, 1], "one entry per row"),
        (np.zeros((4, 1)), "one entry per row"),
        ([0, 1, 2, 0], "0 \\(real\\) or 1 \\(synthetic\\)"),
        ([0.0, np.nan, 1.0, 0.0], "NaN"),
        (["real", "fake", "real", "real"], "'real' or 'synthetic'"),
    ],
)
def test_rejected_values_name_the_parameter(origin, message):
    with pytest.raises(ValueError, match="sample_origin") as info:
        check_sample_origin(origin, 4)
    assert info.match(message)
