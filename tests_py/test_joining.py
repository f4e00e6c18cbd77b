"""Joining (cat, stack, h/v/dstack), repeating (repeat, tile, repeat_interleave) and ordering (sort,
argsort, msort, topk) ops against numpy, over dtypes and layouts; errors worded as PyTorch's."""
import numpy as np
import pytest

import ember
from op_check import ALL_DTYPES, NUMERIC_DTYPES, PROMOTE, T, make_values, np_dtype, to_ember, to_numpy

rng = np.random.default_rng(0)
LAYOUTS = ("contiguous", "transposed", "negative", "strided")


def make(shape, dtype=ember.float32, layout="contiguous", spec=T()):
    v = make_values(rng, spec, dtype, shape)
    return to_ember(v, dtype, layout)[0], v


def np_of(t):
    return to_numpy(t)


# ---------------------------------------------------------------- cat / stack
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_cat_dtypes_layouts(dtype, layout):
    for dim, shapes in [(0, [(2, 3), (4, 3), (1, 3)]), (1, [(2, 3), (2, 1), (2, 0)]), (-1, [(2, 2, 3), (2, 2, 1)]),
                        (0, [(5,), (0,), (2,)])]:
        ts, vs = zip(*(make(s, dtype, layout) for s in shapes))
        r = ember.cat(list(ts), dim)
        assert r.dtype == dtype
        np.testing.assert_array_equal(np_of(r), np.concatenate(vs, axis=dim))
        r = ember.cat(tuple(ts), dim=dim)
        np.testing.assert_array_equal(np_of(r), np.concatenate(vs, axis=dim))


@pytest.mark.parametrize("a", [ember.bool, ember.uint8, ember.int32, ember.float16, ember.float64])
@pytest.mark.parametrize("b", [ember.int8, ember.int64, ember.bfloat16, ember.float32])
def test_cat_promotes(a, b):
    x, xv = make((2, 2), a)
    y, yv = make((1, 2), b)
    r = ember.cat([x, y])
    assert r.dtype == PROMOTE[a, b]
    expected = np.concatenate([xv.astype(np.float64), yv.astype(np.float64)])
    np.testing.assert_allclose(np_of(r).astype(np.float64), expected, rtol=1e-2)


def test_cat_legacy_empty_and_errors():
    x = ember.ones(2, 3)
    e = ember.tensor([])
    assert ember.cat([e, x, e]).shape == (2, 3)
    assert ember.cat([e, e]).shape == (0,)
    assert ember.cat([e, ember.ones(2, 3, dtype=ember.float64)], 1).dtype == ember.float64
    with pytest.raises(RuntimeError, match=r"^Sizes of tensors must match except in dimension 1. Expected size 2 "
                                           r"but got size 3 for tensor number 1 in the list.$"):
        ember.cat([ember.ones(2, 2), ember.ones(3, 3)], 1)
    with pytest.raises(RuntimeError, match="Tensors must have same number of dimensions: got 2 and 1"):
        ember.cat([x, ember.ones(3)])
    with pytest.raises(RuntimeError, match=r"zero-dimensional tensor \(at position 1\) cannot be concatenated"):
        ember.cat([x, ember.tensor(1.0)])
    with pytest.raises(ValueError, match="expected a non-empty list of Tensors"):
        ember.cat([])
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        ember.cat([x, x], 2)
    with pytest.raises(TypeError):
        ember.cat([x, 1])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [ember.bool, ember.int16, ember.bfloat16, ember.float64])
def test_stack_and_friends(dtype, layout):
    for shape in [(), (0,), (3,), (2, 3), (2, 3, 2)]:
        ts, vs = zip(*(make(shape, dtype, layout) for _ in range(3)))
        for dim in range(-len(shape) - 1, len(shape) + 1):
            np.testing.assert_array_equal(np_of(ember.stack(ts, dim)), np.stack(vs, dim))
        np.testing.assert_array_equal(np_of(ember.hstack(ts)), np.hstack(vs))
        np.testing.assert_array_equal(np_of(ember.vstack(ts)), np.vstack(vs))
        np.testing.assert_array_equal(np_of(ember.dstack(ts)), np.dstack(vs))


