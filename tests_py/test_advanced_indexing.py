"""Advanced-indexing ops (gather, scatter, index_select, masked_*, nonzero, take_along_dim, index_put)
and Tensor indexing with tensor / list / array / bool-mask indices, against numpy."""
import numpy as np
import pytest

import ember
from op_check import ALL_DTYPES, NAMES, layout_array, to_ember, to_numpy

rng = np.random.default_rng(0)
LAYOUTS = ("contiguous", "transposed", "strided", "negative")


def values(shape, dtype):
    a = rng.integers(-5, 6, size=shape)
    if dtype == ember.bool:
        return a > 0
    if dtype == ember.uint8:
        return np.abs(a).astype(np.uint8)
    return a.astype(np.float32 if dtype == ember.bfloat16 else NAMES[dtype])


def make(shape, dtype, layout):
    a = values(shape, dtype)
    return to_ember(a, dtype, layout)[0], a


def idx(a):
    return ember.from_numpy(np.ascontiguousarray(np.asarray(a, dtype=np.int64)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=[NAMES[d] for d in ALL_DTYPES])
def test_gather_scatter_index_select(dtype, layout):
    x, a = make((3, 4), dtype, layout)
    ix = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])
    np.testing.assert_array_equal(to_numpy(x.gather(0, idx(ix))), np.take_along_axis(a, ix, 0))
    ix1 = np.array([[3, 0], [1, 1], [0, 2]])
    np.testing.assert_array_equal(to_numpy(ember.gather(x, 1, idx(ix1))), np.take_along_axis(a, ix1, 1))
    np.testing.assert_array_equal(to_numpy(ember.gather(x, -1, idx(ix1[:2]))), np.take_along_axis(a[:2], ix1[:2], 1))
    np.testing.assert_array_equal(to_numpy(x.index_select(1, idx([3, 0, 3]))), a[:, [3, 0, 3]])
    np.testing.assert_array_equal(to_numpy(ember.index_select(x, 0, idx([2]))), a[[2]])
    assert x.index_select(0, idx([])).shape == (0, 4)
    np.testing.assert_array_equal(to_numpy(ember.take_along_dim(x, idx(ix1), 1)), np.take_along_axis(a, ix1, 1))
    np.testing.assert_array_equal(to_numpy(x.take_along_dim(idx([[1], [0], [3]]), dim=1)),
                                  np.take_along_axis(a, np.array([[1], [0], [3]]), 1))
    np.testing.assert_array_equal(to_numpy(ember.take_along_dim(x, idx([5, 0]))), a.reshape(-1)[[5, 0]])
    # scatter: unique positions per column so that the result is well defined
    sidx = np.array([[0, 2, 1, 0], [2, 1, 0, 1]])
    src, s = make((2, 4), dtype, "contiguous")
    exp = a.copy()
    for i in range(2):
        for j in range(4):
            exp[sidx[i, j], j] = s[i, j]
    np.testing.assert_array_equal(to_numpy(x.scatter(0, idx(sidx), src)), exp)
    np.testing.assert_array_equal(to_numpy(x), a)  # out-of-place leaves x alone
    y = x.clone()
    assert y.scatter_(0, idx(sidx), src) is y
    np.testing.assert_array_equal(to_numpy(y), exp)
    assert x.gather(0, idx(np.zeros((0, 4)))).shape == (0, 4)


@pytest.mark.parametrize("dtype", [ember.int32, ember.int64, ember.float32, ember.float64, ember.float16])
def test_scatter_add_and_value(dtype):
    x, a = make((3, 4), dtype, "negative")
    ix = np.array([[0, 2, 1, 0], [0, 2, 0, 1], [2, 2, 2, 2]])
    src, s = make((3, 4), dtype, "transposed")
    exp = a.copy()
    np.add.at(exp, (ix, np.arange(4)[None, :].repeat(3, 0)), s)
    np.testing.assert_array_equal(to_numpy(x.scatter_add(0, idx(ix), src)), exp)
    y = x.clone()
    y.scatter_add_(0, idx(ix), src)
    np.testing.assert_array_equal(to_numpy(y), exp)
    exp = a.copy()
    exp[ix[:1], np.arange(4)[None, :]] = 7
    np.testing.assert_array_equal(to_numpy(x.scatter(0, idx(ix[:1]), 7)), exp)
    # index_add: repeated positions add up
    exp = a.copy()
    np.add.at(exp, [0, 0, 2], s[:, :])
    np.testing.assert_array_equal(to_numpy(x.index_add(0, idx([0, 0, 2]), src)), exp)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=[NAMES[d] for d in ALL_DTYPES])
