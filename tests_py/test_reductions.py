"""sum, mean, softmax / log_softmax (every dim, extremes, the vector paths), prod, nansum, amax/amin,
max/min, argmax/argmin, all/any, count_nonzero against numpy."""
import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, NUMERIC_DTYPES, T, check_op, returns, same_as_first,
                      sum_result_type)


SHAPES = [((2, 3, 4),), ((3, 0, 2),), ((5,),), ((),)]
DIMS = [None, 0, -1, (0, 2), (-1, 0), (2, 1, 0), ()]


def _valid(shape, dim):
    if dim is None or dim == ():
        return True
    ds = dim if isinstance(dim, tuple) else (dim,)
    n = max(len(shape), 1)
    return all(-n <= d < n for d in ds) and len({d % n for d in ds}) == len(ds)


def _axis(dim, ndim):
    if dim is None or dim == () or ndim == 0:
        return None
    return dim


def _nonempty_over(shape, dim):
    """Whether a min/max-like reduction of shape over dim has something to select from."""
    if dim is None or dim == ():
        return 0 not in shape
    ds = dim if isinstance(dim, tuple) else (dim,)
    return len(shape) == 0 or all(shape[d] != 0 for d in ds)


def _shapes(dim, need_nonempty=False):
    return [s for s in SHAPES if _valid(s[0], dim) and (not need_nonempty or _nonempty_over(s[0], dim))]


# ---------------------------------------------------------------- prod / nansum
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_prod(dim, keepdim):
    if dim is None:
        fn = (lambda a: ember.prod(a)) if not keepdim else None
        if fn is None:
            return
    else:
        fn = lambda a: ember.prod(a, dim, keepdim=keepdim)  # noqa: E731
    n = check_op(fn, lambda a: np.prod(a, axis=_axis(dim, a.ndim), keepdims=keepdim and a.ndim > 0),
                 T(-2, 2), dtypes=ALL_DTYPES, shapes=_shapes(dim), result=sum_result_type,
                 name=f"prod(dim={dim}, keepdim={keepdim})")
    assert n > 0


