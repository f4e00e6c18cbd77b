"""Factories against numpy: empty, zeros, ones, full, arange, ember.tensor (dtype inference), *_like /
new_*, linspace, logspace, eye, tril/triu, meshgrid, zero_, type_as."""
import numpy as np
import pytest

import ember
from ember.autograd import gradcheck
from op_check import (ALL_DTYPES, NAMES, PROMOTE, T, check_op, np_dtype, returns, round_to, same_as_first,
                      to_ember, to_numpy)



def test_like_and_new():
    t = ember.ones(2, 3, dtype=ember.float64)
    for f, v in ((ember.zeros_like, 0), (ember.ones_like, 1)):
        r = f(t)
        assert r.dtype == ember.float64 and r.shape == (2, 3) and (r.numpy() == v).all()
    assert ember.zeros_like(t, dtype=ember.int32).dtype == ember.int32
    assert ember.empty_like(t).shape == (2, 3)
    np.testing.assert_array_equal(ember.full_like(t, 7).numpy(), np.full((2, 3), 7.0))
    assert ember.rand_like(t).dtype == ember.float64 and ember.randn_like(t).shape == (2, 3)
    r = ember.randint_like(t, 10)
    assert r.dtype == ember.float64 and r.numpy().max() < 10
    n = t.new_zeros(4)
    assert n.dtype == ember.float64 and n.shape == (4,)
    assert t.new_ones((2, 2)).numpy().sum() == 4 and t.new_empty(3).shape == (3,)
    np.testing.assert_array_equal(t.new_full((2,), 3).numpy(), [3.0, 3.0])
    nt = t.new_tensor([1, 2])
    assert nt.dtype == ember.float64
    assert ember.ones(2, dtype=ember.int8).type_as(t).dtype == ember.float64
    z = ember.ones(3)
    assert z.zero_() is z and z.numpy().sum() == 0
    assert ember.zeros_like(t, requires_grad=True).requires_grad


@pytest.mark.parametrize("start,end,steps", [(0, 1, 5), (-2.5, 7, 11), (3, 3, 1), (0, 10, 0), (10, 0, 6)])
def test_linspace_logspace(start, end, steps):
    np.testing.assert_allclose(ember.linspace(start, end, steps, dtype=ember.float64).numpy(),
                               np.linspace(start, end, steps), rtol=1e-14)
    np.testing.assert_allclose(ember.logspace(start, end, steps, dtype=ember.float64).numpy(),
                               np.logspace(start, end, steps), rtol=1e-12)
    assert ember.linspace(start, end, steps).dtype == ember.float32
    np.testing.assert_allclose(ember.logspace(0, 3, 4, base=2).numpy(), [1, 2, 4, 8])
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        ember.linspace(0, 1, -1)


def test_eye_tril_triu():
    np.testing.assert_array_equal(ember.eye(3).numpy(), np.eye(3))
    np.testing.assert_array_equal(ember.eye(2, 4, dtype=ember.int64).numpy(), np.eye(2, 4))
    a = np.arange(24.0).reshape(2, 3, 4)
    t = ember.from_numpy(a)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(ember.tril(t, k).numpy(), np.tril(a, k))
        np.testing.assert_array_equal(t.triu(diagonal=k).numpy(), np.triu(a, k))
    ti = ember.from_numpy(np.arange(9).reshape(3, 3))
    np.testing.assert_array_equal(ember.tril(ti).numpy(), np.tril(np.arange(9).reshape(3, 3)))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        ember.tril(ember.ones(3))
    x = ember.from_numpy(np.random.default_rng(0).standard_normal((3, 3))).requires_grad_()
    assert gradcheck(lambda x: ember.tril(x, 1), (x,))
    assert gradcheck(lambda x: ember.triu(x, -1), (x,))


def test_meshgrid():
    a, b = np.arange(3.0), np.arange(4.0)
    for indexing in ("ij", "xy"):
        got = ember.meshgrid(ember.from_numpy(a), ember.from_numpy(b), indexing=indexing)
        want = np.meshgrid(a, b, indexing=indexing)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
    ta, tb = ember.from_numpy(a), ember.from_numpy(b)
    g = ember.meshgrid([ta, tb])
    assert g[0].data_ptr() == ta.data_ptr() and g[1].data_ptr() == tb.data_ptr()  # views, no copies
    with pytest.raises(RuntimeError, match="Expected 0D or 1D tensor"):
        ember.meshgrid(ember.ones(2, 2))


