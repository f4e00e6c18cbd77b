"""DataLoader (torch.utils.data.DataLoader's API and semantics): batches from a dataset, in one
process or with worker processes that hand batches back through shared memory."""
import itertools
import math
import multiprocessing as python_multiprocessing
import os
import queue
import signal
import time
import warnings
import weakref

import ember

from ._utils import collate as _collate
from ._utils import shm as _shm
from ._utils import worker as _worker
from ._utils.fetch import create_fetcher
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

default_collate = _collate.default_collate
default_convert = _collate.default_convert
get_worker_info = _worker.get_worker_info

# How often (seconds) the main process, waiting for a batch, checks that every worker is alive.
_STATUS_CHECK_INTERVAL = 0.1
# How long (seconds) stopping workers may finish their current batch before SIGTERM.
_SHUTDOWN_GRACE = 1.0


class _InfiniteConstantSampler(Sampler):
    """The sampler of an iterable-style dataset: None forever (the dataset decides what comes)."""

    def __iter__(self):
        while True:
            yield None


def _draw_base_seed(generator):
    kwargs = {} if generator is None else {"generator": generator}
    return int(ember.empty((), dtype=ember.int64).random_(**kwargs).item())


class DataLoader:
    """Combines a dataset and a sampler and iterates over batches (see docs/data.md)."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if not in_order:
            raise NotImplementedError("DataLoader: in_order=False is not implemented in ember "
                                      "(batches always come in sampler order)")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind_iterable = True
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            self._dataset_kind_iterable = False
            shuffle = bool(shuffle)

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive "
                                 "with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching "
                                 "and is mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None
        self._IterableDataset_len_called = None
        self.__initialized = True

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid_start_methods = python_multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid_start_methods:
                        raise ValueError(
                            "multiprocessing_context option "
                            f"should specify a valid start method in {valid_start_methods!r}, but got "
                            f"multiprocessing_context={multiprocessing_context!r}")
                    multiprocessing_context = python_multiprocessing.get_context(multiprocessing_context)
                if not isinstance(multiprocessing_context, python_multiprocessing.context.BaseContext):
                    raise TypeError(
                        "multiprocessing_context option should be a valid context "
                        "object or a string specifying the start method, but got "
                        f"multiprocessing_context={multiprocessing_context}")
            else:
                raise ValueError(
                    "multiprocessing_context can only be used with "
                    "multi-process loading (num_workers > 0), but got "
                    f"num_workers={self.num_workers}")
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                           "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self):
        if self._dataset_kind_iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._kind_iterable = loader._dataset_kind_iterable
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch_factor = loader.prefetch_factor
        self._pin_memory = loader.pin_memory
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.")
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _draw_base_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        if self._sampler_iter is None:
            self._reset(None)  # pragma: no cover
        data = self._next_data()
        self._num_yielded += 1
        if (self._kind_iterable and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            warn_msg = (f"Length of IterableDataset {self._dataset} was reported to be "
                        f"{self._IterableDataset_len_called} (when accessing len(dataloader)), but "
                        f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                warn_msg += ("For multiprocessing data-loading, this could be caused by not properly "
                             "configuring the IterableDataset replica at each worker (see "
                             "ember.utils.data.get_worker_info).")
            warnings.warn(warn_msg)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = create_fetcher(self._kind_iterable, self._dataset, self._auto_collation,
                                       self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()  # may raise StopIteration
        return self._fetcher.fetch(index)  # may raise StopIteration


class _WorkerPool:
    """What shutting the workers down needs, apart from the iterator, so that weakref.finalize can
    stop them when the iterator is collected (a loop left early) or at interpreter exit."""

    def __init__(self, workers, index_queues, result_queue, shm_prefix):
        self.workers = workers
        self.index_queues = index_queues
        self.result_queue = result_queue
        self.shm_prefix = shm_prefix
        self.owner_pid = os.getpid()
        self.done = False

    def shutdown(self):
        """Stops the workers (asking first, then SIGTERM, then SIGKILL), then removes every segment
        they left: in the result queue, or created but never sent. Idempotent."""
        if self.done or os.getpid() != self.owner_pid:
            return  # done already, or a forked child's copy (a worker of a later loader)
        self.done = True
        try:
            for q in self.index_queues:
                try:
                    q.put(None)
                except (OSError, ValueError):
                    pass
            deadline = time.monotonic() + _SHUTDOWN_GRACE
            for w in self.workers:
                while w.is_alive() and time.monotonic() < deadline:
                    self.drain(0.01)
                    w.join(timeout=0.01)
            for w in self.workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=1.0)
                if w.is_alive():
                    w.kill()
                    w.join()
            self.drain(0.0)
        finally:
            for q in self.index_queues + [self.result_queue]:
                q.cancel_join_thread()
                q.close()
            for w in self.workers:
                try:
                    w.close()
                except ValueError:  # pragma: no cover  (still running: cannot happen after kill)
                    pass
            _shm.unlink_leftovers(self.shm_prefix)

    def drain(self, wait):
        while True:
            try:
                _, data = self.result_queue.get(timeout=wait) if wait else self.result_queue.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                return
            if isinstance(data, _shm.Packed):
                data.discard()


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Worker processes, one index queue each and one shared result queue; batches come back in
    sampler order, at most prefetch_factor per worker in flight (Note [DataLoader workers] in
    docs/data.md)."""

    def __init__(self, loader):
        super().__init__(loader)
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = python_multiprocessing.get_context("fork" if os.name == "posix" else None)
        self._worker_init_fn = loader.worker_init_fn
        self._shm_prefix = _shm.segment_prefix(os.urandom(6).hex())
        self._worker_result_queue = ctx.Queue()
        self._index_queues = []
        self._workers = []
        self._epoch = 0
        self._pool = _WorkerPool(self._workers, self._index_queues, self._worker_result_queue,
                                 self._shm_prefix)
        weakref.finalize(self, self._pool.shutdown)
        try:
            for i in range(self._num_workers):
                index_queue = ctx.Queue()
                index_queue.cancel_join_thread()
                w = ctx.Process(
                    target=_worker.worker_loop,
                    args=(self._kind_iterable, self._dataset, index_queue, self._worker_result_queue,
                          self._auto_collation, self._collate_fn, self._drop_last, self._base_seed,
                          self._worker_init_fn, i, self._num_workers, self._shm_prefix, os.getpid()))
                w.daemon = True
                self._index_queues.append(index_queue)
                self._workers.append(w)
                w.start()
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: restart every worker's fetcher, dropping what an earlier epoch
            # left in flight (each worker's results arrive in order, so its echo comes last).
            self._epoch += 1
            for q in self._index_queues:
                q.put(_worker.ResumeIteration(self._epoch))
            remaining = self._num_workers
            while remaining > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _worker.ResumeIteration) and idx.epoch == self._epoch:
                    remaining -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                break
        else:
            return  # every worker is done
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _check_workers(self):
        for worker_id, w in enumerate(self._workers):
            if self._workers_status[worker_id] and not w.is_alive():
                code = w.exitcode
                pid = w.pid
                self._shutdown_workers()
                if code is not None and code < 0:
                    try:
                        name = signal.strsignal(-code) or f"signal {-code}"
                    except (ValueError, AttributeError):
                        name = f"signal {-code}"
                    raise RuntimeError(f"DataLoader worker (pid {pid}) is killed by signal: {name}. ")
                raise RuntimeError(f"DataLoader worker (pid(s) {pid}) exited unexpectedly"
                                   + (f" with exit code {code}" if code is not None else ""))

    def _get_data(self):
        """The next (idx, data) from the result queue, its tensors mapped from shared memory; raises
        RuntimeError when a worker has died or timeout seconds have passed."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.0))
            try:
                idx, data = self._worker_result_queue.get(timeout=wait)
            except queue.Empty:
                self._check_workers()
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                continue
            if isinstance(data, _shm.Packed):
                data = data.unpack()
            return idx, data

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                worker_id = info[0]
                if len(info) == 2 or self._workers_status[worker_id]:
                    break
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                return self._process_data(data)

            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(idx, _worker.ResumeIteration):
                continue  # pragma: no cover  (an echo of an earlier reset)
            if self._kind_iterable and isinstance(data, _worker.IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
            else:
                del self._task_info[idx]
                return self._process_data(data)

    def _process_data(self, data):
        self._rcvd_idx += 1
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id):
        self._workers_status[worker_id] = False
        self._index_queues[worker_id].put(None)

    def _shutdown_workers(self):
        self._pool.shutdown()
        self._task_info = {}

