"""sum / mean / softmax / log_softmax / matmul against numpy with check_op."""
import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, T, check_op, returns,
                      same_as_first, sum_result_type)

RED_SHAPES = [((2, 3, 4),), ((3, 0, 2),), ((5,),)]
DIMS = [None, 0, -1, (0, 2), (-1, 0), (2, 1, 0), ()]


def _valid(shape, dim):
    """Whether dim (None, int or tuple) names distinct, in-range dims of shape."""
    if dim is None or dim == ():
        return True
    ds = dim if isinstance(dim, tuple) else (dim,)
    n = len(shape)
    return all(-n <= d < n for d in ds) and len({d % n for d in ds}) == len(ds)


def _axis(dim, ndim):
    if dim is None or dim == ():
        return None
    return dim


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
def test_sum(dim, keepdim):
    shapes = [s for s in RED_SHAPES if _valid(s[0], dim)]
    if dim is None:
        ember_fn = (lambda a: ember.sum(a)) if not keepdim else (lambda a: a.sum(None, True))
    else:
        ember_fn = lambda a: ember.sum(a, dim, keepdim=keepdim)  # noqa: E731
    check_op(ember_fn, lambda a: np.sum(a, axis=_axis(dim, a.ndim), keepdims=keepdim), T(),
             dtypes=ALL_DTYPES, shapes=shapes, result=sum_result_type, name=f"sum(dim={dim}, keepdim={keepdim})")


def test_sum_0d_and_method_and_dtype():
    check_op(lambda a: a.sum(), np.sum, T(), shapes=[((),), ((0,),)], result=sum_result_type, name="sum 0-d")
    check_op(lambda a: a.sum(0), lambda a: np.sum(a, 0), T(), shapes=[((),)], result=sum_result_type,
             name="sum 0-d dim=0")
    for d in (ember.float64, ember.int64, ember.float32):
        # the input is converted to dtype first (PyTorch's documented rule), so float -> int truncates
        check_op(lambda a: ember.sum(a, dim=1, dtype=d),
                 lambda a: np.sum(a if d in (ember.float32, ember.float64) else np.trunc(a), 1), T(),
                 dtypes=(ember.int8, ember.float16, ember.float32), shapes=[((3, 4),)], result=returns(d),
                 name=f"sum dtype={d}")


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
def test_mean(dim, keepdim):
    shapes = [s for s in RED_SHAPES if _valid(s[0], dim)]
    shapes = [s for s in shapes if 0 not in s[0]]  # empty means are nan: test_mean_empty
    check_op(lambda a: ember.mean(a, dim, keepdim) if dim is not None else a.mean(), lambda a: np.mean(
        a, axis=_axis(dim, a.ndim), keepdims=keepdim if dim is not None else False), T(), dtypes=FLOAT_DTYPES,
        shapes=shapes, result=same_as_first, name=f"mean(dim={dim}, keepdim={keepdim})")


def test_mean_dtype_and_errors():
    check_op(lambda a: a.mean(dim=(0,), dtype=ember.float64), lambda a: np.mean(a, 0), T(),
             dtypes=INT_DTYPES + FLOAT_DTYPES, shapes=[((3, 4),)], result=returns(ember.float64), name="mean dtype")
    with pytest.raises(RuntimeError, match="mean.*dtype.*Long|mean.*Int64|mean.*int64"):
        ember.arange(4).mean()


def test_mean_empty_is_nan():
    r = ember.zeros(0, 3).mean(0)
    np.testing.assert_array_equal(r.numpy(), np.full(3, np.nan, np.float32))
    np.testing.assert_array_equal(ember.zeros(0, 3).sum(0).numpy(), np.zeros(3, np.float32))


def _softmax(a, dim):
    if a.size == 0:
        return a
    e = np.exp(a - np.max(a, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax(a, dim):
    if a.size == 0:
        return a
    m = np.max(a, axis=dim, keepdims=True)
    return a - m - np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True))


@pytest.mark.parametrize("log", [False, True])
def test_softmax_every_dim(log):
    ref = _log_softmax if log else _softmax
    fn = ember.log_softmax if log else ember.softmax
    for dim in (0, 1, 2, -1, -2, -3):
        check_op(lambda a: fn(a, dim), lambda a: ref(a, dim), T(-5, 5), dtypes=FLOAT_DTYPES,
                 shapes=[((2, 3, 4),), ((1, 5, 1),)], result=same_as_first, name=f"{fn.__name__}(dim={dim})")
    check_op(lambda a: getattr(a, fn.__name__)(0), lambda a: ref(a, 0), T(-5, 5), dtypes=FLOAT_DTYPES,
             shapes=[((),), ((0,),), ((2, 0),), ((7,),)], result=same_as_first, name=fn.__name__ + " 0-d/empty")
    check_op(lambda a: fn(a, 1, dtype=ember.float64), lambda a: ref(a, 1), T(-5, 5),
             dtypes=(ember.float32, ember.float16, ember.int32), shapes=[((3, 4),)], result=returns(ember.float64),
             name=fn.__name__ + " dtype=float64")


