"""contiguous, clone, to (dtype), copy_ (dtype conversion, broadcasting, non-contiguous memory) and
fill_ against numpy."""
import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, NAMES, PROMOTE, T, check_op, np_dtype, returns, round_to, same_as_first,
                      to_ember, to_numpy)


SHAPES = [((2, 3, 4),), ((6,),), ((),), ((0, 3),), ((1, 4),)]


def _ident(a):
    return a


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