@pytest.mark.parametrize("name,value", [("zeros", 0), ("ones", 1)])
def test_zeros_ones(name, value):
    f = getattr(ember, name)
    for shape_args, shape in (((2, 3), (2, 3)), (((2, 3),), (2, 3)), (([4],), (4,)), (((),), ()), ((0,), (0,))):
        t = f(*shape_args)
        assert t.dtype == ember.float32 and tuple(t.shape) == shape and t.is_contiguous()
        np.testing.assert_array_equal(t.numpy(), np.full(shape, value, np.float32))
        for d in ALL_DTYPES:
            t = f(*shape_args, dtype=d)
            assert t.dtype == d
            np.testing.assert_array_equal(to_numpy(t), np.full(shape, value, np.float32).astype(
                np.float32 if d == ember.bfloat16 else np_dtype(d)))


def test_empty():
    for d in ALL_DTYPES:
        t = ember.empty(2, 3, dtype=d)
        assert t.dtype == d and tuple(t.shape) == (2, 3) and t.stride() == (3, 1)
    assert ember.empty(()).dim() == 0 and ember.empty(0).numel() == 0
    assert ember.empty(2).dtype == ember.float32


def test_full_dtype_inference():
    cases = [((2,), 7, ember.int64), ((2,), 1.5, ember.float32), ((2, 2), True, ember.bool), ((), -3, ember.int64)]
    for size, v, dt in cases:
        t = ember.full(size, v)
        assert t.dtype == dt, (v, t.dtype)
        np.testing.assert_array_equal(t.numpy(), np.full(size, v, np_dtype(dt)))
    t = ember.full((3,), 2, dtype=ember.float64)
    assert t.dtype == ember.float64
    np.testing.assert_array_equal(t.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(ember.full((2,), 1.5, dtype=ember.bfloat16).float().numpy(), [1.5, 1.5])


def test_arange():
    cases = [((5,), {}, np.arange(5), ember.int64), ((0.0, 1.0, 0.25), {}, np.arange(0, 1, 0.25), ember.float32),
             ((2, 9, 3), {}, np.arange(2, 9, 3), ember.int64), ((5, 0, -1), {}, np.arange(5, 0, -1), ember.int64),
             ((1, 2.5), {}, np.arange(1, 2.5), ember.float32), ((0,), {}, np.arange(0), ember.int64),
             ((3,), {"dtype": ember.float64}, np.arange(3.0), ember.float64),
             ((-1.0, 1.0, 0.5), {"dtype": ember.float64}, np.arange(-1, 1, 0.5), ember.float64),
             ((10,), {"dtype": ember.int8}, np.arange(10), ember.int8),
             ((0, 1, 0.1), {}, np.arange(0, 1, 0.1), ember.float32),
             ((1, 10, 4), {}, np.arange(1, 10, 4), ember.int64), ((-7, -1, 2), {}, np.arange(-7, -1, 2), ember.int64)]
    for args, kw, want, dt in cases:
        t = ember.arange(*args, **kw)
        assert t.dtype == dt, (args, t.dtype)
        np.testing.assert_allclose(t.numpy().astype(np.float64), want, rtol=1e-6, err_msg=str(args))
        assert t.numel() == want.size
    np.testing.assert_array_equal(ember.arange(4, dtype=ember.bfloat16).float().numpy(), [0, 1, 2, 3])
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        ember.arange(0, 5, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        ember.arange(5, 0, 1)


def test_tensor_dtype_inference():
    cases = [([1, 2, 3], ember.int64), ([1.0, 2], ember.float32), ([True, False], ember.bool), (3, ember.int64),
             (2.5, ember.float32), (True, ember.bool), ([[1, 2], [3, 4]], ember.int64), ([], ember.float32),
             ([[1.5], [2]], ember.float32), ([True, 2], ember.int64), ([True, 2.5], ember.float32)]
    for data, dt in cases:
        t = ember.tensor(data)
        assert t.dtype == dt, (data, t.dtype)
        want = np.array(data, dtype=np_dtype(dt)) if data != [] else np.zeros(0, np.float32)
        assert tuple(t.shape) == want.shape
        np.testing.assert_array_equal(t.numpy(), want)
    for npd in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"):
        a = (np.arange(6) % 3).astype(npd).reshape(2, 3)
        for view in (a, a.T, a[:, ::-1]):
            t = ember.tensor(view)
            assert t.dtype == ember.bool if npd == "bool" else t.dtype == getattr(ember, npd)
            np.testing.assert_array_equal(t.numpy(), view)
            assert not np.shares_memory(t.numpy(), a)  # tensor() copies, unlike from_numpy
    t = ember.tensor([[1, 2], [3, 4]], dtype=ember.float64)
    assert t.dtype == ember.float64
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(ember.tensor([1.5, -2], dtype=ember.bfloat16).float().numpy(), [1.5, -2])


def test_tensor_ragged_is_an_error():
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        ember.tensor([[1, 2], [3]])
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        ember.tensor(["a"])