def test_masked_and_nonzero(dtype, layout):
    x, a = make((3, 4), dtype, layout)
    m = rng.random((3, 4)) > 0.5
    mask = ember.from_numpy(m)
    v = True if dtype == ember.bool else 3
    exp = a.copy()
    exp[m] = v
    np.testing.assert_array_equal(to_numpy(x.masked_fill(mask, v)), exp)
    np.testing.assert_array_equal(to_numpy(ember.masked_fill(x, mask, ember.tensor(v))), exp)
    y = x.clone()
    assert y.masked_fill_(mask, v) is y
    np.testing.assert_array_equal(to_numpy(y), exp)
    row = ember.from_numpy(m[0])  # broadcast mask
    exp = a.copy()
    exp[:, m[0]] = v
    np.testing.assert_array_equal(to_numpy(x.masked_fill(row, v)), exp)
    np.testing.assert_array_equal(to_numpy(x.masked_select(mask)), a[m])
    np.testing.assert_array_equal(to_numpy(ember.masked_select(x, row)), a[:, m[0]].ravel())
    nz = x.nonzero()
    assert nz.dtype == ember.int64
    np.testing.assert_array_equal(nz.numpy(), np.argwhere(a))
    for got, want in zip(ember.nonzero(x, as_tuple=True), np.nonzero(a)):
        np.testing.assert_array_equal(got.numpy(), want)
    assert ember.zeros(0, 3).nonzero().shape == (0, 2)
    assert ember.tensor(2).nonzero().shape == (1, 0)


@pytest.mark.parametrize("dtype", [ember.int64, ember.float32, ember.float64, ember.bool])
def test_index_put(dtype):
    x, a = make((4, 3), dtype, "transposed")
    vals, v = make((2, 3), dtype, "contiguous")
    exp = a.copy()
    exp[[0, -1]] = v
    np.testing.assert_array_equal(to_numpy(x.index_put((idx([0, -1]),), vals)), exp)
    y = x.clone()
    assert y.index_put_((idx([0, -1]),), vals) is y
    np.testing.assert_array_equal(to_numpy(y), exp)
    exp = a.copy()
    exp[[1, 2], [0, 2]] = v[0, :2]
    np.testing.assert_array_equal(to_numpy(x.index_put((idx([1, 2]), idx([0, 2])), vals[0, :2])), exp)
    m = a.astype(bool) if dtype != ember.bool else a
    exp = a.copy()
    exp[m] = v[0, 0]
    np.testing.assert_array_equal(to_numpy(ember.index_put(x, (ember.from_numpy(m),), vals[0, 0])), exp)
    if dtype != ember.bool:
        exp = a.copy()
        np.add.at(exp, ([0, 0, 3],), v[[0, 1, 1]])
        got = x.index_put((idx([0, 0, 3]),), vals[[0, 1, 1]], accumulate=True)
        np.testing.assert_array_equal(to_numpy(got), exp)


KEYS = [
    lambda a: ([0, 2],), lambda a: (slice(None), [1, 3]), lambda a: ([0, 2], slice(None), [1, 4]),
    lambda a: (slice(None), [1, 3], [0, -4]), lambda a: (a[:, :, 0] > 20,), lambda a: (Ellipsis, [-1, 0]),
    lambda a: (None, [1], slice(1, 3), np.array([[0], [2]])), lambda a: (slice(None), a[0] > 25),
    lambda a: ([],), lambda a: (a > 30,), lambda a: (np.array([[1, 0], [2, 2]]),),
    lambda a: (slice(None, None, -1), [[3], [0]], [1, 2]), lambda a: ([0, 1], Ellipsis, [2, 3]),
    lambda a: (np.array([0, 2], dtype=np.int32), 1), lambda a: ([True, False, True],),
]


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "negative"])
@pytest.mark.parametrize("k", range(len(KEYS)))
def test_getitem_setitem_advanced(k, layout):
    a = np.arange(60.0).reshape(3, 4, 5)
    x = ember.from_numpy(layout_array(a, layout))
    key = KEYS[k](a)
    tkey = tuple(ember.from_numpy(e) if isinstance(e, np.ndarray) and e.dtype == bool and k % 2 else e for e in key)
    r = x[tkey]
    np.testing.assert_array_equal(r.numpy(), a[key])
    r.fill_(-7.0) if r.numel() else None
    np.testing.assert_array_equal(x.numpy(), a)  # a copy, as PyTorch
    y, b = x.clone(), a.copy()
    y[tkey] = -1.0
    b[key] = -1.0
    np.testing.assert_array_equal(y.numpy(), b)
    val = np.arange(float(np.asarray(a[key]).size)).reshape(np.asarray(a[key]).shape) + 100
    y[tkey] = ember.from_numpy(val)
    b[key] = val
    np.testing.assert_array_equal(y.numpy(), b)


