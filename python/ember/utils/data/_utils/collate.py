"""default_collate and default_convert (torch.utils.data._utils.collate's behaviour): a list of
samples becomes one batch of the same structure, with tensors, numpy arrays and numbers stacked
into tensors along a new first dim."""
import collections.abc
import copy
import re

import ember

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")

# Set in a worker process (by _utils.worker) to a shared-memory arena: collate_tensor_fn then stacks
# straight into shared memory, and the main process maps the result without a copy.
_shm_arena = None


def _is_numpy(elem):
    return np is not None and type(elem).__module__ == "numpy" and not isinstance(elem, (np.str_, np.bytes_))


def default_convert(data):
    """Converts numpy arrays and numpy scalars inside data to tensors, keeping the structure
    (the collate_fn of a DataLoader without automatic batching)."""
    elem_type = type(data)
    if isinstance(data, ember.Tensor):
        return data
    if _is_numpy(data):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return ember.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # backwards compatibility, as PyTorch
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate_tensor_fn(batch):
    """Stacks equal-shaped tensors along a new dim 0 (into shared memory inside a worker)."""
    if _shm_arena is not None:
        return _shm_arena.stack(batch)
    return ember.stack(batch, 0)


def _collate_numpy_array(batch):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate_tensor_fn([ember.as_tensor(np.ascontiguousarray(b)) for b in batch])


def collate(batch):
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, ember.Tensor):
        return collate_tensor_fn(batch)
    if _is_numpy(elem):
        if isinstance(elem, np.ndarray):
            return _collate_numpy_array(batch)
        if elem.shape == ():  # numpy scalar
            return ember.as_tensor(np.array(batch))
    if isinstance(elem, float):
        return ember.tensor(batch, dtype=ember.float64)
    if isinstance(elem, int):  # also bool: a bool tensor (ember.tensor infers it)
        return ember.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch]) for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples) for samples in transposed]  # backwards compatibility, as PyTorch
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples)
                return clone
            return elem_type([collate(samples) for samples in transposed])
        except TypeError:
            return [collate(samples) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def default_collate(batch):
    """Collates a list of samples into a batch as PyTorch's default_collate: tensors and numpy arrays
    are stacked (numpy becomes tensors), Python floats become a float64 tensor, ints an int64 tensor,
    bools a bool tensor, numpy scalars a tensor of their dtype; strings and bytes stay a list; dicts,
    namedtuples, lists and tuples (which become lists) are collated field by field."""
    from ..dataset import _GatheredBatch
    if type(batch) is _GatheredBatch and len(batch) and len(batch[0]) == len(batch.stacked):
        # TensorDataset.__getitems__ has stacked the batch already (Note [TensorDataset fast path]).
        return list(batch.stacked)
    return collate(batch)
