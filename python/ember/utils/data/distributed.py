"""DistributedSampler (torch.utils.data.distributed's API): each of num_replicas processes reads
its own share of the dataset, the same permutation everywhere for a given seed and epoch."""
import math

import ember

from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _default_group_value(what):
    # ember.distributed supplies these from the default process group once it exists.
    dist = None
    try:
        import ember.distributed as dist  # noqa: F811
    except ImportError:
        dist = None
    if dist is not None and getattr(dist, "is_available", lambda: False)() and dist.is_initialized():
        return dist.get_world_size() if what == "num_replicas" else dist.get_rank()
    raise RuntimeError(
        f"DistributedSampler: {what} was not given and no default process group is initialized "
        "(pass num_replicas and rank, or initialize ember.distributed first)")


class DistributedSampler(Sampler):
    """Restricts loading to rank's share of the indices. Without drop_last the indices are padded by
    repeating the first ones so that every rank gets the same number of samples; with shuffle the
    permutation is seeded with seed + epoch (call set_epoch at each epoch)."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None:
            num_replicas = _default_group_value("num_replicas")
        if rank is None:
            rank = _default_group_value("rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        if self.shuffle:
            g = ember.Generator().manual_seed(self.seed + self.epoch)
            indices = ember.randperm(len(self.dataset), generator=g).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Sets the epoch that seeds the shuffle (seed + epoch): call it before each epoch."""
        self.epoch = epoch
