"""PyTorch parity (issue 17, continued): out= resizing, bit shifts, view(dtype), resize_. Expected values
were checked against PyTorch 2.13; torch is not needed."""
import warnings

import numpy as np
import pytest

import ember

SHIFT_DTYPES = [ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64]


# ---- Note [out= resizing] ----
def test_empty_out_is_resized_silently():
    a = ember.arange(6.0).reshape(2, 3)
    out = ember.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ember.add(a, 1, out=out)
    assert r is out and out.shape == (2, 3) and out.stride() == (3, 1)
    np.testing.assert_array_equal(out.numpy(), a.numpy() + 1)


@pytest.mark.parametrize("call", [
    lambda a, o: ember.add(a, 1, out=o), lambda a, o: ember.exp(a, out=o), lambda a, o: ember.mul(a, a[0], out=o),
    lambda a, o: ember.cat([a, a], out=o), lambda a, o: ember.mm(a, a.t(), out=o),
    lambda a, o: ember.eq(a, 1, out=o), lambda a, o: ember.bitwise_left_shift(a.long(), 2, out=o),
], ids=["add", "exp", "mul", "cat", "mm", "eq", "shift"])
def test_out_of_any_shape_is_resized(call):
    a = ember.arange(6.0).reshape(2, 3)
    want = call(a, None)
    for start in (0, 5):
        out = ember.empty(start, dtype=want.dtype)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call(a, out)
        assert out.shape == want.shape
        np.testing.assert_array_equal(out.numpy(), want.numpy())
        assert len(w) == (1 if start else 0)
        if start:
            assert w[0].category is UserWarning and "An output with one or more elements was resized" in str(w[0].message)


def test_out_resize_keeps_view_semantics():
    base = ember.zeros(10)
    v = base[2:4]  # a view: grows the shared storage, keeps its offset
    with pytest.warns(UserWarning, match=r"had shape \[2\], which does not match the required output shape \[2, 3\]"):
        ember.add(ember.arange(6.0).reshape(2, 3), 1, out=v)
    assert v.storage_offset() == 2 and v.shape == (2, 3)
    assert base.tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 0, 0]
    x = ember.zeros(4)
    o = x[1:2]  # a view in a big enough storage: written in place
    with pytest.warns(UserWarning):
        ember.add(ember.ones(3), 1, out=o)
    assert x.tolist() == [0, 2, 2, 2]


def test_out_resize_errors():
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        ember.add(ember.ones(2), 1, out=ember.empty(1).expand(3))
    with pytest.raises(RuntimeError, match="Trying to resize storage that is not resizable"):
        ember.add(ember.ones(2, 3), 1, out=ember.from_numpy(np.zeros(2, np.float32)))
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ember.ones(3).add_(ember.ones(2, 3))  # in place never resizes
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning turned into an error surfaces as that error
        with pytest.raises(UserWarning):
            ember.add(ember.ones(2), 1, out=ember.empty(5))


def test_resize_():
    t = ember.arange(6.0)
    assert t.resize_(2, 2) is t and t.shape == (2, 2) and t.tolist() == [[0, 1], [2, 3]]
    t.resize_([3, 3])
    assert t.shape == (3, 3) and t.stride() == (3, 1) and t.flatten()[:6].tolist() == [0, 1, 2, 3, 4, 5]
    assert t.resize_(0).shape == (0,)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        ember.ones(2, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError, match="negative dimension"):
        ember.ones(2).resize_(-1)


# ---- bitwise_left_shift / bitwise_right_shift ----
@pytest.mark.parametrize("dtype", SHIFT_DTYPES, ids=str)
def test_shifts_match_numpy_in_range_and_pytorch_out_of_range(dtype):
    bits = ember.empty(0, dtype=dtype).element_size() * 8
    vals = [1, 255, 5, 100] if dtype == ember.uint8 else [1, -1, 5, 100]
    a = ember.tensor(vals, dtype=dtype)
    npd = a.numpy().dtype
    for s in [0, 1, bits - 1]:
        np.testing.assert_array_equal((a << s).numpy(), np.left_shift(a.numpy(), npd.type(s)))
        np.testing.assert_array_equal((a >> s).numpy(), np.right_shift(a.numpy(), npd.type(s)))
    sign = [-1 if v < 0 else 0 for v in vals]
    for s in [bits, bits + 1, 64, 65, -1, -3]:
        assert (a << s).tolist() == [0] * 4, s
        assert (a >> s).tolist() == sign, s


