"""var / std / var_mean / std_mean, logsumexp, norm against numpy."""
import numpy as np
import pytest

import ember
from op_check import FLOAT_DTYPES, INT_DTYPES, T, check_op, float_result_type, returns, same_as_first

SHAPES = [((2, 3, 4),), ((5,),), ((),)]
DIMS = [None, 0, -1, (0, 2), (2, 1, 0)]


def _valid(shape, dim):
    if dim is None:
        return True
    ds = dim if isinstance(dim, tuple) else (dim,)
    n = max(len(shape), 1)
    return all(-n <= d < n for d in ds)


def _axis(dim, ndim):
    return None if dim is None or ndim == 0 else dim


def _shapes(dim):
    return [s for s in SHAPES if _valid(s[0], dim)]


@pytest.mark.parametrize("correction", [1, 0, 2])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std(op, dim, keepdim, correction):
    npf = np.var if op == "var" else np.std
    fn = getattr(ember, op)

    def ref(a):
        ax = _axis(dim, a.ndim)
        n = a.size if ax is None else np.prod([a.shape[d] for d in (ax if isinstance(ax, tuple) else (ax,))])
        with np.errstate(divide="ignore", invalid="ignore"):  # PyTorch divides by max(0, N - correction)
            ss = np.sum((a - np.mean(a, axis=ax, keepdims=True)) ** 2, axis=ax, keepdims=keepdim)
            v = ss / np.float64(max(n - correction, 0))
            return v if op == "var" else np.sqrt(v)

    shapes = [s for s in _shapes(dim)]
    check_op(lambda a: fn(a, dim, correction=correction, keepdim=keepdim), ref, T(), dtypes=FLOAT_DTYPES,
             shapes=shapes, result=same_as_first, name=f"{op}(dim={dim}, keepdim={keepdim}, correction={correction})")


def test_var_std_legacy_unbiased_tuple_and_errors():
    a = np.random.default_rng(1).uniform(-1, 1, (3, 4))
    t = ember.from_numpy(a)
    np.testing.assert_allclose(ember.var(t, unbiased=False).item(), np.var(a), rtol=1e-12)
    np.testing.assert_allclose(t.var(False).item(), np.var(a), rtol=1e-12)
    np.testing.assert_allclose(ember.std(t, 1, True, True).numpy(), np.std(a, 1, ddof=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(t.std(0, unbiased=False).numpy(), np.std(a, 0), rtol=1e-12)
    v, m = ember.var_mean(t, 1)
    np.testing.assert_allclose(v.numpy(), np.var(a, 1, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(m.numpy(), np.mean(a, 1), rtol=1e-12)
    s, m = ember.std_mean(t, dim=(0, 1), keepdim=True, correction=0)
    assert s.shape == (1, 1) and m.shape == (1, 1)
    np.testing.assert_allclose(s.item(), np.std(a), rtol=1e-12)
    s, m = ember.std_mean(t, 0, False)
    np.testing.assert_allclose(s.numpy(), np.std(a, 0), rtol=1e-12)
    assert np.isnan(ember.var(ember.ones(1)).item())
    with pytest.raises(RuntimeError, match="std and var only support floating point"):
        ember.arange(4).var()


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, -1, (0, 2), (2, 1, 0)])
def test_logsumexp(dim, keepdim):
    def ref(a):
        ax = dim if a.ndim else None
        m = np.max(a, axis=ax, keepdims=True)
        r = np.log(np.sum(np.exp(a - m), axis=ax, keepdims=True)) + m
        return r if keepdim or a.ndim == 0 else np.squeeze(r, axis=ax)

    check_op(lambda a: ember.logsumexp(a, dim, keepdim), ref, T(), dtypes=FLOAT_DTYPES + INT_DTYPES,
             shapes=_shapes(dim), result=float_result_type, name=f"logsumexp(dim={dim}, keepdim={keepdim})")


def test_logsumexp_extremes():
    t = ember.tensor([[1000.0, 1000.0], [-float("inf"), -float("inf")], [float("inf"), 1.0]], dtype=ember.float64)
    r = t.logsumexp(1).numpy()
    np.testing.assert_allclose(r[0], 1000.0 + np.log(2.0))
    assert r[1] == -np.inf and r[2] == np.inf
    assert ember.logsumexp(ember.zeros(0, 2), 0).tolist() == [-np.inf, -np.inf]


@pytest.mark.parametrize("p", [2, 1, float("inf"), -float("inf"), 0, 3, 0.5, "fro"])
@pytest.mark.parametrize("dim", [None, 1, (0, 1), -1])
def test_norm(p, dim):
    def ref(a):
        ax = _axis(dim, a.ndim)
        q = 2 if p == "fro" else p
        x = np.abs(a)
        if q == float("inf"):
            return np.max(x, axis=ax)
        if q == -float("inf"):
            return np.min(x, axis=ax)
        if q == 0:
            return np.sum(x != 0, axis=ax).astype(np.float64)
        return np.sum(x ** q, axis=ax) ** (1.0 / q)

    shapes = [s for s in [((3, 4),), ((2, 3, 4),), ((),)] if _valid(s[0], dim)]
    check_op(lambda a: ember.norm(a, p, dim), ref, T(), dtypes=FLOAT_DTYPES, shapes=shapes,
             result=same_as_first, name=f"norm(p={p}, dim={dim})")
    check_op(lambda a: a.norm(p, dim, keepdim=True, dtype=ember.float64),
             lambda a: np.expand_dims(ref(a), tuple(range(a.ndim)) if dim is None else dim) if a.ndim else ref(a),
             T(), dtypes=(ember.float32,), shapes=shapes, result=returns(ember.float64), name=f"norm keepdim p={p}")


def test_norm_errors():
    with pytest.raises(RuntimeError, match="norm.*floating point"):
        ember.arange(3).norm()
    assert ember.norm(ember.tensor([3.0, 4.0])).item() == 5.0
