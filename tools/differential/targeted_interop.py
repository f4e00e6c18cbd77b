"""numpy interop (odd arrays), DLPack edge cases, copy / deepcopy / pickle of views."""
from __future__ import annotations

import copy
import pickle

import numpy as np

from targeted import check


# ------------------------------------------------------------------------------ numpy
@check("numpy")
def from_numpy_big_endian(L): return L.from_numpy(np.arange(4, dtype=">f4"))
@check("numpy")
def tensor_big_endian(L): return L.tensor(np.arange(4, dtype=">i8"))
@check("numpy")
def from_numpy_readonly(L):
    a = np.arange(4.0)
    a.setflags(write=False)
    return L.from_numpy(a)
@check("numpy")
def from_numpy_unaligned(L):
    buf = np.zeros(17, dtype=np.uint8)
    a = np.frombuffer(buf.data, dtype=np.float32, count=4, offset=1)
    return L.from_numpy(a)
@check("numpy")
def tensor_unaligned(L):
    buf = np.arange(17, dtype=np.uint8)
    return L.tensor(np.frombuffer(buf.data, dtype=np.int32, count=4, offset=1))
@check("numpy")
def from_numpy_negative_strides(L): return L.from_numpy(np.arange(4.0)[::-1])
@check("numpy")
def from_numpy_transposed(L): return L.from_numpy(np.arange(6.0).reshape(2, 3).T)
@check("numpy")
def from_numpy_zero_strides(L): return L.from_numpy(np.broadcast_to(np.arange(3.0), (2, 3)))
@check("numpy")
def from_numpy_uint16(L): return L.from_numpy(np.arange(3, dtype=np.uint16))
@check("numpy")
def from_numpy_uint32(L): return L.from_numpy(np.arange(3, dtype=np.uint32))
@check("numpy")
def from_numpy_uint64(L): return L.from_numpy(np.arange(3, dtype=np.uint64))
@check("numpy")
def from_numpy_object(L): return L.from_numpy(np.array([1, "a"], dtype=object))
@check("numpy")
def from_numpy_complex(L): return L.from_numpy(np.ones(2, dtype=np.complex64)).shape
@check("numpy")
def from_numpy_0d(L): return L.from_numpy(np.array(2.5, dtype=np.float16))
@check("numpy")
def from_numpy_empty_2d(L): return L.from_numpy(np.zeros((0, 3), dtype=np.int16))
@check("numpy")
def from_numpy_shares(L):
    a = np.zeros(3)
    t = L.from_numpy(a)
    a[0] = 5
    return t
@check("numpy")
def from_numpy_scalar(L): return L.from_numpy(np.float64(1.0))
@check("numpy")
def from_numpy_list(L): return L.from_numpy([1, 2])
@check("numpy")
def numpy_requires_grad(L): return L.ones(2, requires_grad=True).numpy()
@check("numpy")
def numpy_force(L): return L.from_numpy(L.ones(2, requires_grad=True).numpy(force=True).copy())
@check("numpy")
def asarray_requires_grad(L): return np.asarray(L.ones(2, requires_grad=True)).shape
@check("numpy")
def numpy_bfloat16(L): return L.ones(2, dtype=L.bfloat16).numpy().shape
@check("numpy")
def numpy_shares(L):
    t = L.zeros(3)
    t.numpy()[1] = 7
    return t
@check("numpy")
def numpy_view_strides(L): return list(L.arange(12.0).reshape(3, 4)[:, ::2].numpy().strides)
@check("numpy")
def asarray_dtype(L): return str(np.asarray(L.ones(2, dtype=L.int16)).dtype)
@check("numpy")
def tensor_np_scalar(L): return L.tensor(np.float32(2.5))
@check("numpy")
def tensor_np_0d_int16(L): return L.tensor(np.array(3, dtype=np.int16))
@check("numpy")
def tensor_list_np_scalars(L): return L.tensor([np.float32(1), np.float32(2)])
@check("numpy")
def tensor_bool_scalar(L): return L.tensor(True)
@check("numpy")
def tensor_empty_list(L): return L.tensor([])
@check("numpy")
def tensor_ragged(L): return L.tensor([[1], [2, 3]])
@check("numpy")
def tensor_mixed(L): return L.tensor([1, 2.5])
@check("numpy")
def tensor_int_bool(L): return L.tensor([1, True])
@check("numpy")
def tensor_nested_tensors(L): return L.tensor([L.tensor(1.0), L.tensor(2.0)])
@check("numpy")
def tensor_of_tensor_list_2d(L): return L.tensor([L.ones(2), L.ones(2)])
@check("numpy")
def as_tensor_np(L): return L.as_tensor(np.arange(3))
@check("numpy")
def tensor_from_numpy_f16_list(L): return L.tensor([np.float16(1.5)])
@check("numpy")
def ufunc_add(L): return np.add(L.ones(2), 1)
@check("numpy")
def array_func_sum(L): return float(np.sum(L.ones(3)))
@check("numpy")
def tensor_plus_ndarray(L): return L.ones(2) + np.ones(2)
@check("numpy")
def tensor_iadd_ndarray(L):
    t = L.ones(2)
    t += np.ones(2)
    return t
@check("numpy")
def index_with_ndarray(L): return L.arange(4.0)[np.array([0, 2])]
@check("numpy")
def index_with_np_int(L): return L.arange(4.0)[np.int64(2)]
@check("numpy")
def size_np_int(L): return L.zeros(np.int64(2), np.int32(3)).shape


