"""The worker process loop of a multi-process DataLoader (torch.utils.data._utils.worker's roles):
seeding, get_worker_info, fetching and collating into shared memory, exceptions carried back with
their traceback, and exit when the main process sends None or disappears."""
import os
import pickle
import queue
import random
import sys
import traceback

import ember

from . import collate as _collate
from . import shm as _shm
from .fetch import create_fetcher

# How often (seconds) a waiting worker checks that the main process is still there.
_PARENT_CHECK_INTERVAL = 1.0


class WorkerInfo:
    """Returned by get_worker_info() in a worker: id, num_workers, seed and dataset (this worker's copy)."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


_worker_info = None


def get_worker_info():
    """In a DataLoader worker process: its WorkerInfo (id, num_workers, seed, dataset); None in the
    main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception with its traceback as text, re-raised in the main process."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_name = exc_info[0].__name__
        try:  # the type travels by reference: one the main process cannot load becomes RuntimeError
            pickle.loads(pickle.dumps(self.exc_type))
        except Exception:
            self.exc_type = RuntimeError
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class KeyErrorMessage(str):
    """A str whose repr is itself, so that KeyError shows the traceback readably."""

    def __repr__(self):
        return self


class IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Sent to persistent workers at each new epoch; echoed back once the worker has restarted."""

    def __init__(self, epoch):
        self.epoch = epoch


def _numpy_seed(base_seed, worker_id):
    import numpy as np
    ss = np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0])
    return ss.generate_state(4)


def worker_loop(kind_iterable, dataset, index_queue, data_queue, auto_collation, collate_fn,
                drop_last, base_seed, init_fn, worker_id, num_workers, shm_prefix, parent_pid):
    global _worker_info
    parent_gone = False
    try:
        ember.set_num_threads(1)  # as PyTorch: no intra-op threads in workers (and no libgomp after fork)
        seed = base_seed + worker_id
        random.seed(seed)
        ember.manual_seed(seed)
        try:
            import numpy as np
            np.random.seed(_numpy_seed(base_seed, worker_id))
        except ImportError:  # pragma: no cover
            pass
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        arena = _shm.Arena(f"{shm_prefix}{worker_id}_")
        _collate._shm_arena = arena
        where = f"in DataLoader worker process {worker_id}"
        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(kind_iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        while True:
            try:
                r = index_queue.get(timeout=_PARENT_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent_pid:
                    parent_gone = True
                    break
                continue
            if r is None:
                break
            if isinstance(r, ResumeIteration):
                iteration_end = False
                if init_exception is None:
                    try:
                        fetcher = create_fetcher(kind_iterable, dataset, auto_collation, collate_fn, drop_last)
                    except Exception:
                        init_exception = ExceptionWrapper(where=where)
                data_queue.put((r, None))
                continue
            if iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = arena.pack(fetcher.fetch(index))
                except Exception as e:
                    arena.discard()
                    if isinstance(e, StopIteration) and kind_iterable:
                        data = IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=where)
            data_queue.put((idx, data))
            del data, r
    except KeyboardInterrupt:
        pass
    # Note [worker exit]: a worker that leaves normally flushes its results (the queue's feeder
    # thread is joined at exit; the main process drains the queue meanwhile). Cancelling that join
    # could end the process while its feeder holds the queue's shared write lock, and every other
    # worker would then block on it forever.
    if parent_gone:
        data_queue.cancel_join_thread()
    data_queue.close()
