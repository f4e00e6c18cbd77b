"""DLPack: zero-copy exchange with numpy (versioned and legacy capsules)."""
import numpy as np
import pytest

import ember


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16,
                                   np.float32, np.float64])
def test_roundtrip_with_numpy_shares_memory(dtype):
    a = (np.arange(12) % 5).astype(dtype).reshape(3, 4)
    for view in (a, a.T, a[::-1, ::2]):
        t = ember.from_dlpack(view)
        assert t.shape == view.shape and t.stride() == tuple(s // view.itemsize for s in view.strides)
        np.testing.assert_array_equal(t.numpy(), view)
        back = np.from_dlpack(t)
        assert np.shares_memory(back, a)
        np.testing.assert_array_equal(back, view)


def test_writes_are_visible_both_ways_and_lifetimes():
    a = np.zeros(4)
    t = ember.from_dlpack(a)
    a[1] = 5
    assert t.numpy()[1] == 5
    t.add_(1)
    assert a[0] == 1
    del a
    np.testing.assert_array_equal(t.numpy(), [1, 6, 1, 1])
    e = ember.arange(3, dtype=ember.float32)
    n = np.from_dlpack(e)
    del e
    np.testing.assert_array_equal(n, [0, 1, 2])


def test_capsules_and_devices():
    t = ember.ones(2, 2)
    assert t.__dlpack_device__() == (1, 0)
    cap = t.__dlpack__(max_version=(1, 0))
    assert "dltensor_versioned" in repr(cap)
    u = ember.from_dlpack(cap)
    assert u.data_ptr() == t.data_ptr()
    with pytest.raises(ValueError, match="consumed only once"):
        ember.from_dlpack(cap)
    legacy = t.__dlpack__()
    assert '"dltensor"' in repr(legacy)
    assert ember.from_dlpack(legacy).shape == (2, 2)
    bf = ember.ones(3, dtype=ember.bfloat16)
    assert ember.from_dlpack(bf.__dlpack__()).dtype == ember.bfloat16
    with pytest.raises(RuntimeError, match="require gradient"):
        ember.ones(2, requires_grad=True).__dlpack__()
    with pytest.raises(TypeError, match="__dlpack__"):
        ember.from_dlpack([1, 2])