def test_shift_forms_and_promotion():
    u = ember.tensor([1, 2], dtype=ember.uint8)
    assert (u << 3).dtype == ember.uint8 and (u << 3).tolist() == [8, 16]
    assert (u << ember.tensor([300, 3])).dtype == ember.int64
    assert (3 << u).tolist() == [6, 12] and (3 << u).dtype == ember.uint8
    assert (3 >> u).tolist() == [1, 0]
    assert (ember.tensor([True]) << 1).tolist() == [2]  # bool with a Python int: int64
    assert ember.bitwise_left_shift(ember.tensor([1, 2]), ember.tensor([True, False])).tolist() == [2, 2]
    x = ember.tensor([1, 2], dtype=ember.int8)
    x <<= 2
    assert x.tolist() == [4, 8]
    x >>= 1
    assert x.tolist() == [2, 4]
    x.bitwise_left_shift_(ember.tensor(3))
    assert x.tolist() == [16, 32]
    x.bitwise_right_shift_(4)
    assert x.tolist() == [1, 2]
    assert ember.tensor(3, dtype=ember.int8).__rlshift__(2).item() == 16
    out = ember.empty(0, dtype=ember.int64)
    ember.bitwise_right_shift(ember.tensor([-8, 8]), ember.tensor([1, 70]), out=out)
    assert out.tolist() == [-4, 0]
    assert ember.bitwise_left_shift(2, ember.tensor([1, 2])).tolist() == [4, 8]


@pytest.mark.parametrize("f", [
    lambda: ember.tensor([1.0]) << 1, lambda: ember.tensor([1]) << 1.5, lambda: 1.5 << ember.tensor([1]),
    lambda: ember.tensor([True]) << ember.tensor([True]), lambda: ember.tensor([1]) >> 1.0,
], ids=["float", "float_scalar", "rfloat", "bool", "rshift_float"])
def test_shift_of_float_or_bool_is_not_implemented(f):
    with pytest.raises(NotImplementedError, match="not implemented for"):
        f()


def test_shift_inplace_keeps_dtype():
    x = ember.tensor([1, 2], dtype=ember.int8)
    x <<= ember.tensor([1, 2])  # int64 shifts cast back into int8, as PyTorch
    assert x.dtype == ember.int8 and x.tolist() == [2, 8]


# ---- view(dtype) ----
def test_view_dtype_same_size():
    a = ember.arange(12, dtype=ember.float32).reshape(3, 4)
    v = a.view(ember.int32)
    assert v.shape == (3, 4) and v.dtype == ember.int32 and v.stride() == (4, 1)
    np.testing.assert_array_equal(v.numpy(), a.numpy().view(np.int32))
    t = a.t().view(ember.int32)
    assert t.shape == (4, 3) and t.stride() == (1, 4)
    assert ember.tensor(1.0).view(ember.int32).item() == 1065353216
    assert a.view(dtype=ember.int32).dtype == ember.int32
    v[0, 0] = 1  # shares memory and the version counter
    assert a[0, 0].item() != 0 and a._version == v._version == 1


def test_view_dtype_other_sizes():
    a = ember.arange(12, dtype=ember.float32).reshape(3, 4)
    h = a.view(ember.float16)
    assert h.shape == (3, 8) and h.stride() == (8, 1)
    d = a.view(ember.float64)
    assert d.shape == (3, 2) and d.stride() == (2, 1)
    np.testing.assert_array_equal(d.numpy(), a.numpy().view(np.float64))
    assert a.view(ember.uint8).shape == (3, 16)
    assert a.view(ember.int64).view(ember.float32).tolist() == a.tolist()
    s = a[:, 1:].view(ember.float16)
    assert s.shape == (3, 6) and s.stride() == (8, 1) and s.storage_offset() == 2
    assert a[:, :2].view(ember.float64).stride() == (2, 1)
    assert ember.zeros(0, 4).view(ember.float64).shape == (0, 2)
    assert ember.zeros(4).expand(3, 4).view(ember.float64).stride() == (0, 1)
    assert ember.zeros(4, dtype=ember.bool).view(ember.int16).shape == (2,)
    m = ember.zeros(3, 4, dtype=ember.float64, device="meta").view(ember.uint8)
    assert m.shape == (3, 32) and m.is_meta


@pytest.mark.parametrize("f, msg", [
    (lambda a: a[:, :3].view(ember.float64), r"self.size\(-1\) must be divisible by 2 to view Float as Double "
                                             r"\(different element sizes\), but got 3"),
    (lambda a: a[:, 1:3].view(ember.float64), r"self.storage_offset\(\) must be divisible by 2 .*but got 1"),
    (lambda a: a.t().view(ember.float16), r"self.stride\(-1\) must be 1 to view Float as Half .*but got 4"),
    (lambda a: ember.tensor(1.0).view(ember.float64), r"self.dim\(\) cannot be 0 to view Float as Double"),
    (lambda a: ember.zeros(3, 0).view(ember.float64), r"self.stride\(0\) must be divisible by 2 .*but got 1"),
    (lambda a: ember.zeros(2, 8)[:, ::2].view(ember.float64), r"self.stride\(-1\) must be 1 .*but got 2"),
    (lambda a: ember.zeros(3, 4, dtype=ember.uint8).view(ember.int64), r"must be divisible by 8 to view Byte as Long"),
])
def test_view_dtype_errors(f, msg):
    with pytest.raises(RuntimeError, match=msg):
        f(ember.arange(12, dtype=ember.float32).reshape(3, 4))


