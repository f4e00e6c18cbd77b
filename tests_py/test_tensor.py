"""The Python Tensor type: the user-level example of the first issue, identity and garbage collection,
attributes, dtype and device objects, printing, numpy sharing and lifetimes, the Python protocol
(conversions, hashing, pickling, numpy scalars and ufuncs) and the dtype API."""
import copy
import gc
import multiprocessing as mp
import pickle
import weakref

import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, NAMES, PROMOTE, T, check_op, np_dtype, returns, round_to, same_as_first,
                      to_ember, to_numpy)



def test_gc_sees_through_tensors():
    t = ember.ones(3)
    t.me = t  # a reference cycle through the tensor's __dict__
    r = weakref.ref(t)
    del t
    gc.collect()
    assert r() is None


def test_same_impl_gives_same_object():
    x = ember.ones(3)
    assert x.contiguous() is x       # contiguous() returns self's handle, so the same Python object
    assert x.to(ember.float32) is x


def test_dtype_objects():
    assert ember.float32 is ember.float
    assert repr(ember.int64) == "ember.int64"
    assert ember.float16.is_floating_point and not ember.int8.is_floating_point
    assert ember.bfloat16.itemsize == 2
    assert ember.get_default_dtype() == ember.float32
    assert ember.promote_types(ember.uint8, ember.int8) == ember.int16
    assert pickle.loads(pickle.dumps(ember.int32)) is ember.int32


def test_default_dtype_switch():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.ones(2).dtype == ember.float64
        assert (ember.arange(3) + 0.5).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_device_objects():
    d = ember.device("cuda:1")
    assert (d.type, d.index) == ("cuda", 1)
    assert repr(d) == "device(type='cuda', index=1)"
    assert str(d) == "cuda:1"
    assert ember.device("cuda", 0) == ember.device("cuda:0")
    assert ember.device("cpu") != ember.device("cuda")
    assert copy.deepcopy(ember.device("cpu")) == ember.device("cpu")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        ember.device("tpu")


def test_shape_and_size():
    t = ember.zeros(2, 3, 4)
    assert isinstance(t.shape, tuple) and isinstance(t.shape, ember.Size)
    assert t.shape == (2, 3, 4) and t.size() == t.shape and t.size(-1) == 4
    assert t.stride() == (12, 4, 1) and t.stride(0) == 12
    assert t.ndim == 3 and t.dim() == 3 and t.numel() == 24 and len(t) == 2
    assert t.nbytes == 96 and t.itemsize == 4 and t.element_size() == 4 and t.storage_offset() == 0
    with pytest.raises(IndexError, match="out of range"):
        t.size(3)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(ember.tensor(1.0))
    with pytest.raises(TypeError, match="cannot be constructed directly"):
        ember.Tensor()


def test_version_counter_shared_with_views():
    x = ember.zeros(2, 3)
    v = x.view(6)
    t = x.T
    before = x._version
    v.add_(1)
    assert x._version == t._version == before + 1
    t.mul_(2)
    assert v._version == before + 2
    assert x.sum().item() == 12.0


