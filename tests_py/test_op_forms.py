"""Forms of ops that PyTorch code uses and that are overloads or options of schema ops: out= of the
native ops (cat, matmul, mm, mv, bmm, dot, outer, addmm), div(rounding_mode=), lerp with a tensor weight,
where(condition), index_add(alpha=), random_() and random_(to). Values against numpy."""
import numpy as np
import pytest

import ember

rng = np.random.default_rng(0)


def t(a):
    return ember.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize("name,args,np_fn", [
    ("cat", lambda: ([t(rng.random((2, 3))), t(rng.random((1, 3)))],), lambda a: np.concatenate(a)),
    ("matmul", lambda: (t(rng.random((2, 3))), t(rng.random((3, 4)))), np.matmul),
    ("mm", lambda: (t(rng.random((2, 3))), t(rng.random((3, 4)))), np.matmul),
    ("mv", lambda: (t(rng.random((2, 3))), t(rng.random(3))), np.matmul),
    ("bmm", lambda: (t(rng.random((2, 2, 3))), t(rng.random((2, 3, 2)))), np.matmul),
    ("dot", lambda: (t(rng.random(3)), t(rng.random(3))), np.dot),
    ("outer", lambda: (t(rng.random(3)), t(rng.random(2))), np.outer),
])
def test_out_of_native_ops(name, args, np_fn):
    a = args()
    want = np_fn(*[x.numpy() if isinstance(x, ember.Tensor) else [y.numpy() for y in x] for x in a])
    out = ember.empty(want.shape, dtype=ember.float64)
    r = getattr(ember, name)(*a, out=out)
    assert r is out
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-12)
    resized = ember.empty(0, dtype=ember.float64)  # resized to the result's shape, as in PyTorch
    getattr(ember, name)(*a, out=resized)
    np.testing.assert_allclose(resized.numpy(), want, rtol=1e-12)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        getattr(ember, name)(*a, out=ember.empty(want.shape, dtype=ember.int64))
    assert ember._C._python_overload(getattr(ember, name), *a, out=out) == f"aten::{name}.out"


def test_out_of_addmm_and_autograd_refusal():
    m, a, b = ember.ones(2, 2), ember.ones(2, 3), ember.ones(3, 2)
    out = ember.empty(2, 2)
    ember.addmm(m, a, b, beta=2, alpha=0.5, out=out)
    assert out.tolist() == [[3.5, 3.5], [3.5, 3.5]]
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        ember.mm(a.requires_grad_(), b, out=out)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_div_rounding_modes(dtype):
    a = np.array([7, -7, 7, -7, 6, 0], dtype=dtype)
    b = np.array([2, 2, -2, -2, 3, 5], dtype=dtype)
    ta, tb = t(a), t(b)
    trunc = ember.div(ta, tb, rounding_mode="trunc")
    floor = ta.div(tb, rounding_mode="floor")
    np.testing.assert_array_equal(trunc.numpy(), np.trunc(a / b).astype(dtype))
    np.testing.assert_array_equal(floor.numpy(), np.floor_divide(a, b))
    assert trunc.dtype == ta.dtype and floor.dtype == ta.dtype
    assert ember.div(ta, tb, rounding_mode=None).dtype.is_floating_point
    np.testing.assert_array_equal(ember.div(ta, 2, rounding_mode="trunc").numpy(), np.trunc(a / 2).astype(dtype))
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor'"):
        ember.div(ta, tb, rounding_mode="round")


def test_div_trunc_gradient():
    x = ember.tensor([1.5, -2.5], dtype=ember.float64, requires_grad=True)
    ember.div(x, 2.0, rounding_mode="trunc").sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_lerp_tensor_weight_and_gradcheck():
    a, b, w = rng.random((3, 4)), rng.random((3, 4)), rng.random(4) * 1.2 - 0.1
    np.testing.assert_allclose(ember.lerp(t(a), t(b), t(w)).numpy(), a + w * (b - a), rtol=1e-12)
    x, y, ww = (t(v).requires_grad_() for v in (a, b, np.broadcast_to(w, (3, 4))))
    assert ember.autograd.gradcheck(lambda p, q, r: ember.lerp(p, q, r), (x, y, ww))
    with pytest.raises(RuntimeError, match="expected dtype"):
        ember.lerp(t(a), t(b), t(w.astype(np.float32)))


def test_where_condition_only_and_index_add_alpha():
    c = t(np.array([[True, False], [False, True]]))
    r = ember.where(c)
    assert [x.tolist() for x in r] == [[0, 1], [0, 1]]
    x = ember.zeros(3, 2)
    y = x.index_add(0, ember.tensor([0, 2]), ember.ones(2, 2), alpha=3)
    assert y.tolist() == [[3.0, 3.0], [0.0, 0.0], [3.0, 3.0]]
    z = ember.zeros(3, dtype=ember.int64).index_add(0, ember.tensor([1]), ember.tensor([2]), alpha=-2)
    assert z.tolist() == [0, -4, 0]
    with pytest.raises(RuntimeError, match="alpha must be an integer"):
        ember.zeros(3, dtype=ember.int64).index_add(0, ember.tensor([1]), ember.tensor([2]), alpha=0.5)
    s = ember.ones(2, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda v: ember.zeros(3, 2, dtype=ember.float64).index_add(
        0, ember.tensor([0, 2]), v, alpha=2.5), (s,))


def test_random_default_and_to():
    g = ember.Generator().manual_seed(1)
    a = ember.empty(2000, dtype=ember.uint8).random_(generator=g)
    assert a.min().item() >= 0 and a.max().item() > 200
    f = ember.empty(1000).random_(generator=g)
    assert f.max().item() <= 2 ** 24 and f.max().item() > 2 ** 20 and (f == f.round()).all().item()
    b = ember.empty(1000, dtype=ember.int64).random_(5, generator=g)
    assert set(b.tolist()) == {0, 1, 2, 3, 4}
    assert ember._C._python_overload(ember.Tensor.random_, b) == "aten::random_.default"
    assert ember._C._python_overload(ember.Tensor.random_, b, 3, 7) == "aten::random_.from"


def test_fill_with_a_tensor_and_as_tensor():
    x = ember.zeros(2, 3)
    v = ember.tensor(2.5, requires_grad=True)
    y = x.clone()
    y.fill_(v)
    assert y.tolist() == [[2.5] * 3] * 2
    y.sum().backward()
    assert v.grad.item() == 6.0
    with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor"):
        x.fill_(ember.ones(2))
    a = np.arange(4.0)
    ta = ember.as_tensor(a)
    a[0] = 9.0
    assert ta[0].item() == 9.0  # shares numpy's memory
    assert ember.as_tensor(a, dtype=ember.float32).dtype == ember.float32
    assert ember.as_tensor(ta) is ta
    assert ember.as_tensor([1, 2]).dtype == ember.int64