def test_stack_errors():
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 "
                                           r"and \[2, 4\] at entry 1"):
        ember.stack([ember.ones(2, 3), ember.ones(2, 4)])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        ember.stack([])
    with pytest.raises(IndexError, match="Dimension out of range"):
        ember.stack([ember.ones(2)], 2)


def test_cat_result_is_a_copy():
    x = ember.ones(2, 2)
    r = ember.cat([x])
    r.add_(1)
    assert x.sum().item() == 4


# ---------------------------------------------------------------- repeat / tile / repeat_interleave
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [ember.bool, ember.uint8, ember.int64, ember.float16, ember.float32])
def test_repeat_tile(dtype, layout):
    cases = [((), ()), ((), (2, 3)), ((3,), (2,)), ((3,), (2, 2)), ((2, 3), (1, 1)), ((2, 3), (2, 1, 3)),
             ((2, 0), (2, 2)), ((2, 3), (0, 2))]
    for shape, reps in cases:
        t, v = make(shape, dtype, layout)
        r = t.repeat(*reps) if reps else t.repeat(())
        np.testing.assert_array_equal(np_of(r), np.tile(v, reps))
        assert r.is_contiguous()
        if reps:
            np.testing.assert_array_equal(np_of(t.repeat(reps)), np.tile(v, reps))
            np.testing.assert_array_equal(np_of(ember.tile(t, reps)), np.tile(v, reps))
    t, v = make((2, 3, 2), dtype, layout)
    np.testing.assert_array_equal(np_of(t.tile((2,))), np.tile(v, (2,)))
    np.testing.assert_array_equal(np_of(t.tile((2, 1))), np.tile(v, (2, 1)))


def test_repeat_copies_and_errors():
    x = ember.ones(2, 2)
    r = x.repeat(1, 1)
    r.add_(1)
    assert x.sum().item() == 4
    with pytest.raises(RuntimeError, match="Number of dimensions of repeat dims can not be smaller than number of "
                                           "dimensions of tensor"):
        x.repeat(2)
    with pytest.raises(RuntimeError, match="negative dimension"):
        x.repeat(-1, 2)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [ember.bool, ember.int32, ember.float64])
def test_repeat_interleave(dtype, layout):
    for shape in [(), (0,), (4,), (2, 3), (2, 3, 2)]:
        t, v = make(shape, dtype, layout)
        for reps in (0, 1, 3):
            np.testing.assert_array_equal(np_of(ember.repeat_interleave(t, reps)), np.repeat(v, reps))
            for dim in range(-max(len(shape), 1), max(len(shape), 1)):
                expect = np.repeat(v if v.ndim else v.reshape(1), reps, axis=dim)
                np.testing.assert_array_equal(np_of(t.repeat_interleave(reps, dim=dim)), expect)
    with pytest.raises(RuntimeError, match="repeats can not be negative"):
        ember.ones(2).repeat_interleave(-1)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_repeat_interleave_tensor_repeats(layout):
    t, v = make((3, 4), ember.float32, layout)
    for dim in (0, 1, -1):
        reps = rng.integers(0, 3, v.shape[dim])
        r = t.repeat_interleave(ember.from_numpy(reps[::-1]), dim=dim)
        np.testing.assert_array_equal(np_of(r), np.repeat(v, reps[::-1], axis=dim))
        np.testing.assert_array_equal(np_of(ember.repeat_interleave(t, ember.tensor([2]), dim)), np.repeat(v, 2, dim))
    reps = rng.integers(0, 3, 12)
    np.testing.assert_array_equal(np_of(ember.repeat_interleave(t, ember.from_numpy(reps))), np.repeat(v, reps))
    np.testing.assert_array_equal(np_of(t.repeat_interleave(ember.zeros(3, dtype=ember.int64), dim=0)),
                                  np.zeros((0, 4)))
    assert ember.repeat_interleave(ember.tensor([1, 0, 3])).tolist() == [0, 2, 2, 2]
    assert t.repeat_interleave(ember.tensor(2, dtype=ember.int32), dim=0, output_size=6).shape == (6, 4)
    with pytest.raises(RuntimeError, match=r"repeats must have the same size as input along dim, but got "
                                           r"repeats.size\(0\) = 2 and input.size\(0\) = 3"):
        t.repeat_interleave(ember.tensor([1, 2]), dim=0)
    with pytest.raises(RuntimeError, match="repeats has to be Long or Int tensor"):
        t.repeat_interleave(ember.tensor([1.0, 2.0, 1.0]), dim=0)
    with pytest.raises(RuntimeError, match="repeats can not be negative"):
        t.repeat_interleave(ember.tensor([1, -2, 1]), dim=0)


