"""Datasets (torch.utils.data.dataset's API): map-style and iterable-style, tensors, stacking,
subsets, concatenation, chaining and random_split."""
import bisect
import itertools
import math
import warnings

import ember

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset",
    "Subset", "random_split",
]


class Dataset:
    """A map-style dataset: subclasses define __getitem__ (and usually __len__); an optional
    __getitems__(indices) fetches a whole batch at once and is used by the DataLoader when present."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """An iterable-style dataset: subclasses define __iter__. With num_workers > 0 every worker
    process iterates over its own copy of the whole dataset unless __iter__ splits the work with
    ember.utils.data.get_worker_info() (as in PyTorch)."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class _GatheredBatch(list):
    """The list of sample tuples that TensorDataset.__getitems__ returns; it also carries the batch
    already stacked (one index_select per tensor), which default_collate returns without stacking
    the samples again. See Note [TensorDataset fast path] in docs/data.md."""

    __slots__ = ("stacked",)


def _tensor_index(indices):
    import numpy as np
    return ember.from_numpy(np.asarray(indices, dtype=np.int64).reshape(-1))


class TensorDataset(Dataset):
    """Samples are tuples of the tensors' rows: dataset[i] == tuple(t[i] for t in tensors)."""

    def __init__(self, *tensors):
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __getitems__(self, indices):
        stacked = self._gather(indices)
        batch = _GatheredBatch(zip(*[s.unbind(0) for s in stacked])) if len(indices) else _GatheredBatch()
        batch.stacked = stacked
        return batch

    def _gather(self, indices, alloc=None):
        # The whole batch in one index_select per tensor; in a worker (alloc given) the rows are
        # gathered straight into shared memory.
        idx = _tensor_index(indices)
        if alloc is None:
            return [t.index_select(0, idx) for t in self.tensors]
        return alloc.gather(self.tensors, idx)

    def __len__(self):
        return self.tensors[0].size(0)


def _fast_gather(dataset):
    """dataset's batched gather when the DataLoader may bypass per-sample fetching (an unmodified
    TensorDataset, or a Subset of one, whose tensors do not require grad), else None."""
    if type(dataset) is TensorDataset:
        if any(t.requires_grad for t in dataset.tensors):
            return None
        return dataset._gather
    if type(dataset) is Subset:
        inner = _fast_gather(dataset.dataset)
        if inner is not None:
            return lambda idx, alloc=None: inner([dataset.indices[i] for i in idx], alloc)
    return None


class StackDataset(Dataset):
    """Samples assembled from several datasets of one length: StackDataset(a, b)[i] == (a[i], b[i]),
    StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}."""

    def __init__(self, *args, **kwargs):
        if args:
            if kwargs:
                raise ValueError(
                    "Supported either ``tuple``- (via ``args``) or"
                    "``dict``- (via ``kwargs``) like input/output, but both types are given.")
            self._length = len(args[0])
            if any(self._length != len(dataset) for dataset in args):
                raise ValueError("Size mismatch between datasets")
            self.datasets = args
        elif kwargs:
            tmp = list(kwargs.values())
            self._length = len(tmp[0])
            if any(self._length != len(dataset) for dataset in tmp):
                raise ValueError("Size mismatch between datasets")
            self.datasets = kwargs
        else:
            raise ValueError("At least one dataset should be passed")

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: dataset[index] for k, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __getitems__(self, indices):
        n = len(indices)
        if isinstance(self.datasets, dict):
            batch = [{} for _ in indices]
            for k, dataset in self.datasets.items():
                items = _fetch_many(dataset, indices)
                if len(items) != n:
                    raise ValueError(
                        "Nested dataset's output size mismatch." f" Expected {n}, got {len(items)}")
                for data, d_sample in zip(items, batch):
                    d_sample[k] = data
            return batch
        batch = [[] for _ in indices]
        for dataset in self.datasets:
            items = _fetch_many(dataset, indices)
            if len(items) != n:
                raise ValueError("Nested dataset's output size mismatch." f" Expected {n}, got {len(items)}")
            for data, t_sample in zip(items, batch):
                t_sample.append(data)
        return [tuple(sample) for sample in batch]

    def __len__(self):
        return self._length


def _fetch_many(dataset, indices):
    getitems = getattr(dataset, "__getitems__", None)
    if getitems:
        return getitems(indices)
    return [dataset[i] for i in indices]


class ConcatDataset(Dataset):
    """The concatenation of map-style datasets."""

    @staticmethod
    def cumsum(sequence):
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """The chaining of iterable-style datasets, one after the other."""

    def __init__(self, datasets):
        super().__init__()
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of dataset at the given indices."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        mapped = [self.indices[idx] for idx in indices]
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__(mapped)
        return [self.dataset[i] for i in mapped]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Splits dataset into non-overlapping Subsets of the given lengths, or of the given fractions
    of len(dataset) (summing to 1; the remainder of flooring goes round-robin to the first subsets,
    as in PyTorch). The permutation comes from generator (default: ember's default generator)."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(int(math.floor(len(dataset) * frac)))
        remainder = len(dataset) - sum(subset_lengths)
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    kwargs = {} if generator is None else {"generator": generator}
    indices = ember.randperm(sum(lengths), **kwargs).tolist()
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
