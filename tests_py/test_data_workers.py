"""DataLoader with worker processes: batches equal to num_workers=0 (same seed, same batches), every
collated type through shared memory, zero-copy hand-over (only descriptors are pickled), seeding and
get_worker_info, worker_init_fn, iterable datasets, persistent workers, errors re-raised with the
worker's traceback, dead workers detected (marked crashes_workers: skipped by tools/run.sh sanitize),
timeout, and no leaked processes or /dev/shm segments however the loop ends."""
import collections
import gc
import glob
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info
from ember.utils.data._utils import shm

Point = collections.namedtuple("Point", ["x", "y"])


class NeedsArgs(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def segments():
    return glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*")


def assert_clean():
    gc.collect()
    deadline = time.monotonic() + 5
    while (multiprocessing.active_children() or segments()) and time.monotonic() < deadline:
        time.sleep(0.05)
        gc.collect()
    assert multiprocessing.active_children() == []
    assert segments() == []


@pytest.fixture(autouse=True)
def no_leaks():
    yield
    assert_clean()


class Mixed(Dataset):
    def __len__(self):
        return 11

    def __getitem__(self, i):
        return {"t": ember.full((2, 3), float(i)), "i": i, "f": i / 2, "b": i % 2 == 0, "s": f"s{i}",
                "np": np.arange(3, dtype=np.int16) + i, "p": Point(ember.tensor([i]), (i, b"x")),
                "bf": ember.full((2,), float(i), dtype=ember.bfloat16), "e": ember.zeros(0, 2)}


def same(a, b):
    if isinstance(a, ember.Tensor):
        assert isinstance(b, ember.Tensor) and a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
        assert a.to(ember.float64).tolist() == b.to(ember.float64).tolist()
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    else:
        assert a == b


def test_workers_equal_no_workers_with_the_same_seed():
    x = ember.randn(203, 5)
    ds = TensorDataset(x, ember.arange(203))

    def run(workers, **kw):
        g = ember.Generator().manual_seed(7)
        return [[t.clone() for t in b] for b in DataLoader(ds, batch_size=16, shuffle=True, generator=g,
                                                           num_workers=workers, **kw)]
    ref = run(0)
    for kw in ({}, {"prefetch_factor": 1}, {"prefetch_factor": 5}):
        got = run(2, **kw)
        assert len(got) == len(ref)
        for a, b in zip(ref, got):
            same(a, b)


def test_every_collated_type_through_shared_memory():
    ref = list(DataLoader(Mixed(), batch_size=4))
    got = list(DataLoader(Mixed(), batch_size=4, num_workers=2))
    same(ref, got)
    assert got[0]["p"].y[1] == (b"x", b"x", b"x", b"x")
    single = list(DataLoader(Mixed(), batch_size=None, num_workers=2))
    same(list(DataLoader(Mixed(), batch_size=None)), single)


def test_custom_collate_and_tensors_that_require_grad():
    def collate(samples):
        return {"sum": ember.stack(samples).sum(0), "n": len(samples), "leaf": ember.ones(2, requires_grad=True)}
    ds = TensorDataset(ember.arange(8.0))
    got = list(DataLoader(ds, batch_size=4, num_workers=2, collate_fn=lambda s: collate([t for (t,) in s])))
    assert [g["sum"].item() for g in got] == [6.0, 22.0] and got[0]["leaf"].requires_grad


def test_only_descriptors_are_pickled():
    arena = shm.Arena(shm.segment_prefix("test") + "0_")
    big = {"x": ember.randn(256, 1024), "y": [ember.arange(10), "label"]}
    packed = arena.pack(big)
    assert len(packed.payload) < 2000  # 1 MiB of tensors, a few hundred bytes of descriptors
    assert len(segments()) == 1
    out = packed.unpack()
    assert segments() == []  # unlinked as soon as mapped
    np.testing.assert_array_equal(out["x"].numpy(), big["x"].numpy())
    assert out["y"][1] == "label" and out["y"][0].tolist() == list(range(10))
    out["x"][0, 0] = 5.0  # the mapping is writable and outlives the unlinked file
    assert out["x"][0, 0].item() == 5.0


class Seeds(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return {"worker": info.id, "seed": info.seed, "n": info.num_workers, "is_self": info.dataset is not None,
                "ember": ember.rand(1).item(), "py": random.random(), "np": float(np.random.rand())}


def test_seeding_and_worker_info():
    assert get_worker_info() is None

    def run(seed):
        g = ember.Generator().manual_seed(seed)
        return list(DataLoader(Seeds(), batch_size=2, num_workers=2, generator=g))
    a, b, c = run(1), run(1), run(2)
    assert [x["ember"].tolist() for x in a] == [x["ember"].tolist() for x in b]
    assert [x["py"].tolist() for x in a] == [x["py"].tolist() for x in b]
    assert [x["np"].tolist() for x in a] == [x["np"].tolist() for x in b]
    assert [x["ember"].tolist() for x in a] != [x["ember"].tolist() for x in c]
    assert [x["worker"].tolist() for x in a] == [[0, 0], [1, 1], [0, 0], [1, 1]]
    seeds = [x["seed"][0].item() for x in a]
    assert seeds[1] == seeds[0] + 1 and seeds[2] == seeds[0]  # base_seed + worker id
    assert all(x["n"].tolist() == [2, 2] for x in a)
    # base_seed is the first draw from the loader's generator, as in PyTorch.
    expect = ember.empty((), dtype=ember.int64).random_(generator=ember.Generator().manual_seed(1)).item()
    assert seeds[0] == expect


def test_worker_init_fn_and_iterable_sharding():
    class Shard(IterableDataset):
        def __iter__(self):
            info = get_worker_info()
            return iter(range(info.id, 10, info.num_workers))
    got = [b.tolist() for b in DataLoader(Shard(), batch_size=3, num_workers=2)]
    assert got == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]

    class Whole(IterableDataset):
        def __iter__(self):
            return iter(range(3))
    # Without get_worker_info every worker yields the whole dataset (as PyTorch documents).
    assert sorted(int(v) for v in DataLoader(Whole(), batch_size=None, num_workers=2)) == [0, 0, 1, 1, 2, 2]

    class Tagged(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return os.environ.get("EMBER_TEST_WORKER_TAG", "")
    def init(worker_id):
        os.environ["EMBER_TEST_WORKER_TAG"] = f"w{worker_id}"
    got = list(DataLoader(Tagged(), batch_size=1, num_workers=2, worker_init_fn=init))
    assert got == [["w0"], ["w1"], ["w0"], ["w1"]]


def test_persistent_workers_and_early_breaks():
    ds = TensorDataset(ember.arange(20))
    loader = DataLoader(ds, batch_size=3, num_workers=2, persistent_workers=True)
    first = [b[0].tolist() for b in loader]
    pids = {p.pid for p in multiprocessing.active_children()}
    for _ in range(2):
        for i, _b in enumerate(loader):
            if i == 1:
                break
        assert [b[0].tolist() for b in loader] == first
    assert {p.pid for p in multiprocessing.active_children()} == pids  # the same processes throughout
    del loader, _b


@pytest.mark.parametrize("how", ["break", "exception", "del_iterator"])
def test_early_exit_leaves_nothing_behind(how):
    loader = DataLoader(TensorDataset(ember.randn(400, 64)), batch_size=4, num_workers=2, prefetch_factor=4)
    if how == "break":
        for i, _b in enumerate(loader):
            if i == 2:
                break
        del _b
    elif how == "exception":
        with pytest.raises(ZeroDivisionError):
            for _b in loader:
                1 / 0
    else:
        it = iter(loader)
        next(it)
        time.sleep(0.3)  # let the workers fill the queue with segments
        assert segments()
        del it
    assert_clean()


def test_worker_exception_is_reraised_with_its_traceback():
    class Bad(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            if i == 5:
                raise ValueError("bad sample 5")
            return i
    loader = DataLoader(Bad(), batch_size=2, num_workers=2)
    got = []
    with pytest.raises(ValueError) as e:
        for b in loader:
            got.append(b.tolist())
    msg = str(e.value)
    assert got == [[0, 1], [2, 3]]
    assert "Caught ValueError in DataLoader worker process 0." in msg
    assert "Original Traceback" in msg and "bad sample 5" in msg and "__getitem__" in msg
    del e

    class BadKey(Bad):
        def __getitem__(self, i):
            raise KeyError("k")
    with pytest.raises(KeyError, match="in DataLoader worker process 0"):
        list(DataLoader(BadKey(), num_workers=1))

    class BadArgs(Bad):
        def __getitem__(self, i):
            raise NeedsArgs(1, 2)
    with pytest.raises(RuntimeError, match="Caught NeedsArgs in DataLoader worker process 0"):
        list(DataLoader(BadArgs(), num_workers=1))

    class Local(Exception):  # cannot be pickled by reference: comes back as RuntimeError, named
        pass

    class BadLocal(Bad):
        def __getitem__(self, i):
            raise Local("local")
    with pytest.raises(RuntimeError, match="Caught Local in DataLoader worker process 0"):
        list(DataLoader(BadLocal(), num_workers=1))

    def bad_init(worker_id):
        raise OSError("init failed")
    with pytest.raises(OSError, match="init failed"):
        list(DataLoader(Bad(), num_workers=1, worker_init_fn=bad_init))


class Dies(Dataset):
    def __init__(self, how):
        self.how = how

    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 4:
            if self.how == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
            elif self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            else:
                os._exit(3)
        return i


@pytest.mark.crashes_workers
@pytest.mark.parametrize("how,message", [
    ("segv", r"DataLoader worker \(pid \d+\) is killed by signal: Segmentation fault"),
    ("kill", r"DataLoader worker \(pid \d+\) is killed by signal: Killed"),
    ("exit", r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly with exit code 3"),
])
def test_dead_worker_is_detected(how, message):
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=message):
        for _b in DataLoader(Dies(how), batch_size=2, num_workers=2):
            pass
    assert time.monotonic() - start < 10  # detected within ~0.1 s of the death, never a hang
    assert_clean()


def test_timeout():
    class Slow(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            time.sleep(5)
            return i
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.3 seconds"):
        list(DataLoader(Slow(), num_workers=1, timeout=0.3))
    assert time.monotonic() - start < 4
    assert_clean()


@pytest.mark.parametrize("ctx", ["spawn", "forkserver"])
def test_other_start_methods(ctx):
    ds = TensorDataset(ember.arange(10), ember.arange(10) * 2)
    got = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=4, num_workers=2, multiprocessing_context=ctx)]
    assert got == [[[0, 1, 2, 3], [0, 2, 4, 6]], [[4, 5, 6, 7], [8, 10, 12, 14]], [[8, 9], [16, 18]]]