# ---------------------------------------------------------------- sort / argsort / msort / topk
def np_sort(v, dim, descending):
    """numpy's stable sort, NaN last ascending and first descending (PyTorch's order)."""
    if descending:
        # stable descending: sort the negated key (NaN stays largest), keep equal elements in order
        key = np.where(np.isnan(v), -np.inf, -v.astype(np.float64)) if v.dtype.kind == "f" else -v.astype(np.int64)
        idx = np.argsort(key, axis=dim, kind="stable")
        if v.dtype.kind == "f":  # NaN first
            nan = np.isnan(np.take_along_axis(v, idx, dim))
            idx = np.take_along_axis(idx, np.argsort(~nan, axis=dim, kind="stable"), dim)
    else:
        idx = np.argsort(v, axis=dim, kind="stable")
    return np.take_along_axis(v, idx, dim), idx


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_sort(dtype, layout):
    for shape in [(), (0,), (7,), (3, 4), (2, 3, 4), (2, 0, 3)]:
        t, v = make(shape, dtype, layout, T(-3, 3))  # small range: many ties, checks stability
        for dim in range(-max(len(shape), 1), max(len(shape), 1)):
            for desc in (False, True):
                r = ember.sort(t, dim, descending=desc, stable=True) if shape else ember.sort(t, dim, desc)
                if not shape:
                    assert r.values.shape == () and r.indices.item() == 0 and r.values.item() == t.item()
                    continue
                ev, ei = np_sort(v, dim, desc)
                assert r.values.dtype == dtype and r.indices.dtype == ember.int64
                np.testing.assert_array_equal(np_of(r.values), ev)
                np.testing.assert_array_equal(r.indices.numpy(), ei)
                np.testing.assert_array_equal(t.argsort(dim, desc).numpy(), ei)
                values, indices = t.sort(dim=dim, descending=desc)
                np.testing.assert_array_equal(np_of(values), ev)
        if shape:
            np.testing.assert_array_equal(np_of(ember.msort(t)), np.sort(v, axis=0, kind="stable"))
            np.testing.assert_array_equal(np_of(t.sort().values), np.sort(v, axis=-1, kind="stable"))


@pytest.mark.parametrize("dtype", [ember.float16, ember.bfloat16, ember.float32, ember.float64])
def test_sort_nan(dtype):
    v = np.array([[1.0, np.nan, -2.0, np.inf, np.nan, -np.inf, 0.0]])
    t = ember.from_numpy(v).to(dtype)
    r = t.sort()
    np.testing.assert_array_equal(r.indices.numpy(), [[5, 2, 6, 0, 3, 1, 4]])
    r = t.sort(descending=True, stable=True)
    np.testing.assert_array_equal(r.indices.numpy(), [[1, 4, 3, 0, 6, 2, 5]])
    k = t.topk(3)
    np.testing.assert_array_equal(k.indices.numpy(), [[1, 4, 3]])
    assert np.isnan(np_of(k.values)[0, :2]).all()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", NUMERIC_DTYPES)
