"""What one fit trains on: the meta split and the synthetic rows (numpy only)."""

import numpy as np
import pytest

from sklearn_lilaw._engine._fit_data import prepare_fit_data


class _Recorder:
    """A ``synthesize`` function that records the rows it is shown.

    Each new row is a copy of a source row with 1000 added to its first
    feature, so that generated rows are recognisable.
    """

    def __init__(self, X, y):
        self.X, self.y = X, y
        self.seen = None

    def __call__(self, source, seed):
        self.seen = self.X[source, 1].copy()  # column 1 holds the position
        X_new = self.X[source].copy()
        X_new[:, 0] += 1000
        return X_new, self.y[source].copy(), None


def _rows(n=100):
    X = np.c_[np.zeros(n), np.arange(n)].astype(np.float32)
    y = np.arange(n) % 2
    is_synthetic = np.arange(n) % 4 == 0  # 25 given synthetic rows
    return X, y, is_synthetic


@pytest.mark.parametrize("meta_origin", [None, "real", "any"])
def test_no_meta_row_reaches_the_synthesizer_or_the_training_rows(meta_origin):
    X, y, is_synthetic = _rows()
    recorder = _Recorder(X, y)
    data = prepare_fit_data(
        X,
        y,
        is_synthetic,
        stratify=y,
        meta_size=0.2,
        meta_origin=meta_origin,
        synthesize=recorder,
        stratify_labels=lambda y: y,
        seed=0,
    )
    meta = data.meta_indices
    assert len(meta) == 20 and (meta < 100).all()
    if meta_origin != "any":
        assert not is_synthetic[meta].any()
    shown = set(recorder.seen.astype(int))
    assert shown.isdisjoint(meta)  # the synthesizer never saw a meta row
    assert shown == set(np.flatnonzero(~is_synthetic)) - set(meta)
    assert data.n_synthetic == len(shown)
    assert set(data.X[data.train_indices, 1].astype(int)).isdisjoint(
        set(data.X[meta, 1].astype(int))
    )  # no training row repeats a meta row, generated ones included
    np.testing.assert_array_equal(data.is_synthetic[100:], True)
    # Real meta rows were kept from it: a refit must run it again, unless
    # meta_origin='any' happened to draw synthetic rows only.
    assert data.made_from_every_real_row == is_synthetic[meta].all()


def test_synthetic_meta_split_is_drawn_from_generated_rows_too():
    X, y, is_synthetic = _rows()
    recorder = _Recorder(X, y)
    data = prepare_fit_data(
        X,
        y,
        is_synthetic,
        stratify=y,
        meta_size=0.3,
        meta_origin="synthetic",
        synthesize=recorder,
        stratify_labels=lambda y: y,
        seed=0,
    )
    assert set(recorder.seen.astype(int)) == set(np.flatnonzero(~is_synthetic))
    assert data.is_synthetic[data.meta_indices].all()
    assert len(data.meta_indices) == 30 and (data.meta_indices >= 100).any()
    np.testing.assert_array_equal(np.bincount(data.y[data.meta_indices]), [15, 15])
    assert data.made_from_every_real_row


def test_without_a_meta_split_every_row_trains_and_feeds_the_synthesizer():
    X, y, is_synthetic = _rows()
    recorder = _Recorder(X, y)
    data = prepare_fit_data(
        X, y, is_synthetic, hold_out_meta=False, synthesize=recorder, seed=0
    )
    assert data.meta_indices.size == 0 and len(data.train_indices) == 175
    assert len(recorder.seen) == 75 and data.made_from_every_real_row


def test_meta_size_is_a_share_of_the_given_rows_and_stratified():
    X, y, is_synthetic = _rows()
    data = prepare_fit_data(
        X, y, is_synthetic, stratify=y, meta_size=0.1, meta_min_size=2, seed=0
    )
    assert len(data.meta_indices) == 10
    assert not is_synthetic[data.meta_indices].any()
    # The real rows hold class 0 and 1 as 25:50, and so does the meta split.
    np.testing.assert_array_equal(np.bincount(y[data.meta_indices]), [3, 7])
    assert data.n_synthetic == 0 and data.synthesizer is None


def test_the_draw_depends_on_the_seed_only():
    X, y, is_synthetic = _rows()
    draws = [
        prepare_fit_data(X, y, is_synthetic, meta_size=0.2, seed=s).meta_indices
        for s in (0, 0, 1)
    ]
    np.testing.assert_array_equal(draws[0], draws[1])
    assert not np.array_equal(draws[0], draws[2])
