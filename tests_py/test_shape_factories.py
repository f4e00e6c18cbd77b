"""Views / layout ops, conversions, copy_ / fill_, factories and ember.tensor against numpy."""
import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, NAMES, PROMOTE, T, check_op, np_dtype, returns, round_to, same_as_first,
                      to_ember, to_numpy)

SHAPES = [((2, 3, 4),), ((6,),), ((),), ((0, 3),), ((1, 4),)]


def _ident(a):
    return a


def test_transpose_permute_and_friends():
    check_op(lambda a: a.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2), T(), shapes=[((2, 3, 4),)],
             result=same_as_first, name="transpose(0, 2)")
    check_op(lambda a: ember.transpose(a, -1, 0), lambda a: np.swapaxes(a, -1, 0), T(),
             shapes=[((2, 3, 4),), ((5,),), ((0, 2),)], result=same_as_first, name="transpose(-1, 0)")
    check_op(lambda a: a.transpose(0, -1), _ident, T(), shapes=[((),)], result=same_as_first, name="transpose 0-d")
    check_op(lambda a: a.T, lambda a: a.T, T(), shapes=[((3, 4),), ((0, 2),)], result=same_as_first, name=".T")
    for perm in ((2, 0, 1), (0, 1, 2), (-1, 0, 1)):
        check_op(lambda a: a.permute(*perm), lambda a: np.transpose(a, perm), T(), shapes=[((2, 3, 4),)],
                 result=same_as_first, name=f"permute{perm}")
        check_op(lambda a: ember.permute(a, perm), lambda a: np.transpose(a, perm), T(), shapes=[((2, 0, 4),)],
                 result=same_as_first, name=f"ember.permute{perm}")
    check_op(lambda a: a.permute(()), _ident, T(), shapes=[((),)], result=same_as_first, name="permute 0-d")


def test_expand():
    check_op(lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), T(),
             shapes=[((3, 1),), ((4,),), ((),), ((1, 1, 4),)], result=same_as_first, name="expand")
    check_op(lambda a: a.expand(-1, 5), lambda a: np.broadcast_to(a, (a.shape[0], 5)), T(), shapes=[((3, 1),)],
             result=same_as_first, name="expand(-1, 5)")
    check_op(lambda a: a.expand((2, 0, 3)), lambda a: np.broadcast_to(a, (2, 0, 3)), T(), shapes=[((1, 3),)],
             result=same_as_first, name="expand to empty")


