"""Basic indexing t[...] and t[...] = value, with numpy as the oracle: ints, slices with any step
(negative ones give negative-stride views, as numpy), None, Ellipsis, tuples; views share memory."""
import numpy as np
import pytest

import ember

S = slice
KEYS = [
    0, -1, 2, (1, 2), (-2, -3, -4), (Ellipsis,), Ellipsis, (), None, (None, None), (0, None, 1),
    S(None), S(1, None), S(None, -1), S(None, None, 2), S(None, None, -1), S(None, None, -2), S(5, 0, -2),
    S(-1, -4, -1), S(10, None, -3), S(-100, 100), S(100, None), S(2, 1), S(None, None, 7),
    (S(None), 0), (S(None, None, -1), S(1, None, 2)), (Ellipsis, -1), (Ellipsis, S(None, None, -1)),
    (0, Ellipsis, 0), (None, Ellipsis, None), (S(1, 3), None, Ellipsis, S(3, 0, -2)), (1, S(None), None, -2),
    (Ellipsis, None), (S(None), S(None), S(None)), np.int64(1), (np.int32(-1), S(np.int64(1), None)),
]


def arrays(shape):
    a = (np.arange(float(np.prod(shape))) * 1.5 - 7).reshape(shape)
    yield a
    yield np.ascontiguousarray(a[::-1])[::-1]  # negative strides (ember.from_numpy(a[::-1]) style)
    yield a[::-1]
    if len(shape) >= 2:
        yield np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_getitem_matches_numpy_and_shares_memory(key):
    for a in arrays((4, 5, 6)):
        t = ember.from_numpy(a)
        r = t[key]
        e = a[key]
        assert r.shape == e.shape
        np.testing.assert_array_equal(r.numpy(), e)
        if e.size:
            assert np.shares_memory(r.numpy(), a)
        assert r._version == t._version


def test_getitem_0d_and_empty():
    s = ember.tensor(3.0)
    assert s[()].shape == () and s[()].item() == 3.0 and s[...].item() == 3.0
    assert s[None].shape == (1,) and s[None, ..., None].shape == (1, 1)
    assert s[...].data_ptr() == s.data_ptr() and s[...] is not s
    a = np.zeros((0, 3))
    t = ember.from_numpy(a)
    for key in [S(None), (S(None), 1), (S(None, None, -1), S(None, None, -2)), (Ellipsis, None), S(1, 5)]:
        assert t[key].shape == a[key].shape
    with pytest.raises(IndexError, match="index 0 is out of bounds for dimension 0 with size 0"):
        t[0]


def test_chained_and_step_views_are_writable_views():
    a = np.arange(24.0).reshape(4, 6)
    t = ember.from_numpy(a)
    v = t[::-1, 1::2][1:, ::-1]
    np.testing.assert_array_equal(v.numpy(), a[::-1, 1::2][1:, ::-1])
    v.fill_(-1.0)
    assert (a[::-1, 1::2][1:, ::-1] == -1).all() and (a == -1).sum() == 9
    assert v.stride() == (-6, -2)


INDEX_ERRORS = [
    (5, IndexError, "index 5 is out of bounds for dimension 0 with size 4"),
    (-5, IndexError, "index -5 is out of bounds for dimension 0 with size 4"),
    ((0, 7), IndexError, "index 7 is out of bounds for dimension 0 with size 5"),
    ((0, 0, 0, 0), IndexError, "too many indices for tensor of dimension 3"),
    ((Ellipsis, 0, Ellipsis), IndexError, r"an index can only have a single ellipsis \('...'\)"),
    (S(None, None, 0), ValueError, "slice step cannot be zero"),
    (1.5, IndexError, r"only integers, slices \(`:`\), ellipsis \(`...`\), None and long or byte Variables are "
                      r"valid indices \(got float\)"),
    ("a", IndexError, r"valid indices \(got str\)"),
    (S(1.5, None), TypeError, "slice indices must be integers or None"),
    ([0, 7], IndexError, "index 7 is out of bounds for dimension 0 with size 4"),
    (np.array([0.5]), IndexError, "tensors used as indices must be long, int, byte or bool tensors"),
]


@pytest.mark.parametrize("i", range(len(INDEX_ERRORS)))
def test_getitem_errors(i):
    key, exc, msg = INDEX_ERRORS[i]
    t = ember.zeros(4, 5, 6)
    with pytest.raises(exc, match=msg):
        t[key]
    with pytest.raises(exc, match=msg):
        t[key] = 1.0


def test_tensor_indices_and_delete():
    t = ember.zeros(4, 5)
    assert t[ember.tensor([0, 1])].shape == (2, 5)
    assert t[ember.zeros(4, dtype=ember.bool)].shape == (0, 5)
    t[:, ember.tensor(1)] = 2.0
    assert t[:, 1].tolist() == [2.0] * 4
    with pytest.raises(TypeError, match="Tensor does not support deleting items"):
        del t[0]


