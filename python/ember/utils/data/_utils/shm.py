"""Shared memory for batches from worker processes (Note [DataLoader shared memory] in docs/data.md).

A worker writes a batch's tensors into files under /dev/shm that it creates and maps (an Arena);
only small descriptors travel through the result queue: pickle with persistent ids, where each
tensor is (segment, offset, dtype, shape, requires_grad). The main process maps each segment,
unlinks it at once (so nothing is left behind even if a process dies later; the mapping stays
valid) and wraps it as tensors without a copy: from_numpy over the mapping, so the tensors keep the
mapping alive. No multiprocessing.shared_memory, hence no resource_tracker."""
import glob
import io
import mmap
import os
import pickle
import tempfile

import ember

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

SHM_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
_ALIGN = 64
_PREFIX = "ember_dl_"


def segment_prefix(token):
    """The path prefix of every segment of one DataLoader iterator of this process."""
    return os.path.join(SHM_DIR, f"{_PREFIX}{os.getpid()}_{token}_")


def unlink_leftovers(prefix):
    """Removes the segments a dead or stopped worker created but never handed over."""
    for path in glob.glob(glob.escape(prefix) + "*"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _nbytes(shape, dtype):
    n = 1
    for s in shape:
        n *= s
    return n * ember.empty((), dtype=dtype).element_size()


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def _wrap(mm, offset, nbytes, dtype, shape):
    """A tensor over nbytes of the mapping mm at offset (zero copy; keeps mm alive)."""
    raw = np.frombuffer(mm, dtype=np.uint8, count=nbytes, offset=offset)
    return ember.from_numpy(raw).view(dtype).reshape(shape)


class Arena:
    """A worker's shared-memory allocations for one batch."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.counter = 0
        self.reset()

    def reset(self):
        self.owned = {}      # id(tensor) -> (tensor, path, offset)
        self.paths = []

    def _segment(self, size):
        path = f"{self.prefix}{self.counter}"
        self.counter += 1
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            self.paths.append(path)
            os.ftruncate(fd, size)
            mm = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        return path, mm

    def alloc_many(self, specs):
        """Empty tensors of the given (shape, dtype) in one new segment."""
        offsets, total = [], 0
        for shape, dtype in specs:
            offsets.append(total)
            total += (_nbytes(shape, dtype) + _ALIGN - 1) // _ALIGN * _ALIGN
        if total == 0:
            return [ember.empty(shape, dtype=dtype) for shape, dtype in specs]
        path, mm = self._segment(total)
        out = []
        for (shape, dtype), off in zip(specs, offsets):
            t = _wrap(mm, off, _nbytes(shape, dtype), dtype, shape)
            self.owned[id(t)] = (t, path, off)
            out.append(t)
        return out

    def stack(self, batch):
        """ember.stack(batch) written straight into shared memory."""
        elem = batch[0]
        shape = (len(batch),) + tuple(elem.shape)
        if any(t.requires_grad for t in batch) or any(tuple(t.shape) != shape[1:] for t in batch):
            return ember.stack(batch, 0)  # keeps the graph / raises ember.stack's own error
        (out,) = self.alloc_many([(shape, elem.dtype)])
        try:
            np.stack([t.numpy() for t in batch], out=out.numpy())
        except (TypeError, RuntimeError, ValueError):  # a dtype numpy lacks (bfloat16), mixed dtypes
            out.copy_(ember.stack(batch, 0))
        return out

    def gather(self, tensors, index):
        """[t.index_select(0, index) for t in tensors], written straight into shared memory."""
        n = index.shape[0]
        outs = self.alloc_many([((n,) + tuple(t.shape[1:]), t.dtype) for t in tensors])
        idx = index.numpy()
        for t, out in zip(tensors, outs):
            try:
                np.take(t.numpy(), idx, axis=0, out=out.numpy())
            except (TypeError, RuntimeError, ValueError, IndexError):
                out.copy_(t.index_select(0, index))
        return outs

    def pack(self, data):
        """data pickled with every tensor replaced by a shared-memory descriptor. Tensors that are
        not already in this batch's segments (made by a custom collate_fn, or batch_size=None) are
        copied into one more segment; segments nothing refers to are removed here."""
        used, extra = set(), []
        extra_size = [0]

        def persistent_id(obj):
            if not isinstance(obj, ember.Tensor):
                return None
            if obj.device.type != "cpu":
                raise RuntimeError(f"DataLoader worker: cannot send a tensor on {obj.device} "
                                   "through shared memory (only CPU tensors)")
            if obj.requires_grad and obj.grad_fn is not None:
                raise RuntimeError("DataLoader worker: cannot send a non-leaf tensor that requires grad "
                                   "to the main process (detach it in the dataset or collate_fn)")
            entry = self.owned.get(id(obj))
            if entry is not None and entry[0] is obj:
                used.add(entry[1])
                return ("shm", entry[1], entry[2], _dtype_name(obj.dtype), tuple(obj.shape), obj.requires_grad)
            off = extra_size[0]
            nbytes = _nbytes(obj.shape, obj.dtype)
            extra.append((obj, off, nbytes))
            extra_size[0] += (nbytes + _ALIGN - 1) // _ALIGN * _ALIGN
            return ("extra", None, off, _dtype_name(obj.dtype), tuple(obj.shape), obj.requires_grad)

        buf = io.BytesIO()
        p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        p.persistent_id = persistent_id
        try:
            p.dump(data)
            extra_path = None
            if extra_size[0]:
                extra_path, mm = self._segment(extra_size[0])
                used.add(extra_path)
                for t, off, nbytes in extra:
                    if nbytes:
                        _wrap(mm, off, nbytes, t.dtype, tuple(t.shape)).copy_(t.detach())
                del mm
        finally:
            for path in self.paths:
                if path not in used:
                    os.unlink(path)
        paths = [path for path in self.paths if path in used]
        self.reset()
        return Packed(buf.getvalue(), extra_path, paths)

    def discard(self):
        """Removes this batch's segments (the fetch failed)."""
        for path in self.paths:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        self.reset()


class Packed:
    """A batch in shared memory: the pickled structure and the segments its descriptors name."""

    def __init__(self, payload, extra_path, paths):
        self.payload = payload
        self.extra_path = extra_path
        self.paths = paths

    def discard(self):
        """Unlinks the segments without mapping them (a result the main process drops)."""
        for path in self.paths:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def unpack(self):
        """The batch, its tensors mapped from shared memory; every segment is unlinked at once."""
        maps = {}
        try:
            for path in self.paths:
                try:
                    fd = os.open(path, os.O_RDWR)
                except FileNotFoundError:
                    continue  # an unused segment the worker already removed
                try:
                    size = os.fstat(fd).st_size
                    maps[path] = mmap.mmap(fd, size) if size else None
                finally:
                    os.close(fd)
        finally:
            self.discard()

        def persistent_load(pid):
            kind, path, off, dtype, shape, requires_grad = pid
            dtype = getattr(ember, dtype)
            mm = maps[self.extra_path if kind == "extra" else path]
            nbytes = _nbytes(shape, dtype)
            t = _wrap(mm, off, nbytes, dtype, shape) if nbytes else ember.empty(shape, dtype=dtype)
            if requires_grad:
                t.requires_grad_(True)
            return t

        up = pickle.Unpickler(io.BytesIO(self.payload))
        up.persistent_load = persistent_load
        return up.load()