# ------------------------------------------------------------------------------ DLPack
@check("dlpack")
def from_dlpack_numpy(L): return L.from_dlpack(np.arange(4.0))
@check("dlpack")
def from_dlpack_numpy_readonly(L):
    a = np.arange(4.0)
    a.setflags(write=False)
    return L.from_dlpack(a)
@check("dlpack")
def numpy_from_dlpack(L): return L.from_numpy(np.from_dlpack(L.arange(4.0)).copy())
@check("dlpack")
def numpy_from_dlpack_shares(L):
    t = L.zeros(3)
    np.from_dlpack(t)[0] = 4
    return t
@check("dlpack")
def roundtrip_shares(L):
    t = L.zeros(3)
    u = L.from_dlpack(t)
    u[1] = 2
    return t
@check("dlpack")
def view_roundtrip(L):
    t = L.arange(12.0).reshape(3, 4)[:, 1::2]
    return L.from_dlpack(t)
@check("dlpack")
def transposed_roundtrip(L): return L.from_dlpack(L.arange(6.0).reshape(2, 3).t())
@check("dlpack")
def capsule_twice(L):
    cap = L.ones(2).__dlpack__()
    L.from_dlpack(cap)
    return L.from_dlpack(cap)
@check("dlpack")
def dlpack_device(L): return tuple(int(x) for x in L.ones(2).__dlpack_device__())
@check("dlpack")
def dlpack_0d(L): return L.from_dlpack(L.tensor(3.5))
@check("dlpack")
def dlpack_empty(L): return L.from_dlpack(L.ones(0, 3))
@check("dlpack")
def dlpack_bool(L): return L.from_dlpack(L.tensor([True, False]))
@check("dlpack")
def dlpack_bfloat16(L): return L.from_dlpack(L.ones(2, dtype=L.bfloat16))
@check("dlpack")
def dlpack_requires_grad(L): return L.from_dlpack(L.ones(2, requires_grad=True))
@check("dlpack")
def dlpack_versioned(L): return L.from_dlpack(L.ones(2).__dlpack__(max_version=(1, 0)).__class__.__name__ and L.ones(2))
@check("dlpack")
def dlpack_stream_arg(L): return L.from_dlpack(L.ones(2).__dlpack__(stream=None).__class__ and L.ones(2))
@check("dlpack")
def dlpack_numpy_bfloat16(L): return np.from_dlpack(L.ones(2, dtype=L.bfloat16)).shape
@check("dlpack")
def dlpack_from_non_dlpack(L): return L.from_dlpack([1, 2])
@check("dlpack")
def dlpack_expanded(L): return L.from_dlpack(L.ones(3, 1).expand(3, 4))
@check("dlpack")
def dlpack_negative_view_numpy(L): return L.from_dlpack(np.arange(4.0)[::-1])
@check("dlpack")
def dlpack_version_counter(L):
    t = L.zeros(3)
    u = L.from_dlpack(t)
    u.add_(1)
    return t._version >= 0 and t


# ------------------------------------------------------------------------------ copy / deepcopy / pickle
def _view(L):
    base = L.arange(12.0).reshape(3, 4)
    return base, base[:, 1::2]


@check("copy")
def deepcopy_view(L): return copy.deepcopy(_view(L)[1])
@check("copy")
def deepcopy_view_contig(L): return copy.deepcopy(_view(L)[1]).is_contiguous()
@check("copy")
def deepcopy_keeps_sharing(L):
    base, v = _view(L)
    b2, v2 = copy.deepcopy((base, v))
    b2[0, 1] = 100
    return v2
@check("copy")
def deepcopy_independent(L):
    base, v = _view(L)
    v2 = copy.deepcopy(v)
    base[0, 1] = 100
    return v2
@check("copy")
def deepcopy_requires_grad(L):
    x = L.ones(2, requires_grad=True)
    y = copy.deepcopy(x)
    return (y.requires_grad, y.is_leaf)
@check("copy")
def deepcopy_grad(L):
    x = L.ones(2, requires_grad=True)
    x.sum().backward()
    return copy.deepcopy(x).grad
@check("copy")
def deepcopy_nonleaf(L): return copy.deepcopy(L.ones(2, requires_grad=True) * 2)
@check("copy")
def copy_copy_shares(L):
    t = L.zeros(3)
    u = copy.copy(t)
    u[0] = 1
    return t
@check("copy")
def pickle_view(L): return pickle.loads(pickle.dumps(_view(L)[1]))
@check("copy")
def pickle_view_size(L):
    return len(pickle.dumps(_view(L)[1])) < 2000
@check("copy")
def pickle_requires_grad(L):
    y = pickle.loads(pickle.dumps(L.ones(2, requires_grad=True)))
    return y.requires_grad
@check("copy")
def pickle_bfloat16(L): return pickle.loads(pickle.dumps(L.ones(2, dtype=L.bfloat16)))
@check("copy")
def pickle_0d(L): return pickle.loads(pickle.dumps(L.tensor(2)))
@check("copy")
def pickle_expanded(L): return pickle.loads(pickle.dumps(L.ones(3, 1).expand(3, 4)))
@check("copy")
def pickle_shared_pair(L):
    base, v = _view(L)
    b2, v2 = pickle.loads(pickle.dumps((base, v)))
    b2[0, 1] = 100
    return v2
@check("copy")
def pickle_nonleaf(L): return pickle.loads(pickle.dumps(L.ones(2, requires_grad=True) * 2))
@check("copy")
def clone_view_strides(L): return list(_view(L)[1].clone().stride())
@check("copy")
def clone_preserves_strides_transposed(L): return list(L.ones(2, 3).t().clone().stride())
@check("copy")
def contiguous_is_self(L):
    t = L.ones(3)
    return t.contiguous() is t