def test_view_reshape():
    for shape in ((4, 6), (-1,), (2, -1, 3), (24,), (1, 24, 1)):
        check_op(lambda a: a.view(*shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 layouts=("contiguous",), result=same_as_first, name=f"view{shape}")
        check_op(lambda a: a.reshape(shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 result=same_as_first, name=f"reshape{shape}")
        check_op(lambda a: ember.reshape(a, shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 layouts=("transposed", "negative"), result=same_as_first, name=f"ember.reshape{shape}")
    check_op(lambda a: a.reshape(()), lambda a: a.reshape(()), T(), shapes=[((1,),), ((),)], result=same_as_first,
             name="reshape to 0-d")
    check_op(lambda a: a.view(1, 1), lambda a: a.reshape(1, 1), T(), shapes=[((),)], result=same_as_first,
             name="view 0-d")
    check_op(lambda a: a.reshape(3, 0), lambda a: a.reshape(3, 0), T(), shapes=[((0, 3),)],
             result=same_as_first, name="reshape empty")
    with pytest.raises(RuntimeError, match="invalid for input of size 0"):
        ember.zeros(0, 3).reshape(0, -1)  # -1 is ambiguous for 0 elements (PyTorch and numpy refuse it too)


def test_views_share_memory_with_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = ember.from_numpy(a)
    for v in (t.view(6, 4), t.reshape(4, 6), t.transpose(0, 1), t.permute(2, 0, 1), t.expand(5, 2, 3, 4),
              t.contiguous()):
        assert v.data_ptr() == t.data_ptr()
    v = t.transpose(0, 2)
    v.fill_(-1.0)
    assert (a == -1).all()
    c = t.clone()
    assert c.data_ptr() != t.data_ptr()
    c.fill_(5.0)
    assert (a == -1).all()
    assert t.T.contiguous().data_ptr() != t.data_ptr()


def test_view_non_contiguous_that_works():
    a = np.arange(48.0).reshape(4, 3, 4)[::2]  # (2, 3, 4), the first dim strided
    t = ember.from_numpy(a)
    v = t.view(2, 12)
    np.testing.assert_array_equal(v.numpy(), a.reshape(2, 12))
    assert np.shares_memory(v.numpy(), a)


def test_contiguous_and_clone():
    check_op(lambda a: a.contiguous(), _ident, T(), shapes=SHAPES, result=same_as_first, name="contiguous")
    check_op(lambda a: a.clone(), _ident, T(), shapes=SHAPES, result=same_as_first, name="clone")
    check_op(lambda a: ember.clone(a), _ident, T(), shapes=SHAPES, result=same_as_first, name="ember.clone")
    for layout in ("transposed", "strided", "negative"):
        t, _ = to_ember(np.arange(12.0).reshape(3, 4), ember.float64, layout)
        for r in (t.contiguous(), t.clone()):
            assert r.is_contiguous() and r.stride() == (4, 1)


@pytest.mark.parametrize("dst", ALL_DTYPES, ids=[NAMES[d] for d in ALL_DTYPES])
def test_to_dtype(dst):
    # non-negative values (float -> uint8 of a negative number is undefined in C++ and PyTorch)
    check_op(lambda a: a.to(dst), _ident, T(0, 100), shapes=SHAPES, result=returns(dst), name=f"to({dst})")
    if dst != ember.uint8:  # negative values too (float -> int truncates toward zero)
        check_op(lambda a: a.to(dtype=dst), _ident, T(-100, 100), dtypes=[d for d in ALL_DTYPES if d != ember.uint8],
                 shapes=[((3, 4),)], layouts=("contiguous", "negative"), result=returns(dst), name=f"to(dtype={dst})")


def test_to_returns_self_when_nothing_changes():
    t = ember.ones(3)
    assert t.to(ember.float32).data_ptr() == t.data_ptr()
    assert t.to(ember.float32, copy=True).data_ptr() != t.data_ptr()
    assert t.float().data_ptr() == t.data_ptr()
    assert t.double().dtype == ember.float64 and t.long().dtype == ember.int64 and t.half().dtype == ember.float16


@pytest.mark.parametrize("dst", ALL_DTYPES, ids=[NAMES[d] for d in ALL_DTYPES])
def test_copy_(dst):
    for src_shape, dst_shape in (((3, 4), (3, 4)), ((4,), (3, 4)), ((), (2, 3)), ((0,), (0,)), ((1, 4), (2, 3, 4))):
        for src_dtype in ALL_DTYPES:
            rng = np.random.default_rng(0)
            vals = rng.uniform(0, 100, src_shape)
            if src_dtype == ember.bool:
                vals = vals > 50
            vals = round_to(vals, src_dtype)
            for layout in ("contiguous", "negative", "transposed"):
                src, _ = to_ember(vals.astype(np_dtype(src_dtype)) if src_dtype != ember.bfloat16 else
                                  vals.astype(np.float32), src_dtype, layout)
                d = ember.zeros(dst_shape, dtype=dst)
                r = d.copy_(src)
                assert r.data_ptr() == d.data_ptr()
                np.testing.assert_array_equal(to_numpy(d), np.broadcast_to(round_to(vals, dst), dst_shape),
                                              err_msg=f"{src_dtype}->{dst} {layout} {src_shape}->{dst_shape}")


def test_copy_into_non_contiguous_numpy_memory():
    for make in (lambda b: b.T, lambda b: b[::-1], lambda b: b[:, ::2]):
        base = np.zeros((4, 6))
        view = make(base)
        src = np.arange(view.size, dtype=np.int32).reshape(view.shape)
        ember.from_numpy(view).copy_(ember.from_numpy(src))
        np.testing.assert_array_equal(view, src)
        assert base.sum() == src.sum()


@pytest.mark.parametrize("value", [0, 7, -2, 2.5, True, False])
def test_fill_(value):
    check_op(lambda a: a.fill_(value), lambda a: np.full(a.shape, float(value)), T(), shapes=SHAPES,
             layouts=("contiguous", "transposed", "strided", "negative"), result=same_as_first, mode="inplace",
             dtypes=[d for d in ALL_DTYPES if not (d == ember.uint8 and value == -2)], name=f"fill_({value!r})")
    check_op(lambda a: ember.fill_(a, value), lambda a: np.full(a.shape, float(value)), T(), shapes=[((3,),)],
             result=same_as_first, mode="inplace", dtypes=(ember.float32, ember.int64), name="ember.fill_")


# ---------------------------------------------------------------- factories
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


def test_promote_types_every_pair():
    assert len(PROMOTE) == 100
    for (a, b), want in PROMOTE.items():
        assert ember.promote_types(a, b) == want, (a, b)
        assert ember.promote_types(b, a) == want, (b, a)