def test_view_dtype_is_not_differentiable():
    x = ember.zeros(4, requires_grad=True)
    assert not x.view(ember.float32).requires_grad
    assert x.view(ember.float64).shape == (2,)
    with pytest.raises(TypeError):
        x.view(np.float32)


# ---- Python-number conversions PyTorch checks; integer pow; numpy scalars; versions; overlap ----
@pytest.mark.parametrize("f", [
    lambda: ember.add(ember.tensor([1], dtype=ember.uint8), ember.tensor([1], dtype=ember.uint8), alpha=300),
    lambda: ember.add(ember.tensor([1], dtype=ember.uint8), 1, alpha=300),
    lambda: ember.sub(ember.tensor([1], dtype=ember.int8), ember.tensor([1], dtype=ember.int8), alpha=-129),
    lambda: ember.add(ember.ones(1), ember.ones(1), alpha=1e300),
    lambda: ember.pow(ember.tensor([2], dtype=ember.uint8), 300),
    lambda: ember.pow(ember.tensor([2], dtype=ember.int8), 2**40),
    lambda: ember.where(ember.tensor([True]), ember.tensor([1], dtype=ember.uint8), 300),
    lambda: ember.where(ember.tensor([True]), 300, ember.tensor([1], dtype=ember.uint8)),
], ids=["alpha_u8", "alpha_scalar", "alpha_i8", "alpha_f32", "pow_u8", "pow_i8", "where_other", "where_self"])
def test_python_numbers_pytorch_range_checks(f):
    with pytest.raises(RuntimeError, match="without overflow"):
        f()


def test_python_numbers_that_still_wrap_or_fit():
    u = ember.tensor([1], dtype=ember.uint8)
    assert ember.add(u, u, alpha=-1).tolist() == [0]
    assert ember.pow(ember.tensor([2], dtype=ember.uint8), 255).tolist() == [0]
    assert ember.where(ember.tensor([True, False]), u, -255).tolist() == [1, 1]
    assert ember.where(ember.tensor([False]), ember.tensor([1.0], dtype=ember.float16), 1e6).dtype == ember.float16
    assert ember.pow(300, u).tolist() == [44]  # a Python-number base wraps


def test_integer_pow_negative_exponents():
    base = ember.tensor([1, -1, 2, 0, -2])
    assert ember.pow(base, ember.tensor(-1)).tolist() == [1, -1, 0, 0, 0]
    assert ember.pow(base, ember.tensor([-2])).tolist() == [1, 1, 0, 0, 0]
    assert ember.pow(2, ember.tensor([-1])).tolist() == [0]
    for e in (-1, -2):
        with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
            ember.pow(ember.tensor([1, -1]), e)


def test_numpy_scalars_keep_their_dtype():
    assert ember.tensor([np.float16(1)]).dtype == ember.float16
    assert ember.tensor(np.float16(1)).dtype == ember.float16
    assert ember.tensor([np.float64(1)]).dtype == ember.float64
    assert ember.tensor([np.int32(1), 2]).dtype == ember.int64
    assert ember.tensor([np.float16(1), 1.0]).dtype == ember.float32
    assert ember.tensor([np.int8(1), np.uint8(1)]).dtype == ember.int16
    assert ember.tensor([np.bool_(True)]).dtype == ember.bool
    for t in (np.uint16, np.uint32, np.uint64):  # dtypes ember lacks: PyTorch's TypeError wording
        with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
            ember.from_numpy(np.zeros(2, t))


def test_factories_start_at_version_zero_and_copy_overlap():
    for t in (ember.zeros(3), ember.ones(3), ember.full((2,), 5), ember.rand(3), ember.arange(3)):
        assert t._version == 0
    x = ember.arange(5.0)
    with pytest.raises(RuntimeError, match="some elements of the input tensor and the written-to tensor refer"):
        x[1:4].copy_(x[0:3])
    y = ember.arange(6.0)
    y[1::2].copy_(y[0::2])  # interleaved: allowed, as in PyTorch
    assert y.tolist() == [0, 0, 2, 2, 4, 4]