def test_topk(dtype, layout):
    for shape in [(7,), (3, 5), (2, 4, 3), (2, 0, 3)]:
        v = rng.permutation(int(np.prod(shape))).reshape(shape) % 100  # distinct values (in range of int8)
        t = to_ember(v.astype(np.float32 if dtype == ember.bfloat16 else np_dtype(dtype)), dtype, layout)[0]
        vv = np_of(t)
        for dim in range(-len(shape), len(shape)):
            n = shape[dim]
            for k in sorted({0, min(1, n), n // 2, n}):
                for largest in (True, False):
                    r = ember.topk(t, k, dim, largest=largest)
                    ev, ei = np_sort(vv, dim, largest)
                    idx = [slice(None)] * len(shape)
                    idx[dim] = slice(0, k)
                    np.testing.assert_array_equal(np_of(r.values), ev[tuple(idx)])
                    np.testing.assert_array_equal(r.indices.numpy(), ei[tuple(idx)])
                    assert r.values.dtype == dtype
    s = ember.tensor(2.5).topk(1)
    assert s.values.shape == () and s.values.item() == 2.5 and s.indices.item() == 0


def test_topk_sort_errors_and_named_tuple():
    x = ember.tensor([[3.0, 1.0, 2.0]])
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(4)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(-1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sort(2)
    r = x.topk(2, largest=False)
    assert type(r).__name__ == "topk" and r._fields if hasattr(r, "_fields") else True
    values, indices = r
    assert r[0] is values or np.array_equal(r[0].numpy(), values.numpy())
    assert indices.tolist() == [[1, 2]]
    assert "return_types.sort" in repr(x.sort())


def test_sort_result_layout():
    x = ember.from_numpy(rng.uniform(size=(3, 4))[::-1])
    r = x.sort(0)
    assert r.values.is_contiguous() and r.indices.is_contiguous()
    r.values.add_(1)  # a fresh tensor, writable
    assert not x.sort().values.requires_grad


# ---------------------------------------------------------------- unique / searchsorted / bincount
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_unique(dtype, layout):
    for shape in [(), (0,), (9,), (3, 4), (2, 3, 4)]:
        t, v = make(shape, dtype, layout, T(-2, 2))
        ev, ei, ec = np.unique(v, return_inverse=True, return_counts=True)
        np.testing.assert_array_equal(np_of(ember.unique(t)), ev)
        u, inv, cnt = t.unique(return_inverse=True, return_counts=True)
        assert u.dtype == dtype and inv.dtype == cnt.dtype == ember.int64 and inv.shape == t.shape
        np.testing.assert_array_equal(np_of(u), ev)
        np.testing.assert_array_equal(inv.numpy().reshape(-1), ei.reshape(-1))
        np.testing.assert_array_equal(cnt.numpy(), ec)
        u, cnt = ember.unique(t, sorted=False, return_counts=True)
        np.testing.assert_array_equal(cnt.numpy(), ec)
        for dim in range(len(shape)):
            if 0 in shape:
                continue
            ev, ei, ec = np.unique(v, return_inverse=True, return_counts=True, axis=dim)
            u, inv, cnt = ember.unique(t, return_inverse=True, return_counts=True, dim=dim)
            np.testing.assert_array_equal(np_of(u), ev)
            np.testing.assert_array_equal(inv.numpy(), ei.reshape(-1))
            np.testing.assert_array_equal(cnt.numpy(), ec)


def test_unique_nan_distinct():
    u = ember.unique(ember.tensor([1.0, float("nan"), 1.0, float("nan")]))
    assert u.shape == (3,) and u[0].item() == 1.0 and np.isnan(u[1:].numpy()).all()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [ember.uint8, ember.int32, ember.int64, ember.float16, ember.float32, ember.float64])
def test_searchsorted(dtype, layout):
    seq = np.array([0, 1, 1, 2, 4, 4, 4, 7]).astype(np_dtype(dtype))
    s = ember.from_numpy(seq)
    for shape in [(), (0,), (5,), (3, 4)]:
        t, v = make(shape, dtype, layout, T(-1, 8))
        for side in ("left", "right"):
            e = np.searchsorted(seq, v, side=side)
            np.testing.assert_array_equal(ember.searchsorted(s, t, side=side).numpy(), e)
            np.testing.assert_array_equal(ember.searchsorted(s, t, right=side == "right").numpy(), e)
        r = ember.searchsorted(s, t, out_int32=True)
        assert r.dtype == ember.int32 and r.shape == t.shape
    # batched: one sorted row per row of values (negative strides too)
    b = np.sort(rng.uniform(-3, 3, (3, 6)), axis=1)
    v = rng.uniform(-4, 4, (3, 5))
    r = ember.searchsorted(ember.from_numpy(b[::-1]), ember.from_numpy(v[::-1]))
    np.testing.assert_array_equal(r.numpy(), np.stack([np.searchsorted(b[::-1][i], v[::-1][i]) for i in range(3)]))
    assert ember.searchsorted(ember.tensor([1, 2, 3]), 2, right=True).item() == 2
    # mixed dtypes promote
    assert ember.searchsorted(ember.tensor([1, 2, 3]), ember.tensor([1.5, 2.5])).tolist() == [1, 2]


def test_searchsorted_errors():
    s = ember.tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    with pytest.raises(RuntimeError, match=r"boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                                           r"boundaries tensor and input value tensor must match, but we got "
                                           r"boundaries tensor \[2, 3\] and input value tensor \[3, 1\]"):
        ember.searchsorted(s, ember.ones(3, 1))
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites, got side of left while right "
                                           "was True"):
        ember.searchsorted(s[0], ember.ones(2), side="left", right=True)
    with pytest.raises(RuntimeError, match="side can only be 'left' or 'right' but got middle"):
        ember.searchsorted(s[0], ember.ones(2), side="middle")


@pytest.mark.parametrize("dtype", [ember.uint8, ember.int8, ember.int32, ember.int64])
def test_bincount(dtype):
    for n in (0, 1, 10):
        v = rng.integers(0, 6, n).astype(np_dtype(dtype))
        t = ember.from_numpy(v[::-1])
        np.testing.assert_array_equal(ember.bincount(t).numpy(), np.bincount(v[::-1]))
        np.testing.assert_array_equal(t.bincount(minlength=9).numpy(), np.bincount(v[::-1], minlength=9))
        assert t.bincount().dtype == ember.int64
        for wd in (ember.float32, ember.float64, ember.int32):
            w = make((n,), wd)[0]
            r = ember.bincount(t, weights=w, minlength=2)
            assert r.dtype == (ember.float32 if wd == ember.float32 else ember.float64)
            np.testing.assert_allclose(r.numpy(), np.bincount(v[::-1], weights=np_of(w), minlength=2), rtol=1e-6)


def test_bincount_errors():
    with pytest.raises(RuntimeError, match=r"bincount only supports 1-d non-negative integral inputs\."):
        ember.bincount(ember.tensor([1, -1]))
    with pytest.raises(RuntimeError, match=r"bincount only supports 1-d non-negative integral inputs\."):
        ember.bincount(ember.tensor([[1, 2]]))
    with pytest.raises(NotImplementedError, match=r"\"bincount_cpu\" not implemented for 'Float'"):
        ember.bincount(ember.tensor([1.0]))
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        ember.bincount(ember.tensor([1]), minlength=-1)
    with pytest.raises(RuntimeError, match="weights should be 1-d and have the same length as input"):
        ember.bincount(ember.tensor([1, 2]), weights=ember.ones(3))


def test_searchsorted_sorter_and_nondifferentiable_outputs():
    s = np.array([3.0, 1.0, 2.0, 5.0])
    srt = np.argsort(s)
    v = np.array([0.5, 1.5, 2.5, 9.0])
    got = ember.searchsorted(ember.from_numpy(s), ember.from_numpy(v), sorter=ember.from_numpy(srt))
    np.testing.assert_array_equal(got.numpy(), np.searchsorted(s, v, sorter=srt))
    x = ember.tensor([1.0, 2.0, 2.0], requires_grad=True)
    u = ember.unique(x)
    with pytest.raises(RuntimeError, match="the derivative for '_unique2' is not implemented"):
        u.sum().backward()
    w = ember.tensor([0.5, 1.0, 2.0], requires_grad=True)
    c = ember.bincount(ember.tensor([0, 1, 1]), w)
    np.testing.assert_allclose(c.detach().numpy(), [0.5, 3.0])
    with pytest.raises(RuntimeError, match="the derivative for 'bincount' is not implemented"):
        c.sum().backward()


def test_unique_dim_rows_inverse_counts():
    a = np.array([[1, 2], [0, 5], [1, 2], [0, 5], [3, 3]])
    u, inv, counts = ember.unique_dim(ember.tensor(a), 0)
    nu, ninv, ncounts = np.unique(a, axis=0, return_inverse=True, return_counts=True)
    assert u.tolist() == nu.tolist() and inv.tolist() == ninv.ravel().tolist() and counts.tolist() == ncounts.tolist()
    u1, _, _ = ember.unique_dim(ember.tensor(a.T), 1)  # along dim 1: the same slices, as columns
    assert u1.tolist() == nu.T.tolist()
