"""ember.utils.data datasets: Dataset, IterableDataset, TensorDataset (and its batched __getitems__),
StackDataset, Subset, ConcatDataset, ChainDataset, random_split (lengths and fractions)."""
import numpy as np
import pytest

import ember
from ember.utils.data import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset,
                              TensorDataset, random_split)


class Range(Dataset):
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i + self.offset


class CountIter(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_import_paths():
    import ember.utils.data as d1
    assert ember.utils.data is d1
    from ember.utils.data import DataLoader, default_collate, get_worker_info  # noqa: F401
    from ember.utils.data.sampler import BatchSampler  # noqa: F401
    from ember.utils.data.distributed import DistributedSampler  # noqa: F401


def test_base_classes():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())
    both = Range(2) + Range(3, 10)
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 10, 11, 12]
    chained = CountIter(2) + CountIter(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


def test_tensor_dataset():
    x = ember.arange(12.0).reshape(4, 3)
    y = ember.tensor([5, 6, 7, 8])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    a, b = ds[2]
    np.testing.assert_array_equal(a.numpy(), [6.0, 7.0, 8.0])
    assert b.item() == 7
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, ember.zeros(3))


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "negative"])
def test_tensor_dataset_getitems_equals_getitem(layout):
    base = np.arange(60, dtype=np.float32).reshape(6, 10)
    if layout == "transposed":
        base = np.arange(60, dtype=np.float32).reshape(10, 6).T  # non-contiguous rows
    x = ember.from_numpy(base)
    if layout == "negative":
        x = ember.from_numpy(base[::-1])
    labels = ember.arange(x.shape[0])
    ds = TensorDataset(x, labels)
    idx = [3, 0, 3, 1]
    batch = ds.__getitems__(idx)
    assert isinstance(batch, list) and len(batch) == 4
    for (a, b), i in zip(batch, idx):
        ea, eb = ds[i]
        np.testing.assert_array_equal(a.numpy(), ea.numpy())
        assert b.item() == eb.item()
    assert ds.__getitems__([]) == []


def test_stack_dataset():
    a, b = Range(3), Range(3, 100)
    t = StackDataset(a, b)
    assert len(t) == 3 and t[1] == (1, 101) and t.__getitems__([2, 0]) == [(2, 102), (0, 100)]
    d = StackDataset(x=a, y=b)
    assert d[2] == {"x": 2, "y": 102} and d.__getitems__([0]) == [{"x": 0, "y": 100}]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(a, Range(4))
    with pytest.raises(ValueError, match="but both types are given"):
        StackDataset(a, y=b)
    td = TensorDataset(ember.arange(3))
    mixed = StackDataset(a, td)  # the nested TensorDataset's __getitems__ is used
    assert [(i, int(s[0])) for i, s in mixed.__getitems__([1, 2])] == [(1, 1), (2, 2)]


def test_subset():
    ds = Range(10)
    s = Subset(ds, [7, 2, 5])
    assert len(s) == 3 and [s[i] for i in range(3)] == [7, 2, 5]
    assert s.__getitems__([2, 0]) == [5, 7]
    td = Subset(TensorDataset(ember.arange(10) * 10), [9, 1])
    got = td.__getitems__([1, 0])
    assert [int(g[0]) for g in got] == [10, 90]


def test_concat_dataset():
    c = ConcatDataset([Range(2), Range(0), Range(3, 10)])
    assert len(c) == 5 and c.cumulative_sizes == [2, 2, 5]
    assert [c[i] for i in range(5)] == [0, 1, 10, 11, 12]
    assert c[-1] == 12 and c[-5] == 0
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        c[-6]
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([CountIter(2)])


def test_chain_dataset_rejects_map_style():
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([CountIter(1), Range(2)]))


def test_random_split_lengths_and_fractions():
    ds = Range(10)
    parts = random_split(ds, [3, 7], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(ds, [3, 7], generator=ember.Generator().manual_seed(0))
    assert again[0].indices == parts[0].indices
    other = random_split(ds, [3, 7], generator=ember.Generator().manual_seed(1))
    assert other[0].indices != parts[0].indices
    # Fractions: floor(10 * 0.25) = 2 each, the remainder of 2 goes round-robin from the first split.
    fr = random_split(ds, [0.25, 0.25, 0.25, 0.25], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in fr] == [3, 3, 2, 2]
    fr2 = random_split(Range(11), [0.5, 0.5], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in fr2] == [6, 5]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(Range(2), [0.9, 0.05, 0.05])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset"):
        random_split(ds, [3, 8])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(ds, [1.5, -0.5])
    # The default generator: ember.manual_seed makes it reproducible.
    ember.manual_seed(5)
    a = random_split(ds, [5, 5])[0].indices
    ember.manual_seed(5)
    assert random_split(ds, [5, 5])[0].indices == a