def test_all_any_with_an_empty_dim_list_reduce_nothing():
    t = ember.tensor([[0, 1], [1, 1]])
    assert t.all(dim=[]).tolist() == [[False, True], [True, True]]
    assert t.any(dim=()).shape == (2, 2)
    assert ember.tensor([[0, 3]], dtype=ember.uint8).all(dim=[]).tolist() == [[0, 1]]
    assert ember.tensor(2.0).any(dim=[]).item() is True


def test_boolean_alpha_and_uint8_where_condition():
    u = ember.ones(2, dtype=ember.uint8)
    with pytest.raises(RuntimeError, match="Boolean alpha only supported for Boolean results."):
        ember.add(u, u, alpha=True)
    b = ember.tensor([True, False])
    assert ember.add(b, b, alpha=2).tolist() == [True, False]
    assert ember.pow(u, 0).tolist() == [1, 1]
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        u.pow(-1)


def test_pow_with_a_bool_exponent_has_a_gradient():
    x = ember.tensor([1.5, -2.0], dtype=ember.float64, requires_grad=True)
    x.pow(True).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    x.grad = None
    x.pow(False).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


# ---- in-place forms PyTorch has for native ops ----
def test_inplace_forms_of_native_ops():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    for name, ref in [("tril_", lambda x: np.tril(x, 1)), ("triu_", lambda x: np.triu(x, 1))]:
        t = ember.tensor(a)
        assert getattr(t, name)(1) is t
        np.testing.assert_allclose(t.numpy(), ref(a))
    t = ember.tensor(a)
    t.cumsum_(1)
    np.testing.assert_allclose(t.numpy(), np.cumsum(a, 1))
    t = ember.tensor(a)
    t.cumprod_(0)
    np.testing.assert_allclose(t.numpy(), np.cumprod(a, 0))
    m = ember.tensor(a[:, :3])
    m.addmm_(ember.tensor(a), ember.tensor(a.T[:, :3]), beta=0.5, alpha=2)
    np.testing.assert_allclose(m.numpy(), 0.5 * a[:, :3] + 2 * a @ a.T[:, :3])
    b = ember.zeros(2, 2, 2, dtype=ember.float64)
    b.baddbmm_(ember.ones(2, 2, 3, dtype=ember.float64), ember.ones(2, 3, 2, dtype=ember.float64))
    assert b.sum().item() == 24
    x = ember.zeros(3, 2)
    assert x.index_add_(0, ember.tensor([0, 2, 0]), ember.ones(3, 2), alpha=2) is x
    assert x.tolist() == [[4, 4], [0, 0], [2, 2]]
    with pytest.raises(RuntimeError, match="must have the same scalar type"):
        ember.zeros(3, dtype=ember.int64).index_add_(0, ember.tensor([0]), ember.ones(1))
    assert ember.zeros(2, dtype=ember.int32).cumsum_(0).dtype == ember.int32



def test_inplace_lerp_tensor_weight_and_div_rounding_mode():
    rng = np.random.default_rng(1)
    a, b, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.uniform(size=(4,))
    t = ember.tensor(a)
    assert t.lerp_(ember.tensor(b), ember.tensor(w)) is t  # aten::lerp_.Tensor (weight broadcasts)
    np.testing.assert_allclose(t.numpy(), a + w * (b - a))
    t = ember.tensor(a)
    t.lerp_(ember.tensor(b), 0.25)  # aten::lerp_.Scalar still resolves
    np.testing.assert_allclose(t.numpy(), a + 0.25 * (b - a))
    for mode, ref in [("floor", np.floor), ("trunc", np.trunc)]:
        t = ember.tensor(a)
        assert t.div_(ember.tensor(b), rounding_mode=mode) is t
        np.testing.assert_allclose(t.numpy(), ref(a / b))
        t = ember.tensor(a)
        t.div_(0.3, rounding_mode=mode)  # the Scalar_mode form
        np.testing.assert_allclose(t.numpy(), ref(a / 0.3))
    i = ember.tensor([7, -7, 9])
    i.div_(2, rounding_mode="floor")
    assert i.tolist() == [3, -4, 4] and i.dtype == ember.int64
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.tensor([7, 8]).div_(2, rounding_mode=None)  # true division gives float: not castable to int64
    x = ember.tensor(a, requires_grad=True)
    y = x.clone()
    y.lerp_(ember.zeros(3, 4, dtype=ember.float64), ember.full((3, 4), 0.25, dtype=ember.float64))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 4), 0.75))


def test_inplace_forms_record_autograd():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ember.float64, requires_grad=True)
    y = x.clone()
    y.cumprod_(1)
    y.sum().backward()
    assert x.grad.tolist() == [[3.0, 1.0], [5.0, 3.0]]
    x.grad = None
    z = x.clone()
    z.index_add_(0, ember.tensor([1]), x[:1], alpha=3)
    z.sum().backward()
    assert x.grad.tolist() == [[4.0, 4.0], [1.0, 1.0]]
