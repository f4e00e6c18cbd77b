"""ember.utils.data.DataLoader in one process: batching, ordering, shuffle reproducibility with a
generator, drop_last, samplers and batch samplers, batch_size=None, iterable-style datasets,
__getitems__, collate_fn, len(), and PyTorch's argument checks and messages."""
import multiprocessing

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset, RandomSampler,
                              SequentialSampler, Subset, TensorDataset, default_collate)


class Range(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


class Batched(Range):
    def __init__(self, n):
        super().__init__(n)
        self.calls = []

    def __getitems__(self, indices):
        self.calls.append(list(indices))
        return [i * 10 for i in indices]


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def flat(loader):
    return [int(v) for b in loader for v in (b.tolist() if isinstance(b, ember.Tensor) else [b])]


def test_batches_in_order():
    batches = list(DataLoader(Range(10), batch_size=4))
    assert [b.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(b.dtype == ember.int64 for b in batches)
    assert [b.tolist() for b in DataLoader(Range(10), batch_size=4, drop_last=True)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(Range(10), batch_size=4)) == 3 and len(DataLoader(Range(10), batch_size=4, drop_last=True)) == 2
    assert [b.tolist() for b in DataLoader(Range(3))] == [[0], [1], [2]]


def test_shuffle_is_reproducible_with_a_generator():
    def epoch(seed):
        return flat(DataLoader(Range(30), batch_size=7, shuffle=True, generator=ember.Generator().manual_seed(seed)))
    a = epoch(0)
    assert sorted(a) == list(range(30)) and a != list(range(30))
    assert epoch(0) == a and epoch(1) != a
    g = ember.Generator().manual_seed(0)
    loader = DataLoader(Range(30), batch_size=7, shuffle=True, generator=g)
    assert flat(loader) != flat(loader)  # each epoch continues the generator
    ember.manual_seed(2)
    b = flat(DataLoader(Range(30), batch_size=7, shuffle=True))
    ember.manual_seed(2)
    assert flat(DataLoader(Range(30), batch_size=7, shuffle=True)) == b


def test_tensor_dataset_batches_match_reference():
    x = ember.randn(50, 4)
    y = ember.arange(50)
    loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, generator=ember.Generator().manual_seed(1))
    seen = []
    for xb, yb in loader:
        assert xb.dtype == ember.float32 and yb.dtype == ember.int64
        np.testing.assert_array_equal(xb.numpy(), x.numpy()[yb.numpy()])
        seen += yb.tolist()
    assert sorted(seen) == list(range(50))
    sub = Subset(TensorDataset(x, y), [4, 2, 9])
    (xb, yb), = list(DataLoader(sub, batch_size=3))
    assert yb.tolist() == [4, 2, 9]
    # A custom collate_fn gets the list of samples, not the fast path.
    seen_lens = []
    def collate(samples):
        seen_lens.append(len(samples))
        assert isinstance(samples[0], tuple)
        return default_collate(samples)
    out = list(DataLoader(TensorDataset(x, y), batch_size=20, collate_fn=collate))
    assert seen_lens == [20, 20, 10] and out[2][1].tolist() == list(range(40, 50))


def test_getitems_is_used():
    ds = Batched(7)
    out = [b.tolist() for b in DataLoader(ds, batch_size=3)]
    assert out == [[0, 10, 20], [30, 40, 50], [60]]
    assert ds.calls == [[0, 1, 2], [3, 4, 5], [6]]


def test_samplers_and_batch_samplers():
    assert flat(DataLoader(Range(5), sampler=[4, 3, 0], batch_size=2)) == [4, 3, 0]
    bs = BatchSampler(SequentialSampler(range(5)), 2, False)
    assert [b.tolist() for b in DataLoader(Range(5), batch_sampler=bs)] == [[0, 1], [2, 3], [4]]
    assert len(DataLoader(Range(5), batch_sampler=bs)) == 3
    loader = DataLoader(Range(5), batch_size=None)
    assert list(loader) == [0, 1, 2, 3, 4] and len(loader) == 5
    rs = RandomSampler(range(5), generator=ember.Generator().manual_seed(0))
    assert sorted(flat(DataLoader(Range(5), sampler=rs, batch_size=2))) == [0, 1, 2, 3, 4]


def test_batch_size_none_converts_numpy():
    class Np(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return {"a": np.full(3, i, dtype=np.float32), "s": "x"}
    items = list(DataLoader(Np(), batch_size=None))
    assert isinstance(items[1]["a"], ember.Tensor) and items[1]["a"].tolist() == [1.0, 1.0, 1.0]


def test_iterable_dataset():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    assert len(DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2
    loader = DataLoader(Stream(5), batch_size=None)
    assert len(loader) == 5
    with pytest.warns(UserWarning, match="Length of IterableDataset"):
        class Liar(Stream):
            def __len__(self):
                return 2
        liar = DataLoader(Liar(4), batch_size=None)
        len(liar)
        list(liar)


def test_argument_errors():
    ds = Range(4)
    with pytest.raises(ValueError, match="num_workers option should be non-negative; use num_workers=0 to disable"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        DataLoader(ds, timeout=-1)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified in multiprocessing"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="prefetch_factor option should be non-negative"):
        DataLoader(ds, num_workers=1, prefetch_factor=-1)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    bs = BatchSampler(range(4), 2, False)
    for kw in ({"batch_size": 2}, {"shuffle": True}, {"sampler": [0]}, {"drop_last": True}):
        with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive with batch_size, "
                                             "shuffle, sampler, and drop_last"):
            DataLoader(ds, batch_sampler=bs, **kw)
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching and is mutually "
                                         "exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified shuffle option, "
                                         "but got shuffle=True"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])
    with pytest.raises(ValueError, match="expected unspecified batch_sampler option"):
        DataLoader(Stream(3), batch_sampler=bs)
    with pytest.raises(ValueError, match="multiprocessing_context can only be used with multi-process loading "
                                         r"\(num_workers > 0\), but got num_workers=0"):
        DataLoader(ds, multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="multiprocessing_context option should specify a valid start method"):
        DataLoader(ds, num_workers=1, multiprocessing_context="nope")
    with pytest.raises(TypeError, match="multiprocessing_context option should be a valid context object"):
        DataLoader(ds, num_workers=1, multiprocessing_context=3)
    loader = DataLoader(ds, num_workers=1, multiprocessing_context=multiprocessing.get_context("spawn"))
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    loader = DataLoader(ds, batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 3
    with pytest.raises(NotImplementedError, match="in_order=False is not implemented"):
        DataLoader(ds, in_order=False)


def test_pin_memory_is_a_noop_with_a_warning():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        out = list(DataLoader(Range(2), batch_size=2, pin_memory=True))
    assert out[0].tolist() == [0, 1]


def test_dataset_errors_propagate_unchanged():
    class Bad(Range):
        def __getitem__(self, i):
            raise KeyError("missing")
    with pytest.raises(KeyError, match="missing"):
        list(DataLoader(Bad(3)))