def test_repr_like_pytorch():
    assert repr(ember.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"
    assert repr(ember.tensor([1, 2, 3])) == "tensor([1, 2, 3])"
    assert repr(ember.tensor([1.5, 2.25], dtype=ember.float64)) == "tensor([1.5000, 2.2500], dtype=ember.float64)"
    assert repr(ember.tensor(3.0)) == "tensor(3.)"
    assert repr(ember.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ember.zeros(0)) == "tensor([])"
    assert ember.ones(2, 2)._cpp_str() == " 1  1\n 1  1\n[ CPUFloatType{2,2} ]"


def test_repr_wrapping_summarization_and_printoptions():
    assert repr(ember.arange(30.0)).splitlines()[1].startswith("        14., 15.")
    assert repr(ember.arange(2000.0)) == ("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                                          "        1.9990e+03])")  # PyTorch 2.13's exact output
    assert repr(ember.tensor([1.0, 1e9])) == "tensor([1.0000e+00, 1.0000e+09])"
    assert repr(ember.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(ember.zeros(2, 0)) == "tensor([], size=(2, 0))"
    try:
        ember.set_printoptions(precision=2)
        assert repr(ember.tensor([1.23456, 2.0])) == "tensor([1.23, 2.00])"
        ember.set_printoptions(threshold=5, edgeitems=1)
        assert repr(ember.arange(10)) == "tensor([0,  ..., 9])"
        ember.set_printoptions(sci_mode=False)
        assert repr(ember.tensor([1e-5, 1.0])) == "tensor([0.00, 1.00])"
    finally:
        ember.set_printoptions(profile="default")
    assert repr(ember.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"


def test_user_level_example():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    z = x @ ember.ones(2, 2) + 1
    np.testing.assert_array_equal(z.numpy(), [[4, 4], [8, 8]])
    y = x.T.reshape(4)
    np.testing.assert_array_equal(y.numpy(), [1, 3, 2, 4])
    a = np.arange(6.0).reshape(2, 3)
    t = ember.from_numpy(a)
    a[1, 2] = 42
    assert t.numpy()[1, 2] == 42
    t.numpy()[0, 0] = -7
    assert a[0, 0] == -7
    assert x.shape == ember.Size([2, 2])
    assert repr(x.shape) == "ember.Size([2, 2])"
    assert x.dtype == ember.float32
    assert repr(x.device) == "device(type='cpu')"
    assert x.device == ember.device("cpu")


def test_reshape_views_only_when_possible():
    x = ember.arange(6).reshape(2, 3)
    v = x.reshape(3, 2)
    assert v.data_ptr() == x.data_ptr()
    c = x.T.reshape(6)
    assert c.data_ptr() != x.data_ptr()
    np.testing.assert_array_equal(c.numpy(), np.arange(6).reshape(2, 3).T.reshape(6))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.T.view(6)


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16,
                                   np.float32, np.float64])
def test_numpy_roundtrip_shares_memory_every_dtype(dtype):
    a = (np.arange(12) % 3).astype(dtype).reshape(3, 4)
    t = ember.from_numpy(a)
    assert t.dtype == getattr(ember, np.dtype(dtype).name if dtype is not np.bool_ else "bool")
    b = t.numpy()
    assert b.dtype == a.dtype
    assert np.shares_memory(a, b)
    np.testing.assert_array_equal(b, a)


def test_numpy_non_contiguous_and_negative_strides():
    a = np.arange(24.0).reshape(4, 6)
    for view in (a[::2, 1::2], a[::-1], a[:, ::-2], a.T, a[::-1, ::-3]):
        t = ember.from_numpy(view)
        assert t.shape == view.shape
        assert t.stride() == tuple(s // 8 for s in view.strides)
        b = t.numpy()
        np.testing.assert_array_equal(b, view)
        assert np.shares_memory(b, a)
        np.testing.assert_array_equal((t + 1).numpy(), view + 1)


def test_lifetimes_either_side_may_outlive_the_other():
    a = np.arange(5.0)
    t = ember.from_numpy(a)
    del a
    gc.collect()
    np.testing.assert_array_equal(t.numpy(), np.arange(5.0))
    t2 = ember.arange(4, dtype=ember.float64)
    n = t2.numpy()
    del t2
    gc.collect()
    np.testing.assert_array_equal(n, np.arange(4.0))
    n[0] = 9  # still valid memory
    assert n[0] == 9


def test_asarray_and_identity():
    t = ember.ones(3)
    assert np.asarray(t).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(t), np.ones(3, np.float32))


def test_cuda_is_missing_cleanly():
    assert ember.cuda.is_available() is False
    with pytest.raises(RuntimeError, match="built without CUDA"):
        ember.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="built without CUDA"):
        ember.ones(2).to("cuda")


def test_bfloat16_numpy_is_a_clear_type_error():
    with pytest.raises(TypeError, match="BFloat16"):
        ember.ones(2, dtype=ember.bfloat16).numpy()
    with pytest.raises(TypeError, match="complex"):
        ember.from_numpy(np.ones(2, np.complex64))
    with pytest.raises(TypeError, match="expected np.ndarray"):
        ember.from_numpy([1, 2])


def test_scalar_conversions():
    assert bool(ember.tensor([2.0])) is True and bool(ember.tensor(0)) is False
    assert float(ember.tensor(2.5)) == 2.5 and int(ember.tensor([7.9])) == 7
    assert [10, 20, 30][ember.tensor(1)] == 20  # __index__
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        bool(ember.ones(2))
    with pytest.raises(ValueError, match="only one element tensors"):
        float(ember.ones(2))
    with pytest.raises(ValueError, match="only one element tensors"):
        int(ember.ones(2))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][ember.tensor(1.0)]