def test_softmax_extremes():
    a = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, -np.inf], [-np.inf, -np.inf, -np.inf]])
    t = ember.from_numpy(a)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(ember.softmax(t, 1).numpy()[:2], _softmax(a[:2], 1), rtol=1e-12)
        np.testing.assert_allclose(ember.log_softmax(t, 1).numpy()[:2], _log_softmax(a[:2], 1), rtol=1e-12)
    assert np.isnan(ember.softmax(t, 1).numpy()[2]).all()  # as in PyTorch
    with pytest.raises(RuntimeError, match="softmax"):
        ember.softmax(ember.arange(3), 0)


MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (3, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,)),
                 ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((1, 1), (1, 1)), ((4, 1), (1, 5))]


def test_matmul():
    check_op(ember.matmul, np.matmul, T(), T(), dtypes=(ember.float32, ember.float64, ember.int64),
             shapes=MATMUL_SHAPES, result=same_as_first, name="matmul")
    check_op(lambda a, b: a @ b, np.matmul, T(), T(), dtypes=(ember.float32, ember.float64), shapes=MATMUL_SHAPES,
             layouts=("transposed", "negative"), result=same_as_first, name="@")
    check_op(lambda a, b: a.matmul(b), np.matmul, T(), T(), dtypes=INT_DTYPES + (ember.float16, ember.bfloat16),
             shapes=MATMUL_SHAPES[:6], layouts=("contiguous", "transposed"), result=same_as_first,
             name="Tensor.matmul")


def test_matmul_larger_blas_layouts():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((64, 48)), rng.standard_normal((48, 80))
    for x in (a, np.asfortranarray(a), a[::-1], np.ascontiguousarray(a.T).T):
        for y in (b, b[:, ::-1], np.ascontiguousarray(b.T).T, b[::1, ::2]):
            for dt in (np.float32, np.float64):
                xe, ye = x.astype(dt) if x.flags.c_contiguous else x.astype(dt, order="K"), y.astype(dt, order="K")
                got = (ember.from_numpy(xe) @ ember.from_numpy(ye)).numpy()
                np.testing.assert_allclose(got, xe.astype(np.float64) @ ye.astype(np.float64),
                                           rtol=1e-4 if dt == np.float32 else 1e-12, atol=1e-4 if dt == np.float32
                                           else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_vector_paths(dtype, log):
    """The AVX2 paths: rows of every tail length, column blocks (64 columns) with a masked tail,
    and -inf / +inf / NaN / huge entries, against numpy in float64."""
    rng = np.random.default_rng(3)
    fn = ember.log_softmax if log else ember.softmax
    ref = _log_softmax if log else _softmax
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)  # float sums of 1000 terms
    cases = [((3, n), 1) for n in (1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 65, 1000)]
    cases += [((n, 70), 0) for n in (1, 3, 9)] + [((2, 5, 130), 1), ((4, 3, 64), 1), ((3, 200), 0), ((6, 8), 0)]
    for shape, dim in cases:
        a = (rng.standard_normal(shape) * 4).astype(dtype)
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(fn(ember.from_numpy(a), dim).numpy(), ref(a.astype(np.float64), dim),
                                       **tol, err_msg=f"{shape} dim={dim}")
    # extremes in the vector body and in the tail of a row, and in a column block
    a = (rng.standard_normal((6, 37)) * 4).astype(dtype)
    a[0, 3] = a[0, 36] = -np.inf       # some -inf: exp gives 0 there
    a[1, :] = -np.inf                  # all -inf: NaN (as PyTorch)
    a[2, 20] = np.nan                  # NaN anywhere: NaN row
    a[3, 36] = np.nan                  # NaN in the tail
    a[4, 5] = 1e30 if dtype == np.float32 else 1e300  # huge: no overflow, one-hot
    a[5, 0] = np.inf                   # +inf: NaN (inf - inf)
    for t, dim in ((a, 1), (np.ascontiguousarray(a.T), 0)):
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(fn(ember.from_numpy(t), dim).numpy(), ref(t.astype(np.float64), dim),
                                       **tol, equal_nan=True)
