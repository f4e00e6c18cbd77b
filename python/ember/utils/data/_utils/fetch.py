"""Fetchers: turn one index (or list of indices) from the sampler into one collated batch."""
from . import collate as _collate


class IterableFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        from ..dataset import _fast_gather
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        # Note [TensorDataset fast path]: with the default collate_fn, a batch of an unmodified
        # TensorDataset (or a Subset of one) is one index_select per tensor, not len(batch)
        # samples stacked; the result equals default_collate's.
        self.gather = _fast_gather(dataset) if auto_collation and collate_fn is _collate.default_collate else None
        getitems = getattr(dataset, "__getitems__", None)
        self.getitems = getitems if callable(getitems) else None

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            if self.gather is not None and len(possibly_batched_index):
                return self.gather(possibly_batched_index, _collate._shm_arena)
            if self.getitems is not None:
                data = self.getitems(possibly_batched_index)
            else:
                data = [self.dataset[idx] for idx in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


def create_fetcher(kind_iterable, dataset, auto_collation, collate_fn, drop_last):
    cls = IterableFetcher if kind_iterable else MapFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)