SET_KEYS = [0, -1, (1, 2), S(None, None, -1), (S(None), S(None, None, -2)), (Ellipsis, 1), (None, 0, S(3, 0, -1)),
            (S(1, 3), Ellipsis), (), Ellipsis, (S(2, 2),)]


@pytest.mark.parametrize("key", SET_KEYS, ids=[repr(k) for k in SET_KEYS])
def test_setitem_number_and_tensor(key):
    for a0 in arrays((4, 5)):
        a = a0.copy() if a0.base is None else a0
        ref = np.array(a)
        t = ember.from_numpy(a)
        v0 = t._version
        t[key] = 2.5
        ref[key] = 2.5
        np.testing.assert_array_equal(t.numpy(), ref)
        assert t._version > v0
        target = ref[key].shape
        val = (np.arange(float(np.prod(target))) + 100).reshape(target)
        t[key] = ember.from_numpy(val)
        ref[key] = val
        np.testing.assert_array_equal(t.numpy(), ref)


def test_setitem_broadcast_and_dtype():
    a = np.zeros((3, 4))
    t = ember.from_numpy(a)
    t[:, 1:] = ember.tensor([1, 2, 3])  # int64 -> float64, broadcast over rows
    t[0] = ember.tensor([[7.0, 7.0, 7.0, 7.0]])  # leading size-1 dim dropped, as PyTorch
    t[1, ::-1] = ember.tensor(5.0)
    t[2] = [9, 8, 7, 6]  # a Python list goes through ember.tensor
    ref = np.zeros((3, 4))
    ref[:, 1:] = [1, 2, 3]
    ref[0] = 7
    ref[1, ::-1] = 5
    ref[2] = [9, 8, 7, 6]
    np.testing.assert_array_equal(a, ref)
    i = ember.zeros(2, 3, dtype=ember.int32)
    i[0] = 2.7  # float number into an int tensor: converted as PyTorch's fill_
    i[1, 1:] = ember.tensor([True, False])
    assert i.tolist() == [[2, 2, 2], [0, 1, 0]]
    with pytest.raises(RuntimeError):
        t[0] = ember.ones(3)  # not broadcastable to (4,)


def test_setitem_autograd():
    x = ember.ones(3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    y = x * 2
    y[1, ::-2] = w * 3
    y[2] = 0.0
    assert y.grad_fn.name() == "CopySlices"
    (y * y).sum().backward()
    gx = np.full((3, 4), 8.0)
    gx[1, ::-2] = 0
    gx[2] = 0
    np.testing.assert_allclose(x.grad.numpy(), gx)
    np.testing.assert_allclose(w.grad.numpy(), [18.0 * 1, 18.0 * 2])
    z = ember.zeros(3)
    z[0] = w[1]  # a tensor not requiring grad becomes part of the graph
    assert z.requires_grad and z.grad_fn.name() == "CopySlices"
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        x[0] = 1.0
    with ember.no_grad():
        x[0] = 1.0
    assert x.detach().numpy()[0].tolist() == [1.0] * 4


def test_getitem_autograd_records_views():
    x = ember.ones(3, 4, dtype=ember.float64, requires_grad=True)
    x[1:, None, ::-2].sum().backward()
    ref = np.zeros((3, 4))
    ref[1:, ::-2] = 1
    np.testing.assert_array_equal(x.grad.numpy(), ref)
    assert x[0].grad_fn.name() == "SelectBackward0" and x[:, 1:].grad_fn.name() == "SliceBackward0"


def test_random_keys_match_numpy():
    rng = np.random.default_rng(1)

    def rand_part():
        k = rng.integers(0, 5)
        if k == 0:
            return int(rng.integers(-3, 3))
        if k == 1:
            return None
        parts = [None if rng.random() < 0.3 else int(rng.integers(-6, 7)) for _ in range(2)]
        step = [None, 1, 2, 3, -1, -2, -3][rng.integers(0, 7)]
        return slice(parts[0], parts[1], step)

    base = np.arange(3 * 4 * 5, dtype=np.float64).reshape(3, 4, 5)
    for _ in range(400):
        a = [base, base[::-1, :, ::-2], base.transpose(2, 0, 1)][rng.integers(0, 3)]
        key = [rand_part() for _ in range(rng.integers(0, 4))]
        if rng.random() < 0.3:
            key.insert(int(rng.integers(0, len(key) + 1)), Ellipsis)
        key = tuple(key)
        t = ember.from_numpy(a)
        try:
            e = a[key]
        except IndexError:
            with pytest.raises(IndexError):
                t[key]
            continue
        r = t[key]
        assert r.shape == e.shape, key
        np.testing.assert_array_equal(r.numpy(), e)
        ref = np.array(a)
        ref[key] = -1.0
        c = ember.from_numpy(np.array(a))
        c[key] = -1.0
        np.testing.assert_array_equal(c.numpy(), ref)
