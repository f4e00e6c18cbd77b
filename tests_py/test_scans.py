"""cumsum / cumprod, cummax / cummin, kthvalue, median against numpy."""
import numpy as np
import pytest

import ember
from op_check import ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, T, check_op, returns, same_as_first, sum_result_type

SHAPES = [((2, 3, 4),), ((3, 0, 2),), ((5,),), ((),)]


def _shapes(dim, nonempty=False):
    out = []
    for (s,) in SHAPES:
        n = max(len(s), 1)
        if not -n <= dim < n:
            continue
        if nonempty and len(s) and s[dim] == 0:
            continue
        out.append((s,))
    return out


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_cumsum_cumprod(op, dim):
    npf = np.cumsum if op == "cumsum" else np.cumprod
    fn = getattr(ember, op)

    def ref(a):
        return npf(a, axis=dim).reshape(a.shape) if a.ndim else a

    n = check_op(lambda a: fn(a, dim), ref, T(-2, 2), dtypes=ALL_DTYPES, shapes=_shapes(dim), result=sum_result_type,
                 name=f"{op}(dim={dim})")
    assert n > 0
    check_op(lambda a: getattr(a, op)(dim, dtype=ember.float64), ref, T(-2, 2), dtypes=NUMERIC_DTYPES,
             shapes=[((3, 4),)], result=returns(ember.float64), name=f"{op} dtype")
    with pytest.raises(IndexError, match="out of range"):
        fn(ember.ones(2, 3), 2)


def _np_cummax(a, dim, is_max):
    a = np.moveaxis(a, dim, -1)
    v, ix = np.empty_like(a), np.zeros(a.shape, np.int64)
    for idx in np.ndindex(a.shape[:-1]):
        row = a[idx]
        best, bi = row[0] if len(row) else 0, 0
        for i, x in enumerate(row):
            if not np.isnan(best) and (np.isnan(x) or (x >= best if is_max else x <= best)):
                best, bi = x, i
            v[idx + (i,)] = best
            ix[idx + (i,)] = bi
    return np.moveaxis(v, -1, dim), np.moveaxis(ix, -1, dim)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("op", ["cummax", "cummin"])
def test_cummax_cummin(op, dim):
    fn = getattr(ember, op)
    shapes = [s for s in _shapes(dim) if len(s[0])]
    for k in (0, 1):
        check_op(lambda a: fn(a, dim)[k], lambda a: _np_cummax(a, dim, op == "cummax")[k], T(-2, 2),
                 dtypes=ALL_DTYPES, shapes=shapes, result=same_as_first if k == 0 else returns(ember.int64),
                 name=f"{op}(dim={dim})[{k}]")
    r = fn(ember.tensor([1.0, 3.0, 3.0, float("nan"), 5.0]), 0)
    assert isinstance(r, ember.return_types.__dict__[op])
    assert r.indices.tolist() == ([0, 1, 2, 3, 3] if op == "cummax" else [0, 0, 0, 3, 3])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_kthvalue(dim):
    for k in (1, 2):
        def ref(a, k=k):
            return np.sort(a, axis=dim).take(k - 1, axis=dim)

        shapes = [s for s in _shapes(dim, True) if len(s[0]) and s[0][dim] >= k]
        check_op(lambda a: ember.kthvalue(a, k, dim).values, ref, T(), dtypes=NUMERIC_DTYPES, shapes=shapes,
                 result=same_as_first, name=f"kthvalue(k={k}, dim={dim})")
    a = np.random.default_rng(0).permutation(24).reshape(2, 3, 4).astype(np.float32)
    v, i = ember.from_numpy(a).kthvalue(2, dim, keepdim=True)
    np.testing.assert_array_equal(np.take_along_axis(a, i.numpy(), dim), v.numpy())
    with pytest.raises(RuntimeError, match="selected number k out of range"):
        ember.ones(3).kthvalue(4)


def test_median():
    rng = np.random.default_rng(0)
    for shape in [(7,), (6,), (3, 4), (2, 3, 5)]:
        a = rng.standard_normal(shape)
        t = ember.from_numpy(a)
        lower = np.sort(a.reshape(-1))[(a.size - 1) // 2]
        assert t.median().item() == lower
        for d in range(len(shape)):
            r = ember.median(t, d)
            assert isinstance(r, ember.return_types.median)
            exp = np.take(np.sort(a, axis=d), (shape[d] - 1) // 2, axis=d)
            np.testing.assert_array_equal(r.values.numpy(), exp)
            np.testing.assert_array_equal(np.take_along_axis(a, np.expand_dims(r.indices.numpy(), d), d),
                                          np.expand_dims(exp, d))
            assert t.median(d, keepdim=True).values.shape == tuple(1 if i == d else s for i, s in enumerate(shape))
    t = ember.tensor([[1.0, float("nan"), 2.0, float("nan")], [3.0, 1.0, 2.0, 0.0]])
    v, i = t.median(1)
    assert np.isnan(v.numpy()[0]) and v.numpy()[1] == 1.0 and i.tolist() == [1, 1]
    assert np.isnan(t.median().item())
    assert np.isnan(ember.zeros(0).median().item())
    assert ember.tensor([3, 1, 2, 5]).median().item() == 2
    with pytest.raises(IndexError, match=r"median\(\): Expected reduction dim 1 to have non-zero size"):
        ember.zeros(2, 0).median(1)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_quantile(dim, interpolation):
    rng = np.random.default_rng(5)
    for shape in [(3, 5), (2, 4, 6), (7,), ()]:
        if dim is not None and not -max(len(shape), 1) <= dim < max(len(shape), 1):
            continue
        a = rng.standard_normal(shape)
        t = ember.from_numpy(a)
        for q in (0.0, 0.3, 0.5, 0.75, 1.0):
            for keepdim in (False, True):
                got = ember.quantile(t, q, dim, keepdim, interpolation=interpolation)
                exp = np.quantile(a, q, axis=dim if a.ndim else None, keepdims=keepdim, method=interpolation)
                np.testing.assert_allclose(got.numpy(), exp, rtol=1e-12, err_msg=f"{shape} q={q} dim={dim}")
        qs = np.array([0.1, 0.5, 0.9])
        got = t.quantile(ember.from_numpy(qs), dim=dim, interpolation=interpolation)
        exp = np.quantile(a, qs, axis=dim if a.ndim else None, method=interpolation)
        np.testing.assert_allclose(got.numpy(), exp, rtol=1e-12)


def test_quantile_nan_float32_and_errors():
    t = ember.tensor([[1.0, float("nan"), 3.0], [1.0, 2.0, 4.0]])
    r = t.quantile(0.5, 1).numpy()
    assert np.isnan(r[0]) and r[1] == 2.0
    assert t.dtype == ember.float32 and t.quantile(0.5).dtype == ember.float32
    with pytest.raises(RuntimeError, match="q values must be in the range"):
        ember.quantile(ember.ones(3), 1.5)
    with pytest.raises(RuntimeError, match="input tensor must be either float or double"):
        ember.quantile(ember.arange(3), 0.5)
    with pytest.raises(RuntimeError, match="interpolation must be one of"):
        ember.quantile(ember.ones(3), 0.5, interpolation="cubic")
    with pytest.raises(RuntimeError, match="q must be a scalar or 1D tensor"):
        ember.quantile(ember.ones(3), ember.ones(2, 2) * 0.5)
