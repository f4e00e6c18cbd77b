"""Reductions over outer / middle dims of contiguous tensors (the copy-free column path) and long
full sums (the chunked parallel path), large enough for the parallel loops, against numpy."""
import numpy as np
import pytest

import ember

SHAPES_DIMS = [((300, 400), 0), ((40, 70, 30), 1), ((40, 70, 30), 0), ((6, 5, 7, 800), (1, 2)),
               ((3, 2, 70000), 1), ((70000, 3), 0), ((5, 2000, 33), -2)]


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-50, 50, size=shape).astype(dtype)  # many ties
    return (rng.standard_normal(shape) * 10).astype(dtype)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape,dim", SHAPES_DIMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_sum_mean_outer_dims(dtype, shape, dim, keepdim):
    a = _data(shape, dtype)
    t = ember.from_numpy(a)
    got = ember.sum(t, dim, keepdim=keepdim).numpy()
    want = np.sum(a.astype(np.float64) if dtype != np.int64 else a, axis=dim, keepdims=keepdim)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 100)
    if dtype != np.int64:
        np.testing.assert_allclose(ember.mean(t, dim, keepdim=keepdim).numpy(),
                                   np.mean(a.astype(np.float64), axis=dim, keepdims=keepdim), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape,dim", [s for s in SHAPES_DIMS if not isinstance(s[1], tuple)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.float16])
def test_max_min_argmax_outer_dims(dtype, shape, dim, keepdim):
    a = _data(shape, dtype, seed=1)
    if np.issubdtype(dtype, np.floating):
        flat = a.reshape(-1)
        rng = np.random.default_rng(2)
        flat[rng.integers(0, flat.size, size=max(1, flat.size // 500))] = np.nan  # scattered NaNs
        a[(0,) * a.ndim] = np.nan  # a NaN in row 0 of a column
    t = ember.from_numpy(a)
    for fn, npf, npa in ((ember.max, np.max, np.argmax), (ember.min, np.min, np.argmin)):
        v, i = fn(t, dim, keepdim=keepdim)
        np.testing.assert_array_equal(v.numpy(), npf(a, axis=dim, keepdims=keepdim))
        np.testing.assert_array_equal(i.numpy(), npa(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(ember.argmax(t, dim, keepdim=keepdim).numpy(), np.argmax(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(ember.argmin(t, dim, keepdim=keepdim).numpy(), np.argmin(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(ember.amax(t, dim, keepdim=keepdim).numpy(), np.max(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(ember.amin(t, dim, keepdim=keepdim).numpy(), np.min(a, axis=dim, keepdims=keepdim))


def test_amax_outer_multi_dims_and_nan_rows():
    a = _data((6, 5, 7, 800), np.float32)
    a[2, 3, 4, :] = np.nan  # a whole NaN row along the last dim
    a[0, 0, 0, 17] = np.nan
    t = ember.from_numpy(a)
    np.testing.assert_array_equal(ember.amax(t, (1, 2)).numpy(), np.max(a, axis=(1, 2)))
    np.testing.assert_array_equal(ember.amin(t, (0, 1), keepdim=True).numpy(), np.min(a, axis=(0, 1), keepdims=True))
    v, i = ember.max(t, 0)
    np.testing.assert_array_equal(v.numpy(), np.max(a, 0))
    np.testing.assert_array_equal(i.numpy(), np.argmax(a, 0))


def test_outer_ties_first_index():
    a = np.zeros((1000, 300), np.float32)
    a[10, :] = 5
    a[500, :] = 5
    a[20, 7] = -3
    a[900, 7] = -3
    t = ember.from_numpy(a)
    assert (ember.max(t, 0).indices.numpy() == 10).all()
    i = ember.min(t, 0).indices.numpy()
    assert i[7] == 20 and (np.delete(i, 7) == 0).all()
    np.testing.assert_array_equal(ember.argmax(t, 0).numpy(), np.argmax(a, 0))


def test_non_contiguous_falls_back():
    a = _data((300, 400), np.float32)
    t = ember.from_numpy(a).T  # not contiguous: the row path with a copy
    np.testing.assert_allclose(ember.sum(t, 0).numpy(), a.astype(np.float64).sum(1), rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(ember.max(t, 0).indices.numpy(), np.argmax(a, 1))
    np.testing.assert_array_equal(ember.amax(t, 1).numpy(), np.max(a, 0))


@pytest.mark.parametrize("n", [(1 << 18) + 37, (1 << 20)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_long_full_and_row_sums(dtype, n):
    a = _data((n,), dtype, seed=5) + (3 if dtype != np.int64 else 0)  # a nonzero mean
    t = ember.from_numpy(a)
    want = a.astype(np.float64).sum() if dtype != np.int64 else a.sum()
    got = ember.sum(t).item()
    if dtype == np.int64:
        assert got == want
    else:
        assert abs(got - want) <= (1e-5 if dtype == np.float32 else 1e-12) * np.abs(a).astype(np.float64).sum()
    b = a.reshape(2, -1) if n % 2 == 0 else a[:-1].reshape(2, -1)
    np.testing.assert_allclose(ember.from_numpy(np.ascontiguousarray(b)).sum(1).numpy(),
                               b.astype(np.float64).sum(1) if dtype != np.int64 else b.sum(1), rtol=1e-5)
    # deterministic: same answer with one thread
    if hasattr(ember, "set_num_threads") and hasattr(ember, "get_num_threads"):
        nt = ember.get_num_threads()
        ember.set_num_threads(1)
        try:
            assert ember.sum(t).item() == got
        finally:
            ember.set_num_threads(nt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_long_rows_blocked_select(dtype):
    """Innermost-dim max/argmax on rows longer than one block: ties across blocks, NaN late in a row."""
    a = _data((6, 10000), dtype, seed=7)
    a[1, 100] = a[1, 9000] = 1000  # tie across blocks: the first wins
    a[2, 5000] = a[2, 5001] = -1000
    a[3, 7000] = np.nan
    a[4, 9999] = np.nan
    a[4, 3] = 1000
    t = ember.from_numpy(a)
    for fn, npf, npa in ((ember.max, np.max, np.argmax), (ember.min, np.min, np.argmin)):
        v, i = fn(t, 1)
        np.testing.assert_array_equal(v.numpy(), npf(a, 1))
        np.testing.assert_array_equal(i.numpy(), npa(a, 1))
    np.testing.assert_array_equal(ember.amax(t, 1).numpy(), np.max(a, 1))
    np.testing.assert_array_equal(ember.argmax(t).numpy(), np.argmax(a))


@pytest.mark.parametrize("n", [32, 33, 64, 100, 255, 256, 257, 511, 543, 4096, 4103])
def test_inner_select_single_pass(n):
    """float32 max/min/argmax over the last dim (the one-pass vector path): ties inside and across
    lanes and in the tail, signed zeros, infinities, a NaN anywhere."""
    rng = np.random.default_rng(n)
    a = rng.integers(-20, 20, size=(12, n)).astype(np.float32)  # many ties
    a[1] = 0.0
    a[1, n // 2] = -0.0
    a[2, n - 1] = 100  # the extreme in the tail
    a[3, 0] = a[3, n - 1] = 100  # first element and last tie
    a[4, 5] = np.inf
    a[4, n - 2] = np.inf
    a[5, :] = -np.inf
    a[6, n - 1] = np.nan  # a NaN in the tail
    a[7, 0] = np.nan
    a[8, n // 3] = np.nan
    a[8, n // 3 + 1] = np.nan
    a[9, 7] = a[9, 15] = a[9, 23] = a[9, 31] = 50  # same value in several lanes: the first index wins
    a[10, 31] = a[10, 8] = -50
    t = ember.from_numpy(a)
    for fn, npf, npa in ((ember.max, np.max, np.argmax), (ember.min, np.min, np.argmin)):
        v, i = fn(t, 1)
        np.testing.assert_array_equal(v.numpy(), npf(a, 1))
        np.testing.assert_array_equal(i.numpy(), npa(a, 1))
    np.testing.assert_array_equal(ember.argmax(t, 1).numpy(), np.argmax(a, 1))
    np.testing.assert_array_equal(ember.argmin(t, -1).numpy(), np.argmin(a, 1))
    # a strided (non-contiguous) view and a negative stride reach the same answers
    s = t[:, ::-1]
    np.testing.assert_array_equal(ember.argmax(s, 1).numpy(), np.argmax(a[:, ::-1], 1))


@pytest.mark.parametrize("shape,dim", SHAPES_DIMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.bool_])
def test_nansum_all_any_count_prod_outer_dims(dtype, shape, dim):
    """The copy-free column path of nansum, all, any, count_nonzero and prod (one dim) against numpy."""
    rng = np.random.default_rng(11)
    if dtype == np.bool_:
        a = rng.random(shape) < 0.7
    elif np.issubdtype(dtype, np.integer):
        a = rng.integers(0, 3, size=shape).astype(dtype)  # zeros for all/any/count, small for prod
    else:
        a = rng.choice(np.array([0.0, 1.0, -1.0, 0.5, 2.0, np.nan], dtype), size=shape)
    t = ember.from_numpy(a)
    dims = dim if isinstance(dim, tuple) else (dim,)
    np.testing.assert_array_equal(ember.all(t, dims).numpy(), np.all(a, axis=dims))
    np.testing.assert_array_equal(ember.any(t, dims).numpy(), np.any(a, axis=dims))
    np.testing.assert_array_equal(ember.count_nonzero(t, dims).numpy(), np.count_nonzero(a, axis=dims))
    if np.issubdtype(dtype, np.floating):
        np.testing.assert_allclose(ember.nansum(t, dims).numpy(), np.nansum(a.astype(np.float64), axis=dims),
                                   rtol=1e-5)
    if not isinstance(dim, tuple) and dtype != np.bool_:
        b = np.where(np.isnan(a), 1, a).astype(dtype) if np.issubdtype(dtype, np.floating) else a
        b = np.where(np.abs(b) > 1, 1, b).astype(dtype)  # no overflow: values in {-1, 0, 0.5, 1}
        ref = np.prod(b.astype(np.float64), axis=dim)
        np.testing.assert_allclose(ember.prod(ember.from_numpy(b), dim).numpy().astype(np.float64), ref, rtol=1e-6)