def test_prod_dtype_method_and_zeros():
    check_op(lambda a: a.prod(1, dtype=ember.float64), lambda a: np.prod(a, 1), T(-2, 2), dtypes=NUMERIC_DTYPES,
             shapes=[((3, 4),)], result=returns(ember.float64), name="prod dtype")
    t = ember.tensor([[1.0, 0.0, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(t.prod(1).numpy(), [0.0, 8.0])
    assert ember.prod(ember.zeros(0)).item() == 1.0
    assert ember.prod(ember.tensor([True, True])).dtype == ember.int64
    with pytest.raises(IndexError, match="prod.*out of range"):
        ember.ones(2, 3).prod(2)


@pytest.mark.parametrize("dim", DIMS)
def test_nansum(dim):
    def ref(a):
        return np.nansum(a, axis=_axis(dim, a.ndim))

    check_op(lambda a: ember.nansum(a, dim), ref, T(), dtypes=ALL_DTYPES, shapes=_shapes(dim),
             result=sum_result_type, name=f"nansum(dim={dim})")
    t = ember.tensor([[1.0, float("nan")], [float("nan"), float("nan")]])
    np.testing.assert_array_equal(ember.nansum(t, 1).numpy(), [1.0, 0.0])
    assert ember.nansum(t).item() == 1.0


# ---------------------------------------------------------------- amax / amin / max / min
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("op", ["amax", "amin"])
def test_amax_amin(op, dim, keepdim):
    npf = np.max if op == "amax" else np.min
    fn = getattr(ember, op)
    n = check_op(lambda a: fn(a, dim, keepdim) if dim is not None else fn(a, keepdim=keepdim),
                 lambda a: npf(a, axis=_axis(dim, a.ndim), keepdims=keepdim),
                 T(), dtypes=ALL_DTYPES, shapes=_shapes(dim, True), result=same_as_first,
                 name=f"{op}(dim={dim}, keepdim={keepdim})")
    assert n > 0


def test_amax_errors_and_nan():
    with pytest.raises(IndexError, match=r"amax\(\): Expected reduction dim 1 to have non-zero size"):
        ember.zeros(3, 0).amax(1)
    with pytest.raises(IndexError, match=r"amin\(\): Expected reduction dim to be specified for input.numel\(\) == 0"):
        ember.zeros(3, 0).amin()
    assert ember.zeros(0, 3).amax(1).shape == (0,)
    t = ember.tensor([[1.0, float("nan"), 3.0], [1.0, 2.0, 3.0]])
    r = t.amax(1).numpy()
    assert np.isnan(r[0]) and r[1] == 3.0
    assert np.isnan(t.max().item()) and np.isnan(ember.min(t).item())


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_full(op):
    npf = np.max if op == "max" else np.min
    fn = getattr(ember, op)
    check_op(lambda a: fn(a), npf, T(), dtypes=ALL_DTYPES, shapes=[((2, 3, 4),), ((5,),), ((),)],
             result=same_as_first, name=f"{op}()")
    check_op(lambda a: getattr(a, op)(), npf, T(), dtypes=FLOAT_DTYPES, shapes=[((3, 4),)], result=same_as_first,
             name=f"Tensor.{op}()")
    with pytest.raises(IndexError, match=rf"{op}\(\): Expected reduction dim to be specified for input.numel\(\) "
                                         r"== 0. Specify the reduction dim with the 'dim' argument."):
        fn(ember.zeros(2, 0))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1, 2])
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim(op, dim, keepdim):
    npf, npa = (np.max, np.argmax) if op == "max" else (np.min, np.argmin)
    fn = getattr(ember, op)
    shapes = [s for s in _shapes(dim, True) if len(s[0]) > 0] + ([((),)] if dim in (0, -1) else [])

    def ref_idx(a):
        if a.ndim == 0:
            return np.zeros((), np.int64)
        r = npa(a, axis=dim)
        return np.expand_dims(r, dim) if keepdim else r

    check_op(lambda a: fn(a, dim, keepdim).values, lambda a: npf(a, axis=dim if a.ndim else None, keepdims=keepdim),
             T(), dtypes=ALL_DTYPES, shapes=shapes, result=same_as_first, name=f"{op}(dim).values")
    check_op(lambda a: fn(a, dim=dim, keepdim=keepdim)[1], ref_idx, T(), dtypes=ALL_DTYPES, shapes=shapes,
             result=returns(ember.int64), name=f"{op}(dim).indices")


def test_max_dim_named_tuple_ties_nan_and_errors():
    t = ember.tensor([[1.0, 3.0, 3.0], [2.0, float("nan"), 5.0], [4.0, 4.0, 0.0]])
    r = ember.max(t, 1)
    assert isinstance(r, ember.return_types.max) and isinstance(r, tuple)
    v, i = r
    assert r.values is v and r.indices is i
    np.testing.assert_array_equal(i.numpy(), [1, 1, 0])  # first of the ties; NaN wins
    assert np.isnan(v.numpy()[1])
    v, i = t.min(dim=0, keepdim=True)
    assert v.shape == (1, 3) and i.dtype == ember.int64
    np.testing.assert_array_equal(i.numpy(), [[0, 1, 2]])  # NaN is the minimum too
    with pytest.raises(IndexError, match=r"max\(\): Expected reduction dim 1 to have non-zero size"):
        ember.zeros(3, 0).max(1)
    assert ember.zeros(0, 3).max(1).values.shape == (0,)
    with pytest.raises(IndexError, match="out of range"):
        ember.ones(2).max(1)
    # max(other) is maximum
    a, b = ember.tensor([1.0, 5.0]), ember.tensor([3.0, 2.0])
    np.testing.assert_array_equal(ember.max(a, b).numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(a.min(b).numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(ember.max(a, other=b).numpy(), [3.0, 5.0])


# ---------------------------------------------------------------- argmax / argmin
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin(op, dim, keepdim):
    npa = np.argmax if op == "argmax" else np.argmin
    fn = getattr(ember, op)

    def ref(a):
        if dim is None:
            r = np.asarray(npa(a.reshape(-1)))
            return r.reshape((1,) * a.ndim) if keepdim else r
        if a.ndim == 0:
            return np.zeros((), np.int64)
        r = npa(a, axis=dim)
        return np.expand_dims(r, dim) if keepdim else r

    shapes = [s for s in _shapes(dim, True)]
    check_op(lambda a: fn(a, dim, keepdim), ref, T(-2, 2), dtypes=ALL_DTYPES, shapes=shapes,
             result=returns(ember.int64), name=f"{op}(dim={dim}, keepdim={keepdim})")


def test_argmax_errors_and_nan():
    with pytest.raises(IndexError, match=r"argmax\(\): Expected reduction dim to be specified for input.numel"):
        ember.zeros(0).argmax()
    with pytest.raises(IndexError, match=r"argmin\(\): Expected reduction dim 0 to have non-zero size"):
        ember.zeros(0, 2).argmin(0)
    assert ember.tensor([1.0, float("nan"), 5.0, float("nan")]).argmax().item() == 1
    assert ember.tensor([1.0, float("nan"), 5.0]).argmin().item() == 1


# ---------------------------------------------------------------- all / any / count_nonzero
def _bool_result(*operands):
    return ember.uint8 if operands[0][0] == ember.uint8 else ember.bool


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("op", ["all", "any"])
def test_all_any(op, dim, keepdim):
    npf = np.all if op == "all" else np.any
    fn = getattr(ember, op)
    check_op(lambda a: fn(a, dim, keepdim) if dim is not None else getattr(a, op)(keepdim=keepdim),
             # an empty dim list reduces nothing in all/any (PyTorch), unlike sum's "every dim"
             lambda a: npf(a, axis=() if dim == () else _axis(dim, a.ndim), keepdims=keepdim), T(-1, 1), dtypes=ALL_DTYPES,
             shapes=_shapes(dim), result=_bool_result, name=f"{op}(dim={dim}, keepdim={keepdim})")


def test_all_any_nan_and_empty():
    t = ember.tensor([float("nan"), 0.0])
    assert ember.any(t).item() is True and ember.all(t).item() is False
    assert ember.all(ember.zeros(0)).item() is True and ember.any(ember.zeros(0)).item() is False
    assert ember.all(ember.ones(2, dtype=ember.uint8)).dtype == ember.uint8


@pytest.mark.parametrize("dim", DIMS)
def test_count_nonzero(dim):
    check_op(lambda a: ember.count_nonzero(a, dim), lambda a: np.count_nonzero(a, axis=_axis(dim, a.ndim)),
             T(-1, 1), dtypes=ALL_DTYPES, shapes=_shapes(dim), result=returns(ember.int64),
             name=f"count_nonzero(dim={dim})")
    assert ember.tensor([[0, 1], [2, 3]]).count_nonzero(0).tolist() == [1, 2]


@pytest.mark.parametrize("n", [53, 1300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
def test_long_rows_ties_and_nan(dtype, n):
    """Rows long enough for the vectorized (and float16's blocked) paths; ties (first index wins) and NaN
    (propagates, first wins)."""
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((9, n)) * 10).astype(dtype)
    if n > 1000:
        a[2, 700] = a[2, 1100] = a[2].max() + 1  # a tie across float16 blocks
        if np.issubdtype(dtype, np.floating):
            a[7, 900] = a[7, 1200] = np.nan
    a[5, 2] = a[5, 40] = a[5].max() + 1  # a tie for the maximum
    a[6, 7] = a[6, 19] = a[6].min() - 1  # a tie for the minimum
    if np.issubdtype(dtype, np.floating):
        a[3, 20] = a[3, 33] = np.nan
        a[4, n - 1] = np.nan  # in the tail
    t = ember.from_numpy(a)
    for fn, npf, npa in ((ember.max, np.max, np.argmax), (ember.min, np.min, np.argmin)):
        v, i = fn(t, 1)
        np.testing.assert_array_equal(v.numpy(), npf(a, 1))
        np.testing.assert_array_equal(i.numpy(), npa(a, 1))
        np.testing.assert_array_equal(fn(t.T, 0).indices.numpy(), npa(a, 1))
    np.testing.assert_array_equal(t.argmax(1).numpy(), np.argmax(a, 1))
    np.testing.assert_array_equal(t.amin(1).numpy(), np.min(a, 1))
    np.testing.assert_array_equal(ember.max(t).numpy(), np.max(a))
    np.testing.assert_array_equal(t.argmin().numpy(), np.argmin(a))


RED_SHAPES = [((2, 3, 4),), ((3, 0, 2),), ((5,),)]


def _valid_dims(shape, dim):
    """Whether dim (None, int or tuple) names distinct, in-range dims of shape."""
    if dim is None or dim == ():
        return True
    ds = dim if isinstance(dim, tuple) else (dim,)
    n = len(shape)
    return all(-n <= d < n for d in ds) and len({d % n for d in ds}) == len(ds)


def _np_axis(dim, ndim):
    if dim is None or dim == ():
        return None
    return dim


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


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
def test_sum(dim, keepdim):
    shapes = [s for s in RED_SHAPES if _valid_dims(s[0], dim)]
    if dim is None:
        ember_fn = (lambda a: ember.sum(a)) if not keepdim else (lambda a: a.sum(None, True))
    else:
        ember_fn = lambda a: ember.sum(a, dim, keepdim=keepdim)  # noqa: E731
    check_op(ember_fn, lambda a: np.sum(a, axis=_np_axis(dim, a.ndim), keepdims=keepdim), T(),
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
    shapes = [s for s in RED_SHAPES if _valid_dims(s[0], dim)]
    shapes = [s for s in shapes if 0 not in s[0]]  # empty means are nan: test_mean_empty
    check_op(lambda a: ember.mean(a, dim, keepdim) if dim is not None else a.mean(), lambda a: np.mean(
        a, axis=_np_axis(dim, a.ndim), keepdims=keepdim if dim is not None else False), T(), dtypes=FLOAT_DTYPES,
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
