"""The issue's user-level example, exactly, plus numpy sharing and lifetimes."""
import gc

import numpy as np
import pytest

import ember


def test_issue_example():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    z = x @ ember.ones(2, 2) + 1
    np.testing.assert_array_equal(z.numpy(), [[4, 4], [8, 8]])
    y = x.T.reshape(4)
    np.testing.assert_array_equal(y.numpy(), [1, 3, 2, 4])
    a = np.arange(6.0).reshape(2, 3)
    t = ember.from_numpy(a)
    a[1, 2] = 42
    assert t.numpy()[1, 2] == 42
    t.numpy()[0, 0] = -7
    assert a[0, 0] == -7
    assert x.shape == ember.Size([2, 2])
    assert repr(x.shape) == "ember.Size([2, 2])"
    assert x.dtype == ember.float32
    assert repr(x.device) == "device(type='cpu')"
    assert x.device == ember.device("cpu")


def test_reshape_views_only_when_possible():
    x = ember.arange(6).reshape(2, 3)
    v = x.reshape(3, 2)
    assert v.data_ptr() == x.data_ptr()
    c = x.T.reshape(6)
    assert c.data_ptr() != x.data_ptr()
    np.testing.assert_array_equal(c.numpy(), np.arange(6).reshape(2, 3).T.reshape(6))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.T.view(6)


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16,
                                   np.float32, np.float64])
def test_numpy_roundtrip_shares_memory_every_dtype(dtype):
    a = (np.arange(12) % 3).astype(dtype).reshape(3, 4)
    t = ember.from_numpy(a)
    assert t.dtype == getattr(ember, np.dtype(dtype).name if dtype is not np.bool_ else "bool")
    b = t.numpy()
    assert b.dtype == a.dtype
    assert np.shares_memory(a, b)
    np.testing.assert_array_equal(b, a)


def test_numpy_non_contiguous_and_negative_strides():
    a = np.arange(24.0).reshape(4, 6)
    for view in (a[::2, 1::2], a[::-1], a[:, ::-2], a.T, a[::-1, ::-3]):
        t = ember.from_numpy(view)
        assert t.shape == view.shape
        assert t.stride() == tuple(s // 8 for s in view.strides)
        b = t.numpy()
        np.testing.assert_array_equal(b, view)
        assert np.shares_memory(b, a)
        np.testing.assert_array_equal((t + 1).numpy(), view + 1)


def test_lifetimes_either_side_may_outlive_the_other():
    a = np.arange(5.0)
    t = ember.from_numpy(a)
    del a
    gc.collect()
    np.testing.assert_array_equal(t.numpy(), np.arange(5.0))
    t2 = ember.arange(4, dtype=ember.float64)
    n = t2.numpy()
    del t2
    gc.collect()
    np.testing.assert_array_equal(n, np.arange(4.0))
    n[0] = 9  # still valid memory
    assert n[0] == 9


def test_asarray_and_identity():
    t = ember.ones(3)
    assert np.asarray(t).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(t), np.ones(3, np.float32))


def test_cuda_is_missing_cleanly():
    assert ember.cuda.is_available() is False
    with pytest.raises(RuntimeError, match="built without CUDA"):
        ember.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="built without CUDA"):
        ember.ones(2).to("cuda")


def test_bfloat16_numpy_is_a_clear_type_error():
    with pytest.raises(TypeError, match="BFloat16"):
        ember.ones(2, dtype=ember.bfloat16).numpy()
    with pytest.raises(TypeError, match="complex"):
        ember.from_numpy(np.ones(2, np.complex64))
    with pytest.raises(TypeError, match="expected np.ndarray"):
        ember.from_numpy([1, 2])