def test_indexing_int_dtype_and_lists():
    x = ember.arange(10).view(2, 5)
    assert x[[1, 0], [4, -5]].tolist() == [9, 0]
    x[ember.tensor([[0], [1]]), ember.tensor([1, 2])] = ember.tensor([-1, -2])
    assert x.tolist() == [[0, -1, -2, 3, 4], [5, -1, -2, 8, 9]]
    x[x < 0] = 0
    assert x.tolist() == [[0, 0, 0, 3, 4], [5, 0, 0, 8, 9]]
    x[[0]] = [[1, 1, 1, 1, 1]]
    assert x[0].tolist() == [1] * 5
    x[0, [1, 3]] += 5
    assert x[0].tolist() == [1, 6, 1, 6, 1]


def test_errors():
    x = ember.arange(12.0).view(3, 4)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[[0, 5]]
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 0 with size 3"):
        x[ember.tensor([-4])] = 1.0
    # gather/scatter: RuntimeError (not IndexError), as PyTorch
    with pytest.raises(RuntimeError, match="index 3 is out of bounds for dimension 0 with size 3") as e:
        x.gather(0, idx([[3, 0, 0, 0]]))
    assert e.type is RuntimeError
    with pytest.raises(RuntimeError, match="index 7 is out of bounds for dimension 0 with size 3") as e:
        x.scatter(0, idx([[7]]), 1.0)
    assert e.type is RuntimeError
    with pytest.raises(RuntimeError, match=r"gather\(\): Expected dtype int32/int64 for index"):
        x.gather(0, ember.tensor([[0]], dtype=ember.int16))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds for dimension 1 with size 4") as e:
        x.gather(1, idx([[-1]]))
    assert e.type is RuntimeError
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        x.index_select(0, idx([[0]]))
    with pytest.raises(IndexError, match="index out of range in self"):
        x.index_select(0, idx([3]))
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions as input tensor"):
        x.gather(0, idx([0]))
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(ember.ones(3, 4), 1.0)
    with pytest.raises(RuntimeError, match="only supports a 0-dimensional value tensor"):
        x.masked_fill(x > 2, ember.ones(2))
    with pytest.raises(IndexError, match="The shape of the mask"):
        x[ember.tensor([True, False])]
    with pytest.raises(IndexError, match="shape mismatch: indexing tensors could not be broadcast"):
        x[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool tensors"):
        x[ember.tensor([0.0])]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[[0], [0], [0]]
    with pytest.raises(RuntimeError, match="shape mismatch: value tensor of shape"):
        x[[0, 1]] = ember.ones(3, 4)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        x.index_put_((idx([0]),), ember.ones(4, dtype=ember.float64))
    with pytest.raises(IndexError, match="an index can only have a single ellipsis"):
        x[..., [0], ...]


def test_bool_scalars():
    # PyTorch: a bool adds a size-1 dim indexed by [0] (True) or by an empty index (False), in place
    a = np.arange(24.0).reshape(2, 3, 4)
    x = ember.from_numpy(a.copy())
    assert x[True].shape == (1, 2, 3, 4) and x[False].shape == (0, 2, 3, 4)
    assert x[:, True, :, 0].shape == (2, 1, 3)
    assert x[:, False, :, 0].shape == (2, 0, 3)
    assert x[ember.tensor(True), 1].shape == (1, 3, 4)
    np.testing.assert_array_equal(x[0, True].numpy(), a[0][None])
    x[False] = 5.0
    np.testing.assert_array_equal(x.numpy(), a)
    x[1, True] = 5.0
    assert x[1].sum().item() == 60


def test_autograd_indexing():
    x = ember.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x[[0, 0, 1], [2, 2, 0]]
    y.sum().backward()
    assert x.grad.tolist() == [[0, 0, 2], [1, 0, 0]]
    w = ember.tensor([10.0, 20.0], requires_grad=True)
    z = x * 2
    z[x > 4] = w
    z.sum().backward()
    assert w.grad.tolist() == [1, 1]
    assert x.grad.tolist() == [[2, 2, 4], [3, 0, 0]]
    assert z.grad_fn.name() == "IndexScatterBackward0"


def test_noncontiguous_index_tensors():
    a = np.arange(20.0).reshape(4, 5)
    x = ember.from_numpy(a.copy())[::-1]
    ix = np.array([[0, 3, 1, 2], [2, 2, 0, 1], [1, 0, 3, 3]])
    tix = idx(ix.T.copy()).T  # transposed int64 index
    assert not tix.is_contiguous()
    np.testing.assert_array_equal(x.gather(0, tix).numpy(), np.take_along_axis(a[::-1][:, :4], ix, 0))
    rix = idx(ix[:, ::-1].copy()).flip(1)  # negative strides
    np.testing.assert_array_equal(x.gather(0, rix).numpy(), np.take_along_axis(a[::-1][:, :4], ix, 0))
    np.testing.assert_array_equal(x[tix, 1].numpy(), a[::-1][ix, 1])
    np.testing.assert_array_equal(x.index_select(1, idx([4, 0, 2, 1])[::2]).numpy(), a[::-1][:, [4, 2]])
    expanded = idx([1, 3]).view(2, 1).expand(2, 5)
    np.testing.assert_array_equal(x.gather(0, expanded).numpy(), a[::-1][[1, 3]])
    y = ember.zeros(4, 5, dtype=ember.float64)
    y.scatter_add_(0, ember.zeros(1, 5, dtype=ember.int64).expand(3, 5), x[:3])
    np.testing.assert_array_equal(y.numpy()[0], a[::-1][:3].sum(0))


GRADGRAD = {
    "gather": lambda x: (x * x).gather(0, idx([[0, 2, 1, 0], [2, 2, 0, 1]])),
    "index_select": lambda x: (x * x).index_select(1, idx([3, 0, 3])),
    "scatter_add": lambda x: (x * x).scatter_add(0, idx([[0, 2, 1, 0]]), x[:1] * x[1:2]),
    "masked_fill": lambda x: (x * x).masked_fill(x.detach() > 0, 0.5),
    "getitem": lambda x: (x * x)[[0, 2, 2], 1:],
    "masked_select": lambda x: (x * x)[x.detach() > 0],
}


@pytest.mark.parametrize("name", sorted(GRADGRAD))
def test_gradgradcheck(name):
    from ember.autograd import gradgradcheck
    x = ember.from_numpy(rng.uniform(-2, 2, size=(3, 4))).requires_grad_()
    assert gradgradcheck(GRADGRAD[name], (x,))


def test_internal_ops_validate():
    x = ember.zeros(3, 4)
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        ember._C._index_gather(x, idx([[0, 3]]))
    with pytest.raises(RuntimeError, match=r"expected a \[k, n\] int64 index"):
        ember._C._index_gather(x, idx([[0], [0], [0]]))
    with pytest.raises(RuntimeError, match="expected values of shape"):
        ember._C._index_scatter_(x, idx([[0, 1]]), ember.zeros(2, 3), False)
    assert ember._C._index_gather(x, idx([[0, 2]])).shape == (2, 4)


def test_internal_index_scatter_ops():
    """_index_scatter (a copy of self with values written at the [k, n] coordinates of idx) and the
    gradient of self through it, _index_scatter_self_backward (written positions zeroed unless accumulate)."""
    self_ = ember.zeros(3, 4, dtype=ember.float64)
    idx = ember.tensor([[0, 2, 2], [1, 3, 3]])
    v = ember.tensor([1.0, 2.0, 5.0], dtype=ember.float64)
    want = np.zeros((3, 4))
    want[0, 1], want[2, 3] = 1.0, 5.0  # repeated positions: the last write wins on the CPU
    assert np.array_equal(ember._C._index_scatter(self_, idx, v, False).numpy(), want)
    want[2, 3] = 7.0
    assert np.array_equal(ember._C._index_scatter(self_, idx, v, True).numpy(), want)
    assert self_.sum().item() == 0  # a copy
    g = ember.ones(3, 4, dtype=ember.float64)
    zeroed = np.ones((3, 4))
    zeroed[0, 1] = zeroed[2, 3] = 0
    assert np.array_equal(ember._C._index_scatter_self_backward(g, idx, False).numpy(), zeroed)
    assert np.array_equal(ember._C._index_scatter_self_backward(g, idx, True).numpy(), np.ones((3, 4)))
