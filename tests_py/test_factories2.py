"""*_like / new_* factories, linspace, logspace, eye, tril/triu, meshgrid, zero_, type_as."""
import numpy as np
import pytest

import ember
from ember.autograd import gradcheck


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
