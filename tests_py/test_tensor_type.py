"""The Python tensor type: identity, garbage collection, attributes, dtype/device objects."""
import copy
import gc
import pickle
import weakref

import pytest

import ember


def test_gc_sees_through_tensors():
    t = ember.ones(3)
    t.me = t  # a reference cycle through the tensor's __dict__
    r = weakref.ref(t)
    del t
    gc.collect()
    assert r() is None


def test_same_impl_gives_same_object():
    x = ember.ones(3)
    assert x.contiguous() is x       # contiguous() returns self's handle, so the same Python object
    assert x.to(ember.float32) is x


def test_dtype_objects():
    assert ember.float32 is ember.float
    assert repr(ember.int64) == "ember.int64"
    assert ember.float16.is_floating_point and not ember.int8.is_floating_point
    assert ember.bfloat16.itemsize == 2
    assert ember.get_default_dtype() == ember.float32
    assert ember.promote_types(ember.uint8, ember.int8) == ember.int16
    assert pickle.loads(pickle.dumps(ember.int32)) is ember.int32


def test_default_dtype_switch():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.ones(2).dtype == ember.float64
        assert (ember.arange(3) + 0.5).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_device_objects():
    d = ember.device("cuda:1")
    assert (d.type, d.index) == ("cuda", 1)
    assert repr(d) == "device(type='cuda', index=1)"
    assert str(d) == "cuda:1"
    assert ember.device("cuda", 0) == ember.device("cuda:0")
    assert ember.device("cpu") != ember.device("cuda")
    assert copy.deepcopy(ember.device("cpu")) == ember.device("cpu")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        ember.device("tpu")


def test_shape_and_size():
    t = ember.zeros(2, 3, 4)
    assert isinstance(t.shape, tuple) and isinstance(t.shape, ember.Size)
    assert t.shape == (2, 3, 4) and t.size() == t.shape and t.size(-1) == 4
    assert t.stride() == (12, 4, 1) and t.stride(0) == 12
    assert t.ndim == 3 and t.dim() == 3 and t.numel() == 24 and len(t) == 2
    assert t.nbytes == 96 and t.itemsize == 4 and t.element_size() == 4 and t.storage_offset() == 0
    with pytest.raises(IndexError, match="out of range"):
        t.size(3)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(ember.tensor(1.0))
    with pytest.raises(TypeError, match="cannot be constructed directly"):
        ember.Tensor()


def test_version_counter_shared_with_views():
    x = ember.zeros(2, 3)
    v = x.view(6)
    t = x.T
    before = x._version
    v.add_(1)
    assert x._version == t._version == before + 1
    t.mul_(2)
    assert v._version == before + 2
    assert x.sum().item() == 12.0


def test_repr_like_pytorch():
    assert repr(ember.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"
    assert repr(ember.tensor([1, 2, 3])) == "tensor([1, 2, 3])"
    assert repr(ember.tensor([1.5, 2.25], dtype=ember.float64)) == "tensor([1.5000, 2.2500], dtype=ember.float64)"
    assert repr(ember.tensor(3.0)) == "tensor(3.)"
    assert repr(ember.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ember.zeros(0)) == "tensor([])"
    assert ember.ones(2, 2)._cpp_str() == " 1  1\n 1  1\n[ CPUFloatType{2,2} ]"


def test_repr_wrapping_summarization_and_printoptions():
    assert repr(ember.arange(30.0)).splitlines()[1].startswith("        14., 15.")
    assert repr(ember.arange(2000.0)) == ("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                                          "        1.9990e+03])")  # PyTorch 2.13's exact output
    assert repr(ember.tensor([1.0, 1e9])) == "tensor([1.0000e+00, 1.0000e+09])"
    assert repr(ember.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(ember.zeros(2, 0)) == "tensor([], size=(2, 0))"
    try:
        ember.set_printoptions(precision=2)
        assert repr(ember.tensor([1.23456, 2.0])) == "tensor([1.23, 2.00])"
        ember.set_printoptions(threshold=5, edgeitems=1)
        assert repr(ember.arange(10)) == "tensor([0,  ..., 9])"
        ember.set_printoptions(sci_mode=False)
        assert repr(ember.tensor([1e-5, 1.0])) == "tensor([0.00, 1.00])"
    finally:
        ember.set_printoptions(profile="default")
    assert repr(ember.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"
