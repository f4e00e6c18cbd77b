"""The Python protocol of ember.Tensor and the dtype API."""
import copy
import multiprocessing as mp
import pickle

import numpy as np
import pytest

import ember


def test_scalar_conversions():
    assert bool(ember.tensor([2.0])) is True and bool(ember.tensor(0)) is False
    assert float(ember.tensor(2.5)) == 2.5 and int(ember.tensor([7.9])) == 7
    assert [10, 20, 30][ember.tensor(1)] == 20  # __index__
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        bool(ember.ones(2))
    with pytest.raises(ValueError, match="only one element tensors"):
        float(ember.ones(2))
    with pytest.raises(ValueError, match="only one element tensors"):
        int(ember.ones(2))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][ember.tensor(1.0)]


def test_identity_hash():
    a, b = ember.ones(2), ember.ones(2)
    assert len({a, b, a}) == 2 and hash(a) != hash(b)


def test_pickle_and_deepcopy():
    for dt in (ember.float32, ember.int16, ember.bool, ember.bfloat16, ember.float16):
        t = ember.tensor([[1, 0], [3, 4]], dtype=dt)
        u = pickle.loads(pickle.dumps(t))
        assert u.dtype == dt and u.shape == t.shape
        np.testing.assert_array_equal(u.float().numpy(), t.float().numpy())
        assert u.data_ptr() != t.data_ptr()
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    y = copy.deepcopy(x)
    assert y.requires_grad and y.is_leaf and y is not x
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 2.0])
    assert pickle.loads(pickle.dumps(x)).requires_grad
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)
    with pytest.raises(RuntimeError, match="graph leaves"):
        pickle.dumps(x * 2)


def _child(q, t):
    q.put((t * 2).numpy().tolist())


def test_pickle_between_processes():
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, ember.tensor([1.0, 2.5])))
    p.start()
    assert q.get(timeout=60) == [2.0, 5.0]
    p.join(timeout=60)
    assert p.exitcode == 0


def test_numpy_scalars_and_ufuncs_give_tensors():
    t = ember.tensor([1.0, 2.0])
    for r, expected in ((np.float32(2) * t, [2.0, 4.0]), (np.float64(3) - t, [2.0, 1.0]),
                        (np.array(2.0) + t, [3.0, 4.0]), (np.int64(2) ** t, [2.0, 4.0]), (t / np.float32(2), [0.5, 1.0])):
        assert isinstance(r, ember.Tensor)
        np.testing.assert_allclose(r.numpy(), expected)
    assert (np.float32(2) * t).dtype == ember.float32


def test_dtype_api():
    assert ember.finfo(ember.float16).eps == 2 ** -10 and ember.finfo(ember.float32).max == np.finfo(np.float32).max
    assert ember.finfo(ember.bfloat16).eps == 2 ** -7 and ember.finfo().dtype == "float32"
    assert ember.iinfo(ember.uint8).max == 255 and ember.iinfo(ember.int64).min == -2 ** 63
    with pytest.raises(TypeError):
        ember.finfo(ember.int32)
    with pytest.raises(TypeError):
        ember.iinfo(ember.float32)
    assert ember.result_type(ember.ones(2, dtype=ember.int32), 2.5) == ember.float32
    assert ember.result_type(ember.ones(2, dtype=ember.uint8), ember.ones(2, dtype=ember.int8)) == ember.int16
    assert ember.result_type(ember.ones(2, dtype=ember.float16), ember.tensor(1.0, dtype=ember.float64)) == ember.float16
    assert ember.can_cast(ember.int32, ember.float16) and not ember.can_cast(ember.float32, ember.int64)
    assert not ember.can_cast(ember.int8, ember.bool)
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor(1.0)
    assert ember.is_floating_point(ember.ones(1)) and ember.numel(ember.ones(2, 3)) == 6


def test_assert_close():
    from ember.testing import assert_close

    assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    assert_close(ember.tensor([1.0, float("nan")]), ember.tensor([1.0, float("nan")]), equal_nan=True)
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 2 \\(50.0%\\)"):
        assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.1]))
    with pytest.raises(AssertionError, match="dtype"):
        assert_close(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64))
    with pytest.raises(AssertionError, match="shape"):
        assert_close(ember.ones(2), ember.ones(3))
    assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.05]), rtol=0.1, atol=0.0)
    assert_close(ember.tensor([1, 2]), ember.tensor([1, 2]))
    with pytest.raises(AssertionError):
        assert_close(ember.tensor([1, 2]), ember.tensor([1, 3]))
    assert_close([ember.ones(1), ember.zeros(1)], [ember.ones(1), ember.zeros(1)])
    assert_close(ember.tensor(2.0), 2.0)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        assert_close(ember.ones(1), ember.ones(1), rtol=0.1)
