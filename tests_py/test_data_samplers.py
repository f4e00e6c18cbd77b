"""ember.utils.data samplers: Sequential, Random (with and without replacement, num_samples, seeded
generators), SubsetRandom, WeightedRandom, BatchSampler and DistributedSampler, with distribution
checks over many seeded draws."""
import math

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DistributedSampler, RandomSampler, SequentialSampler,
                              SubsetRandomSampler, WeightedRandomSampler)


def gen(seed=0):
    return ember.Generator().manual_seed(seed)


def test_sequential():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5


def test_random_is_a_permutation_and_reproducible():
    data = range(50)
    a = list(RandomSampler(data, generator=gen(0)))
    assert sorted(a) == list(range(50)) and a != list(range(50))
    assert list(RandomSampler(data, generator=gen(0))) == a
    assert list(RandomSampler(data, generator=gen(1))) != a
    # Without a generator each epoch draws a new seed from the default generator.
    ember.manual_seed(3)
    s = RandomSampler(data)
    e1, e2 = list(s), list(s)
    assert e1 != e2
    ember.manual_seed(3)
    assert list(RandomSampler(data)) == e1


def test_random_num_samples_and_replacement():
    s = RandomSampler(range(4), num_samples=10, generator=gen(0))
    got = list(s)
    assert len(got) == 10 == len(s)
    assert sorted(got[:4]) == sorted(got[4:8]) == [0, 1, 2, 3]  # whole permutations, then a part
    r = RandomSampler(range(3), replacement=True, num_samples=100, generator=gen(0))
    got = list(r)
    assert len(got) == 100 and set(got) <= {0, 1, 2}
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler([])


def test_random_replacement_is_uniform():
    n, draws = 5, 20000
    got = np.array(list(RandomSampler(range(n), replacement=True, num_samples=draws, generator=gen(1))))
    counts = np.bincount(got, minlength=n)
    expected = draws / n
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 20.5  # 4 degrees of freedom: p < 0.0005


def test_random_permutation_positions_are_uniform():
    # Where index 0 lands over 3000 seeded permutations of 6.
    g = gen(2)
    pos = [list(RandomSampler(range(6), generator=g)).index(0) for _ in range(3000)]
    counts = np.bincount(pos, minlength=6)
    chi2 = ((counts - 500) ** 2 / 500).sum()
    assert chi2 < 22.5  # 5 degrees of freedom


def test_subset_random():
    idx = [10, 20, 30, 40]
    s = SubsetRandomSampler(idx, generator=gen(0))
    got = list(s)
    assert sorted(got) == idx and len(s) == 4
    assert list(SubsetRandomSampler(idx, generator=gen(0))) == got


def test_weighted_random_distribution():
    w = [0.1, 0.2, 0.7, 0.0]
    draws = 20000
    got = np.array(list(WeightedRandomSampler(w, draws, generator=gen(0))))
    counts = np.bincount(got, minlength=4)
    assert counts[3] == 0
    expected = np.array(w[:3]) * draws
    chi2 = ((counts[:3] - expected) ** 2 / expected).sum()
    assert chi2 < 15.2  # 2 degrees of freedom
    no_rep = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=gen(0)))
    assert sorted(no_rep) == [0, 1, 2, 3]
    assert list(WeightedRandomSampler(w, 50, generator=gen(3))) == list(WeightedRandomSampler(w, 50, generator=gen(3)))
    with pytest.raises(ValueError, match="weights should be a 1d sequence but given weights have shape \\(2, 2\\)"):
        WeightedRandomSampler([[1, 2], [3, 4]], 2)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=True"):
        WeightedRandomSampler(w, True)
    with pytest.raises(ValueError, match="replacement should be a boolean value, but got replacement=0"):
        WeightedRandomSampler(w, 3, replacement=0)


def test_batch_sampler():
    assert list(BatchSampler(range(10), 4, False)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(BatchSampler(range(10), 4, True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(BatchSampler(range(10), 4, False)) == 3 and len(BatchSampler(range(10), 4, True)) == 2
    assert list(BatchSampler(range(8), 4, True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert list(BatchSampler([], 3, False)) == []
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=True"):
        BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got drop_last=1"):
        BatchSampler(range(3), 2, 1)


@pytest.mark.parametrize("n,replicas", [(10, 3), (9, 3), (2, 4)])
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_distributed_sampler_shares(n, replicas, drop_last, shuffle):
    ds = list(range(n))
    shares = [list(DistributedSampler(ds, replicas, r, shuffle=shuffle, drop_last=drop_last)) for r in range(replicas)]
    sizes = {len(s) for s in shares}
    assert len(sizes) == 1
    per = sizes.pop()
    if drop_last and n % replicas:
        assert per == math.ceil((n - replicas) / replicas)
        flat = [i for s in shares for i in s]
        assert len(set(flat)) == len(flat)  # no duplicates when dropping
    else:
        assert per == math.ceil(n / replicas)
        assert set(i for s in shares for i in s) == set(ds)  # padding repeats, nothing is lost
    if not shuffle:
        assert shares[0][: min(per, 1)] == [0][: min(per, 1)]


def test_distributed_sampler_epochs_and_seed():
    ds = list(range(20))
    s = DistributedSampler(ds, num_replicas=2, rank=0, seed=4)
    e0 = list(s)
    assert list(s) == e0
    s.set_epoch(1)
    e1 = list(s)
    assert e1 != e0
    other = DistributedSampler(ds, num_replicas=2, rank=1, seed=4)
    other.set_epoch(1)
    assert sorted(e1 + list(other)) == ds
    assert len(s) == 10
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(ds, num_replicas=2, rank=2)
    with pytest.raises(RuntimeError, match="no default process group is initialized"):
        DistributedSampler(ds)
    with pytest.raises(RuntimeError, match="rank was not given"):
        DistributedSampler(ds, num_replicas=2)