def test_identity_hash():
    a, b = ember.ones(2), ember.ones(2)
    assert len({a, b, a}) == 2 and hash(a) != hash(b)


def test_pickle_and_deepcopy():
    for dt in (ember.float32, ember.int16, ember.bool, ember.bfloat16, ember.float16):
        t = ember.tensor([[1, 0], [3, 4]], dtype=dt)
        u = pickle.loads(pickle.dumps(t))
        assert u.dtype == dt and u.shape == t.shape
        np.testing.assert_array_equal(u.float().numpy(), t.float().numpy())
        assert u.data_ptr() != t.data_ptr()
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    y = copy.deepcopy(x)
    assert y.requires_grad and y.is_leaf and y is not x
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 2.0])
    assert pickle.loads(pickle.dumps(x)).requires_grad
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)
    with pytest.raises(RuntimeError, match="graph leaves"):
        pickle.dumps(x * 2)


def _child(q, t):
    q.put((t * 2).numpy().tolist())


def test_pickle_between_processes():
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, ember.tensor([1.0, 2.5])))
    p.start()
    assert q.get(timeout=60) == [2.0, 5.0]
    p.join(timeout=60)
    assert p.exitcode == 0


def test_numpy_scalars_and_ufuncs_give_tensors():
    t = ember.tensor([1.0, 2.0])
    for r, expected in ((np.float32(2) * t, [2.0, 4.0]), (np.float64(3) - t, [2.0, 1.0]),
                        (np.array(2.0) + t, [3.0, 4.0]), (np.int64(2) ** t, [2.0, 4.0]), (t / np.float32(2), [0.5, 1.0])):
        assert isinstance(r, ember.Tensor)
        np.testing.assert_allclose(r.numpy(), expected)
    assert (np.float32(2) * t).dtype == ember.float32


def test_dtype_api():
    assert ember.finfo(ember.float16).eps == 2 ** -10 and ember.finfo(ember.float32).max == np.finfo(np.float32).max
    assert ember.finfo(ember.bfloat16).eps == 2 ** -7 and ember.finfo().dtype == "float32"
    assert ember.iinfo(ember.uint8).max == 255 and ember.iinfo(ember.int64).min == -2 ** 63
    with pytest.raises(TypeError):
        ember.finfo(ember.int32)
    with pytest.raises(TypeError):
        ember.iinfo(ember.float32)
    assert ember.result_type(ember.ones(2, dtype=ember.int32), 2.5) == ember.float32
    assert ember.result_type(ember.ones(2, dtype=ember.uint8), ember.ones(2, dtype=ember.int8)) == ember.int16
    assert ember.result_type(ember.ones(2, dtype=ember.float16), ember.tensor(1.0, dtype=ember.float64)) == ember.float16
    assert ember.can_cast(ember.int32, ember.float16) and not ember.can_cast(ember.float32, ember.int64)
    assert not ember.can_cast(ember.int8, ember.bool)
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor(1.0)
    assert ember.is_floating_point(ember.ones(1)) and ember.numel(ember.ones(2, 3)) == 6


def test_assert_close():
    from ember.testing import assert_close

    assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    assert_close(ember.tensor([1.0, float("nan")]), ember.tensor([1.0, float("nan")]), equal_nan=True)
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 2 \\(50.0%\\)"):
        assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.1]))
    with pytest.raises(AssertionError, match="dtype"):
        assert_close(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64))
    with pytest.raises(AssertionError, match="shape"):
        assert_close(ember.ones(2), ember.ones(3))
    assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.05]), rtol=0.1, atol=0.0)
    assert_close(ember.tensor([1, 2]), ember.tensor([1, 2]))
    with pytest.raises(AssertionError):
        assert_close(ember.tensor([1, 2]), ember.tensor([1, 3]))
    assert_close([ember.ones(1), ember.zeros(1)], [ember.ones(1), ember.zeros(1)])
    assert_close(ember.tensor(2.0), 2.0)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        assert_close(ember.ones(1), ember.ones(1), rtol=0.1)


def test_promote_types_every_pair():
    assert len(PROMOTE) == 100
    for (a, b), want in PROMOTE.items():
        assert ember.promote_types(a, b) == want, (a, b)
        assert ember.promote_types(b, a) == want, (b, a)
