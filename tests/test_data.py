"""The tensor dataset and its batch iterator."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Subset

from sklearn_lilaw import data as data_module
from sklearn_lilaw._engine._meta_batches import MetaBatchSampler
from sklearn_lilaw.data import LiLAWDataset, TensorBatchIterator


def _dataset(n=10, origin=True):
    X = torch.arange(2.0 * n).reshape(n, 2)
    y = torch.arange(n)
    o = (torch.arange(n) % 2 == 1) if origin else None
    return LiLAWDataset(X, y, o)


def test_batches_in_order_are_views_of_the_data():
    data = _dataset(origin=False)
    batches = list(TensorBatchIterator(data, batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].data_ptr() == data.X.data_ptr()  # a slice, not a copy
    assert len(TensorBatchIterator(data, batch_size=4)) == 3


def test_shuffle_visits_every_row_once_and_carries_origin():
    torch.manual_seed(0)
    data = _dataset()
    seen = []
    for Xb, yb in TensorBatchIterator(data, batch_size=3, shuffle=True):
        assert set(Xb) == {"X", "sample_origin"}
        np.testing.assert_array_equal(Xb["X"][:, 0] / 2, yb)
        np.testing.assert_array_equal(Xb["sample_origin"], yb % 2 == 1)
        seen += yb.tolist()
    assert sorted(seen) == list(range(10)) and seen != list(range(10))


def test_subset_and_drop_last():
    data = _dataset(origin=False)
    sub = Subset(Subset(data, [9, 7, 5, 3, 1]), [0, 2, 4])
    it = TensorBatchIterator(sub, batch_size=2, drop_last=True)
    assert [b[1].tolist() for b in it] == [[9, 5]]
    assert len(it) == 1


def test_dataloader_still_works_on_the_dataset():
    batches = list(DataLoader(_dataset(), batch_size=4))
    assert batches[0][0]["X"].shape == (4, 2)
    assert batches[0][0]["sample_origin"].tolist() == [False, True, False, True]


def test_other_datasets_get_a_clear_error():
    with pytest.raises(TypeError, match="needs a LiLAWDataset"):
        list(TensorBatchIterator(torch.utils.data.TensorDataset(torch.zeros(3))))


def test_meta_sampler_cycles_through_every_row():
    torch.manual_seed(0)
    sampler = MetaBatchSampler(torch.arange(10.0), torch.arange(10), batch_size=5)
    first, second = sampler.next()[1], sampler.next()[1]
    assert sorted(first.tolist() + second.tolist()) == list(range(10))
    small = MetaBatchSampler(torch.arange(3.0), torch.arange(3), batch_size=8)
    assert small.next()[1].tolist() == [0, 1, 2]


def test_block_gathered_batches_equal_per_batch_gathering(monkeypatch):
    X = torch.arange(100.0).reshape(50, 2)
    y = torch.arange(50)
    origin = torch.arange(50) % 3 == 0
    data = Subset(LiLAWDataset(X, y, origin), torch.arange(3, 50))
    # Blocks of 2 batches (the row is 2 floats, an int and a bool: 17 bytes).
    monkeypatch.setattr(data_module, "_BLOCK_BYTES", 2 * 4 * 17)
    torch.manual_seed(0)
    batches = list(TensorBatchIterator(data, batch_size=4, shuffle=True))
    torch.manual_seed(0)
    order = torch.arange(3, 50)[torch.randperm(47)]
    assert len(batches) == 12
    for i, (Xb, yb) in enumerate(batches):
        rows = order[4 * i : 4 * i + 4]
        assert yb.tolist() == rows.tolist()
        assert Xb["X"].tolist() == X[rows].tolist()
        assert Xb["sample_origin"].tolist() == origin[rows].tolist()
    dropped = list(
        TensorBatchIterator(data, batch_size=4, shuffle=True, drop_last=True)
    )
    assert [len(b[1]) for b in dropped] == [4] * 11
