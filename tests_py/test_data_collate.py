"""default_collate and default_convert for every supported element type (tensors, numpy arrays and
scalars, Python numbers, bools, strings, bytes, dicts, namedtuples, tuples, lists, nested), the
PyTorch output types and error messages, and the TensorDataset fast path giving the same batch."""
import collections

import numpy as np
import pytest

import ember
from ember.utils.data import TensorDataset, default_collate, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def arr(t):
    return t.numpy()


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.int64, ember.int32, ember.uint8,
                                   ember.bool, ember.float16])
def test_tensors_stack(dtype):
    items = [ember.ones(2, 3).to(dtype), ember.zeros(2, 3).to(dtype)]
    out = default_collate(items)
    assert out.dtype == dtype and tuple(out.shape) == (2, 2, 3)
    np.testing.assert_array_equal(arr(out), np.stack([arr(i) for i in items]))


def test_tensor_layouts_and_empty():
    base = ember.arange(12.0).reshape(3, 4)
    out = default_collate([base.t(), base.t()[::-1]])
    np.testing.assert_array_equal(arr(out), np.stack([arr(base).T, arr(base).T[::-1]]))
    empty = default_collate([ember.zeros(0, 2), ember.zeros(0, 2)])
    assert tuple(empty.shape) == (2, 0, 2)
    scalars = default_collate([ember.tensor(1.5), ember.tensor(2.5)])
    assert tuple(scalars.shape) == (2,)
    with pytest.raises(RuntimeError):
        default_collate([ember.zeros(2), ember.zeros(3)])


def test_numbers():
    f = default_collate([1.5, 2.0])
    assert f.dtype == ember.float64 and arr(f).tolist() == [1.5, 2.0]
    i = default_collate([1, 2, 3])
    assert i.dtype == ember.int64 and arr(i).tolist() == [1, 2, 3]
    b = default_collate([True, False])
    assert b.dtype == ember.bool and arr(b).tolist() == [True, False]


def test_numpy():
    a = default_collate([np.zeros((2,), np.float16), np.ones((2,), np.float16)])
    assert isinstance(a, ember.Tensor) and a.dtype == ember.float16 and tuple(a.shape) == (2, 2)
    nc = np.arange(6, dtype=np.int32).reshape(2, 3).T
    np.testing.assert_array_equal(arr(default_collate([nc, nc])), np.stack([nc, nc]))
    assert default_collate([np.float32(1), np.float32(2)]).dtype == ember.float32
    assert default_collate([np.int32(1), np.int32(2)]).dtype == ember.int32
    assert default_collate([np.float64(1)]).dtype == ember.float64
    assert default_collate([np.bool_(True), np.bool_(False)]).dtype == ember.bool
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays, numbers, "
                                        "dicts or lists; found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError, match="found object"):
        default_collate([np.array([object()]), np.array([object()])])


def test_strings_bytes_and_unsupported():
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays, numbers, "
                                        "dicts or lists; found <class 'NoneType'>"):
        default_collate([None, None])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        default_collate([object()])


def test_containers():
    d = default_collate([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    assert list(d) == ["a", "b"] and arr(d["a"]).tolist() == [1, 2] and d["b"] == ["x", "y"]
    od = default_collate([collections.OrderedDict(a=1.0), collections.OrderedDict(a=2.0)])
    assert isinstance(od, collections.OrderedDict) and od["a"].dtype == ember.float64
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and arr(p.x).tolist() == [1, 3] and p.y.dtype == ember.float64
    t = default_collate([(1, 2.0), (3, 4.0)])
    assert isinstance(t, list) and arr(t[0]).tolist() == [1, 3]  # tuples become lists, as PyTorch
    lst = default_collate([[1, 2], [3, 4]])
    assert isinstance(lst, list) and arr(lst[0]).tolist() == [1, 3] and arr(lst[1]).tolist() == [2, 4]
    nested = default_collate([{"x": [ember.ones(2), (5, "s")]}, {"x": [ember.zeros(2), (6, "t")]}])
    assert tuple(nested["x"][0].shape) == (2, 2) and arr(nested["x"][1][0]).tolist() == [5, 6]
    assert nested["x"][1][1] == ("s", "t")  # the transposed tuple, as PyTorch returns it
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])


def test_default_convert():
    assert default_convert((1, 2)) == [1, 2]
    t = default_convert(np.float32(3))
    assert isinstance(t, ember.Tensor) and t.dtype == ember.float32 and t.item() == 3.0
    a = np.arange(3.0)
    c = default_convert([a])
    assert isinstance(c, list) and isinstance(c[0], ember.Tensor)
    c[0][0] = 9.0
    assert a[0] == 9.0  # numpy arrays convert without a copy
    assert default_convert("ab") == "ab"
    assert default_convert(np.array(["a"])).dtype.kind == "U"  # strings stay numpy
    p = default_convert(Point(np.int64(1), "s"))
    assert isinstance(p, Point) and isinstance(p.x, ember.Tensor) and p.y == "s"
    assert isinstance(default_convert({"k": np.ones(1)})["k"], ember.Tensor)
    x = ember.ones(2)
    assert default_convert(x) is x


def test_tensor_dataset_fast_path_equals_default_collate():
    x = ember.randn(20, 3, 2)
    y = ember.arange(20)
    ds = TensorDataset(x, y)
    idx = [5, 0, 19, 5]
    fast = default_collate(ds.__getitems__(idx))
    slow = default_collate([ds[i] for i in idx])
    assert isinstance(fast, list) and len(fast) == 2
    for a, b in zip(fast, slow):
        assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(arr(a), arr(b))
