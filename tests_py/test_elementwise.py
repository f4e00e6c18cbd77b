"""Elementwise ops of src/ops/elementwise.yaml against numpy with check_op: comparisons (bool results,
Python rich comparisons), unary math, rounding, sign, gelu / silu; in-place and out= variants."""
import math
import operator

import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, T, check_op, float_result_type, pairs,
                      result_type, returns)

MIXED_SHAPES = [((3, 4), (4,)), ((), (3,)), ((2,), ())]
BOOL = returns(ember.bool)

# ---------------------------------------------------------------- comparisons
COMPARE = {"eq": (np.equal, operator.eq), "ne": (np.not_equal, operator.ne), "lt": (np.less, operator.lt),
           "le": (np.less_equal, operator.le), "gt": (np.greater, operator.gt),
           "ge": (np.greater_equal, operator.ge)}
# small ranges so that integer operands are often equal
CMP_SPEC = (T(-2, 2), T(-2, 2))
# mixed dtypes compare in the promoted dtype, where (as in PyTorch) a negative 0-d int32 next to a
# uint8 tensor wraps to a large uint8: non-negative values keep numpy's int64 oracle exact
MIXED_SPEC = (T(0, 2), T(0, 2))


@pytest.mark.parametrize("name", COMPARE)
def test_compare_same_dtype(name):
    ref, _ = COMPARE[name]
    check_op(getattr(ember, name), ref, *CMP_SPEC, dtypes=ALL_DTYPES, result=BOOL, name=name)


@pytest.mark.parametrize("name", COMPARE)
def test_compare_mixed_dtypes(name):
    ref, _ = COMPARE[name]
    check_op(getattr(ember, name), ref, *MIXED_SPEC, dtypes=pairs(), shapes=MIXED_SHAPES,
             layouts=("contiguous", "negative"), result=BOOL, name=name)


def test_compare_ties_and_promotion():
    # equal values in different dtypes compare in the promoted dtype
    a = ember.from_numpy(np.array([-1, 0, 1, 2, 255], np.int64))
    b = ember.from_numpy(np.array([-1.0, 0.0, 1.5, 2.0, 255.0], np.float32))
    np.testing.assert_array_equal(ember.eq(a, b).numpy(), [True, True, False, True, True])
    np.testing.assert_array_equal((a <= b).numpy(), [True] * 5)
    np.testing.assert_array_equal((a < b).numpy(), [False, False, True, False, False])
    u = ember.from_numpy(np.array([0, 200], np.uint8))
    i = ember.from_numpy(np.array([0, -56], np.int8))  # uint8 vs int8 compares in int16: 200 != -56
    np.testing.assert_array_equal((u == i).numpy(), [True, False])
    # a 0-d tensor doesn't widen the compute dtype: -2 (int32, 0-d) becomes 254 next to uint8, as in PyTorch
    np.testing.assert_array_equal((u < ember.tensor(-2, dtype=ember.int32)).numpy(), [True, True])
    nan = ember.from_numpy(np.array([np.nan, 1.0]))
    np.testing.assert_array_equal((nan == nan).numpy(), [False, True])
    np.testing.assert_array_equal((nan != nan).numpy(), [True, False])
    np.testing.assert_array_equal((nan < 2).numpy(), [False, True])
    assert (ember.ones(2, dtype=ember.float16) == 1.5).dtype == ember.bool


@pytest.mark.parametrize("name", COMPARE)
@pytest.mark.parametrize("scalar", [True, 1, 0.5, -1.5])
def test_compare_python_operators_and_scalars(name, scalar):
    ref, op = COMPARE[name]
    shapes = [((),), ((3, 4),), ((0,),)]
    for f, label in ((getattr(ember, name), f"ember.{name}(t, {scalar!r})"), (op, f"t {op.__name__} {scalar!r}"),
                     (lambda t, s: getattr(t, name)(s), f"t.{name}({scalar!r})")):
        check_op(f, ref, T(-2, 2), scalar, dtypes=ALL_DTYPES, shapes=shapes, layouts=("contiguous", "strided"),
                 result=BOOL, name=label)
    # the reflected form: scalar <op> t (Python swaps to t's reflected comparison)
    check_op(op, ref, scalar, T(-2, 2), dtypes=ALL_DTYPES, shapes=shapes, layouts=("contiguous",), result=BOOL,
             name=f"{scalar!r} {op.__name__} t")
    check_op(op, ref, *CMP_SPEC, dtypes=(ember.int32, ember.float32), shapes=[((3, 4), (4,))],
             layouts=("contiguous", "transposed"), result=BOOL, name=f"t {op.__name__} t")


@pytest.mark.parametrize("name", COMPARE)
def test_compare_inplace_and_out(name):
    ref, _ = COMPARE[name]
    check_op(lambda a, b: getattr(a, name + "_")(b), ref, *MIXED_SPEC,
             dtypes=[p for p in pairs() if p[0] != ember.bool or p[1] == ember.bool],
             shapes=[((3, 4), (4,)), ((3, 4), ()), ((2, 3), (2, 3))],
             layouts=("contiguous", "transposed", "negative"), result=BOOL, mode="inplace", name=name + "_")
    check_op(getattr(ember, name), ref, *CMP_SPEC, dtypes=ALL_DTYPES, shapes=[((3, 4), (4,)), ((), ()), ((0, 2), (2,))],
             layouts=("contiguous", "negative"), result=BOOL, mode="out", name=name + " out=")
    check_op(getattr(ember, name), ref, *CMP_SPEC, dtypes=[ember.float32], shapes=[((3, 4), (4,))], result=BOOL,
             mode="out", out_dtype=ember.float32, name=name + " out=float32")


def test_rich_comparison_with_other_objects():
    t = ember.arange(3)
    assert (t == None) is False and (t != None) is True  # noqa: E711
    assert (t == "a") is False and (t != "a") is True
    assert t.__eq__("a") is NotImplemented and t.__lt__(None) is NotImplemented
    with pytest.raises(TypeError):
        t < "a"
    with pytest.raises(TypeError):
        t >= None
    assert (t == t).dtype == ember.bool and (t == t).numpy().all()
    np.testing.assert_array_equal((1 < t).numpy(), [False, False, True])
    np.testing.assert_array_equal((1 >= t).numpy(), [True, True, False])
    with pytest.raises(RuntimeError, match="size of tensor a"):
        ember.ones(3) == ember.ones(4)


def test_tensors_stay_hashable_and_bool_of_one_element():
    a, b = ember.ones(2), ember.ones(2)
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2 and hash(a) != hash(b) and a in {a}
    assert bool(ember.tensor(3) == 3) is True and bool(ember.tensor([2.0]) > 5) is False
    assert ember.tensor(1.5) and not ember.tensor(0)
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(a == b)
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.ones(0))


def test_compare_not_differentiable():
    x = ember.ones(3, requires_grad=True)
    for r in (x > 0, x == x, ember.logical_and(x, x), ember.logical_not(x), ember.isnan(x)):
        assert r.dtype == ember.bool and not r.requires_grad and r.grad_fn is None
    # in place on a float tensor with history (as PyTorch's eq_): the result's gradient is zero
    for name in ("eq_", "lt_", "ge_", "logical_and_", "logical_not_"):
        y = x * 2
        args = () if name == "logical_not_" else (ember.full((3,), 2.0) if name == "logical_and_" else 2.0,)
        getattr(y, name)(*args)
        assert y.requires_grad and y.dtype == ember.float32
        (y * 3).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
        x.grad = None
    with pytest.raises(RuntimeError, match="leaf"):
        x.eq_(1.0)


# ---------------------------------------------------------------- unary math
def _np_erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _gelu(x):
    return x * 0.5 * (1 + _np_erf(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _sign(x):
    return np.sign(x)


# name -> (numpy fn, spec, dtypes, result rule)
UNARY = {
    "abs": (np.abs, T(), NUMERIC_DTYPES, result_type),
    "reciprocal": (np.reciprocal, T(nonzero=True), ALL_DTYPES, float_result_type),
    "square": (np.square, T(), NUMERIC_DTYPES, result_type),
    "sqrt": (np.sqrt, T(0.1, 5), ALL_DTYPES, float_result_type),
    "rsqrt": (lambda x: 1 / np.sqrt(x), T(0.1, 5, nonzero=True), ALL_DTYPES, float_result_type),
    "exp2": (np.exp2, T(), ALL_DTYPES, float_result_type),
    "expm1": (np.expm1, T(), ALL_DTYPES, float_result_type),
    "log2": (np.log2, T(0.1, 5, nonzero=True), ALL_DTYPES, float_result_type),
    "log10": (np.log10, T(0.1, 5, nonzero=True), ALL_DTYPES, float_result_type),
    "log1p": (np.log1p, T(-0.5, 5), ALL_DTYPES, float_result_type),
    "sin": (np.sin, T(), ALL_DTYPES, float_result_type),
    "cos": (np.cos, T(), ALL_DTYPES, float_result_type),
    "tan": (np.tan, T(-1.2, 1.2), ALL_DTYPES, float_result_type),
    "asin": (np.arcsin, T(-0.9, 0.9), ALL_DTYPES, float_result_type),
    "acos": (np.arccos, T(-0.9, 0.9), ALL_DTYPES, float_result_type),
    "atan": (np.arctan, T(), ALL_DTYPES, float_result_type),
    "sinh": (np.sinh, T(), ALL_DTYPES, float_result_type),
    "cosh": (np.cosh, T(), ALL_DTYPES, float_result_type),
    "erf": (_np_erf, T(), ALL_DTYPES, float_result_type),
    "floor": (np.floor, T(), NUMERIC_DTYPES, result_type),
    "ceil": (np.ceil, T(), NUMERIC_DTYPES, result_type),
    "round": (np.round, T(), NUMERIC_DTYPES, result_type),
    "trunc": (np.trunc, T(), NUMERIC_DTYPES, result_type),
    "sign": (_sign, T(), ALL_DTYPES, result_type),
    "gelu": (_gelu, T(), FLOAT_DTYPES, result_type),
    "silu": (lambda x: x / (1 + np.exp(-x)), T(), FLOAT_DTYPES, result_type),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    ref, spec, dtypes, rule = UNARY[name]
    check_op(getattr(ember, name), ref, spec, dtypes=dtypes, result=rule, name=name)
    check_op(lambda a: getattr(a, name)(), ref, spec, dtypes=dtypes, shapes=[((3, 4),)], result=rule,
             layouts=("transposed",), name="Tensor." + name)


@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace(name):
    ref, spec, dtypes, rule = UNARY[name]
    check_op(lambda a: getattr(a, name + "_")(), ref, spec, dtypes=dtypes, shapes=[((3, 4),), ((),), ((0,),)],
             layouts=("contiguous", "transposed", "strided", "negative"), result=rule, mode="inplace",
             name=name + "_")


@pytest.mark.parametrize("name", UNARY)
def test_unary_out(name):
    ref, spec, dtypes, rule = UNARY[name]
    check_op(getattr(ember, name), ref, spec, dtypes=dtypes, shapes=[((3, 4),), ((),), ((0,),)],
             layouts=("contiguous", "negative"), result=rule, mode="out", name=name + " out=")
    if name in EXACT_OUT_DTYPE:  # PyTorch requires the result's own dtype for these
        with pytest.raises(RuntimeError, match="Found dtype Float but expected Double"):
            getattr(ember, name)(ember.ones(2, dtype=ember.float64), out=ember.empty(2))
        return
    # a float64 result written into a float32 out= (float32 math may be 1 ulp off: not checked at float64)
    check_op(getattr(ember, name), ref, spec, dtypes=[ember.float64], shapes=[((3, 4),)], result=rule, mode="out",
             out_dtype=ember.float32, name=name + " out=float32")


EXACT_OUT_DTYPE = ("neg", "abs", "floor", "ceil", "round", "trunc", "sign", "clamp", "nan_to_num", "bitwise_not")


@pytest.mark.parametrize("name", EXACT_OUT_DTYPE)
def test_out_dtype_must_match_where_pytorch_requires_it(name):
    x = ember.ones(3, dtype=ember.int32 if name == "bitwise_not" else ember.float32)
    args = (0, 1) if name == "clamp" else ()
    other = ember.int64 if name == "bitwise_not" else ember.float64
    msg = "dtype of out: Double should be same as input: Float" if name == "nan_to_num" else "Found dtype"
    with pytest.raises(RuntimeError, match=msg):
        getattr(ember, name)(x, *args, out=ember.empty(3, dtype=other))
    out = ember.empty(3, dtype=x.dtype)  # the same dtype is fine, and in-place still casts nothing
    getattr(ember, name)(x, *args, out=out)
    # ops without that rule still cast into a wider out=
    assert ember.exp(ember.ones(2), out=ember.empty(2, dtype=ember.float64)).dtype == ember.float64


def test_unary_special_values():
    v = np.array([0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-10, -7.25])
    t = ember.from_numpy(v)
    with np.errstate(all="ignore"):
        for name, ref, _ in [(n, UNARY[n][0], None) for n in ("abs", "floor", "ceil", "round", "trunc", "sqrt",
                                                               "expm1", "log1p", "sin", "atan", "erf", "exp2")]:
            np.testing.assert_allclose(getattr(ember, name)(t).numpy(), ref(v), rtol=1e-12, atol=0, err_msg=name)
    np.testing.assert_array_equal(ember.round(t).numpy()[2:7], [0.0, 2.0, 2.0, -0.0, -2.0])  # half to even
    np.testing.assert_array_equal(ember.sign(t).numpy(), [0, 0, 1, 1, 1, -1, -1, 1, -1, 1, -1, 0, 1, -1])  # nan -> 0
    np.testing.assert_array_equal(ember.abs(ember.from_numpy(np.array([-128, 127], np.int8))).numpy(),
                                  np.abs(np.array([-128, 127], np.int8)))
    np.testing.assert_allclose(ember.expm1(ember.from_numpy(np.array([1e-10]))).numpy(), np.expm1([1e-10]), rtol=1e-14)


def test_round_decimals():
    v = np.array([1.2345, -2.5, 0.125, 1234.5, -0.0051, 2.675])
    for d in (1, 2, -1, -2, 0):
        for dt in (ember.float32, ember.float64):
            t = ember.from_numpy(v).to(dt)
            ref = np.round(v.astype(np.float32 if dt == ember.float32 else np.float64), d)
            np.testing.assert_allclose(ember.round(t, decimals=d).numpy(), ref, rtol=1e-6, err_msg=f"{d} {dt}")
            np.testing.assert_allclose(t.round(decimals=d).numpy(), ref, rtol=1e-6)
    check_op(lambda a: ember.round(a, decimals=1), lambda a: np.round(a, 1), T(), dtypes=(ember.float64,), name="round(decimals=1)")
    t = ember.from_numpy(v.copy())
    t.round_(decimals=2)
    np.testing.assert_allclose(t.numpy(), np.round(v, 2))
    assert ember.round(ember.arange(3), decimals=0).dtype == ember.int64
    with pytest.raises(NotImplementedError, match="round_decimals"):
        ember.round(ember.arange(3), decimals=1)


def test_python_abs():
    check_op(lambda a: abs(a), np.abs, T(), dtypes=NUMERIC_DTYPES, shapes=[((3, 4),), ((),)],
             layouts=("contiguous", "negative"), name="abs(t)")


def test_rounding_is_identity_on_integers():
    for name in ("floor", "ceil", "round", "trunc"):
        i = ember.from_numpy(np.array([-3, 0, 7], np.int32))
        r = getattr(ember, name)(i)
        assert r.dtype == ember.int32 and r.data_ptr() != i.data_ptr()
        np.testing.assert_array_equal(r.numpy(), [-3, 0, 7])


def test_gelu_approximate():
    check_op(lambda a: ember.gelu(a, approximate="tanh"), _gelu_tanh, T(), dtypes=FLOAT_DTYPES, name="gelu tanh")
    check_op(lambda a: a.gelu(approximate="none"), _gelu, T(), dtypes=FLOAT_DTYPES, shapes=[((3, 4),)],
             name="gelu none")
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        ember.gelu(ember.ones(2), approximate="fast")


def test_unary_dtype_errors():
    b = ember.ones(2, dtype=ember.bool)
    i = ember.ones(2, dtype=ember.int64)
    sq = ember.square(ember.tensor([True, False]))  # PyTorch: a bool tensor squares to int64
    assert sq.dtype == ember.int64 and sq.numpy().tolist() == [1, 0]
    for f in (lambda: ember.abs(b), lambda: ember.floor(b), lambda: ember.gelu(i),
              lambda: ember.silu(i), lambda: ember.gelu(b)):
        with pytest.raises(RuntimeError, match="not implemented|not supported"):
            f()
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.sqrt_()
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.sin(ember.ones(2), out=ember.empty(2, dtype=ember.int64))


def test_default_dtype_drives_float_results():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.sqrt(ember.arange(3)).dtype == ember.float64
        assert ember.sin(ember.ones(2, dtype=ember.bool)).dtype == ember.float64
        assert ember.sin(ember.ones(2, dtype=ember.float16)).dtype == ember.float16
    finally:
        ember.set_default_dtype(ember.float32)


# ---------------------------------------------------------------- binary math, selection, predicates
NUM_PAIRS = [p for p in pairs() if ember.bool not in p]
BINARY = {  # name -> (numpy fn, specs, dtypes, result rule)
    "maximum": (np.maximum, (T(), T()), ALL_DTYPES, result_type),
    "minimum": (np.minimum, (T(), T()), ALL_DTYPES, result_type),
    "atan2": (np.arctan2, (T(), T()), ALL_DTYPES, float_result_type),
    "floor_divide": (np.floor_divide, (T(), T(nonzero=True)), NUMERIC_DTYPES, result_type),
    "remainder": (np.remainder, (T(), T(nonzero=True)), NUMERIC_DTYPES, result_type),
    "fmod": (np.fmod, (T(), T(nonzero=True)), NUMERIC_DTYPES, result_type),
}
INPLACE_BINARY = ("atan2", "floor_divide", "remainder", "fmod")


@pytest.mark.parametrize("name", BINARY)
def test_binary(name):
    ref, specs, dtypes, rule = BINARY[name]
    check_op(getattr(ember, name), ref, *specs, dtypes=dtypes, result=rule, name=name)
    check_op(lambda a, b: getattr(a, name)(b), ref, *specs, dtypes=(ember.int32, ember.float32), result=rule,
             shapes=[((3, 4), (4,))], layouts=("transposed",), name="Tensor." + name)
    # mixed dtypes (non-negative values: a 0-d operand is cast to the other's dtype, as in PyTorch)
    check_op(getattr(ember, name), ref, T(0, 3), T(1, 3), dtypes=[p for p in pairs() if set(p) <= set(dtypes)],
             shapes=[((3, 4), (4,)), ((), (3,)), ((2,), ())], layouts=("contiguous", "negative"), result=rule,
             name=name + " mixed")
    check_op(getattr(ember, name), ref, *specs, dtypes=dtypes, shapes=[((3, 4), (4,)), ((), ()), ((0, 2), (2,))],
             layouts=("contiguous", "negative"), result=rule, mode="out", name=name + " out=")


@pytest.mark.parametrize("name", INPLACE_BINARY)
def test_binary_inplace(name):
    ref, specs, dtypes, rule = BINARY[name]
    check_op(lambda a, b: getattr(a, name + "_")(b), ref, *specs,
             dtypes=[p for p in pairs() if set(p) <= set(dtypes) and p[0] != ember.uint8],
             shapes=[((3, 4), (4,)), ((3, 4), ()), ((2, 3), (2, 3))], layouts=("contiguous", "transposed", "negative"),
             result=rule, mode="inplace", name=name + "_")


@pytest.mark.parametrize("scalar", [2, -3, 2.5, -1.5])
def test_floordiv_mod_operators_and_scalars(scalar):
    shapes = [((),), ((3, 4),), ((0,),)]
    for f, ref, label in ((operator.floordiv, np.floor_divide, "//"), (operator.mod, np.remainder, "%"),
                          (ember.floor_divide, np.floor_divide, "floor_divide"), (ember.remainder, np.remainder, "remainder"),
                          (ember.fmod, np.fmod, "fmod")):
        check_op(f, ref, T(-5, 5), scalar, dtypes=NUMERIC_DTYPES if isinstance(scalar, float) or scalar > 0 else
                 [d for d in NUMERIC_DTYPES if d != ember.uint8], shapes=shapes, layouts=("contiguous", "strided"),
                 name=f"t {label} {scalar!r}")
    for f, ref, label in ((operator.floordiv, np.floor_divide, "//"), (operator.mod, np.remainder, "%")):
        check_op(f, ref, scalar, T(1, 4), dtypes=[d for d in NUMERIC_DTYPES if isinstance(scalar, float) or scalar > 0
                                                   or d != ember.uint8],
                 shapes=shapes, layouts=("contiguous",), name=f"{scalar!r} {label} t")
    check_op(lambda a, b: ember.remainder(a, b), np.remainder, scalar, T(1, 4), dtypes=(ember.int64, ember.float32),
             shapes=[((3,),)], name=f"remainder({scalar!r}, t)")


def test_floordiv_mod_inplace_operators_and_errors():
    def ifloordiv(a, b):
        a //= b
        return a

    def imod(a, b):
        a %= b
        return a
    for f, ref in ((ifloordiv, np.floor_divide), (imod, np.remainder)):
        check_op(f, ref, T(), T(nonzero=True), dtypes=[(ember.float32, ember.float32), (ember.int64, ember.int32)],
                 shapes=[((3, 4), (4,))], layouts=("contiguous", "strided"), mode="inplace", name=f.__name__)
    i = ember.arange(3)
    for f in (lambda: i // 0, lambda: i % 0, lambda: ember.fmod(i, 0), lambda: ember.floor_divide(i, ember.zeros(3, dtype=ember.int64))):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            f()
    v = np.array([-3.0, -0.0, 0.0, 2.0, np.inf, np.nan])
    z = ember.from_numpy(v)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal((z // 0.0).numpy(), v // 0.0)
        np.testing.assert_array_equal(ember.fmod(z, 0.0).numpy(), np.fmod(v, 0.0))
        np.testing.assert_array_equal(ember.remainder(z, 2.0).numpy(), np.remainder(v, 2.0))
        np.testing.assert_array_equal(ember.remainder(z, -2.0).numpy(), np.remainder(v, -2.0))
    m = np.array([np.iinfo(np.int64).min, 7], np.int64)
    np.testing.assert_array_equal((ember.from_numpy(m) // -1).numpy(), m * -1)  # wraps, no trap
    np.testing.assert_array_equal((ember.from_numpy(m) % -1).numpy(), [0, 0])
    with pytest.raises(RuntimeError, match="not implemented"):
        ember.ones(2, dtype=ember.bool) // ember.ones(2, dtype=ember.bool)


def test_maximum_minimum_nan_and_bool():
    a = ember.from_numpy(np.array([np.nan, 1.0, -np.inf, 2.0]))
    b = ember.from_numpy(np.array([0.0, np.nan, 0.0, 2.0]))
    np.testing.assert_array_equal(ember.maximum(a, b).numpy(), np.maximum(a.numpy(), b.numpy()))
    np.testing.assert_array_equal(ember.minimum(a, b).numpy(), np.minimum(a.numpy(), b.numpy()))
    t, f = ember.tensor([True, False]), ember.tensor([False, False])
    assert ember.maximum(t, f).dtype == ember.bool
    np.testing.assert_array_equal(ember.maximum(t, f).numpy(), [True, False])
    with pytest.raises(TypeError):
        ember.maximum(a, 2)  # as in PyTorch: maximum takes tensors only


@pytest.mark.parametrize("weight", [0.3, 0.7, -0.5, 1.0])
def test_lerp(weight):
    ref = lambda a, b, w: a + w * (b - a)  # noqa: E731
    check_op(ember.lerp, ref, T(), T(), weight, dtypes=FLOAT_DTYPES, name=f"lerp w={weight}")
    check_op(lambda a, b, w: a.lerp_(b, w), ref, T(), T(), weight, dtypes=FLOAT_DTYPES, shapes=[((3, 4), (4,))],
             mode="inplace", name="lerp_")
    check_op(ember.lerp, ref, T(), T(), weight, dtypes=[ember.float32], shapes=[((3, 4), (4,))], mode="out",
             name="lerp out=")
    x = ember.from_numpy(np.array([1.0, -2.0]))
    y = ember.from_numpy(np.array([5.0, 3.0]))
    np.testing.assert_array_equal(ember.lerp(x, y, 1.0).numpy(), y.numpy())  # exact at the ends
    np.testing.assert_array_equal(ember.lerp(x, y, 0.0).numpy(), x.numpy())
    with pytest.raises(RuntimeError, match="lerp: expected dtype float32 for `end` but got dtype float64"):
        ember.lerp(ember.ones(2), ember.ones(2, dtype=ember.float64), 0.5)
    with pytest.raises(RuntimeError, match="not implemented"):
        ember.lerp(ember.arange(3), ember.arange(3), 0.5)


def test_clamp():
    for lo, hi in ((-1, 1), (None, 0), (0, None), (2, -2)):
        dts = NUMERIC_DTYPES[1:] if min(lo or 0, hi or 0) < 0 else NUMERIC_DTYPES  # uint8 can't hold -1
        ref = lambda a, lo=lo, hi=hi: np.minimum(np.maximum(a, -np.inf if lo is None else lo),  # noqa: E731
                                                  np.inf if hi is None else hi)
        check_op(lambda a: ember.clamp(a, min=lo, max=hi), ref, T(), dtypes=dts, name=f"clamp({lo}, {hi})")
        check_op(lambda a: a.clamp(lo, hi), ref, T(), dtypes=dts, shapes=[((3, 4),)], layouts=("negative",),
                 name=f"Tensor.clamp({lo}, {hi})")
        check_op(lambda a: a.clamp_(lo, hi), ref, T(), dtypes=dts, shapes=[((3, 4),), ((),)],
                 layouts=("contiguous", "transposed", "strided"), mode="inplace", name="clamp_")
        check_op(lambda a, out: ember.clamp(a, lo, hi, out=out), ref, T(), dtypes=dts,
                 shapes=[((3, 4),)], mode="out", name="clamp out=")
    # float bounds promote integer tensors (as Python numbers)
    check_op(lambda a: ember.clamp(a, min=0.5), lambda a: np.maximum(a, 0.5), T(), dtypes=ALL_DTYPES[1:],
             result=lambda op: result_type(op, 0.5), name="clamp(min=0.5)")
    assert ember.clamp(ember.ones(2, dtype=ember.float16), max=1e3).dtype == ember.float16
    x = ember.from_numpy(np.array([np.nan, -np.inf, np.inf, 0.5]))
    np.testing.assert_array_equal(ember.clamp(x, -1, 1).numpy(), [np.nan, -1, 1, 0.5])
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.clamp(ember.ones(2, dtype=ember.uint8), min=300)
    # as PyTorch: an unsigned dtype takes negative Python ints down to -max (two's complement wrap)
    assert ember.clamp(ember.ones(2, dtype=ember.uint8), min=-1).tolist() == [255, 255]
    # a NaN bound makes every result NaN, as PyTorch
    assert np.isnan(ember.clamp(ember.ones(2), min=float("nan")).numpy()).all()
    assert np.isnan(ember.clamp(ember.ones(2), max=float("nan")).numpy()).all()
    assert np.isnan(ember.clamp(ember.ones(2), -1, float("nan")).numpy()).all()
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        ember.clamp(x)
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.arange(3).clamp_(min=0.5)
    assert ember.clamp(ember.ones(2, dtype=ember.bool), 0, 1).dtype == ember.int64  # int bounds promote bool


def test_nan_to_num():
    v = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0])
    for dt, big in ((ember.float16, 65504.0), (ember.float32, float(np.finfo(np.float32).max)),
                    (ember.float64, float(np.finfo(np.float64).max)),
                    (ember.bfloat16, 3.3895313892515355e38)):
        t = ember.from_numpy(v).to(dt)
        r = ember.nan_to_num(t)
        assert r.dtype == dt
        np.testing.assert_array_equal(r.to(ember.float64).numpy(), [0.0, big, -big, 1.5, 0.0])
        r = t.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0)
        np.testing.assert_array_equal(r.to(ember.float64).numpy(), [1.0, 2.0, -3.0, 1.5, 0.0])
    t = ember.from_numpy(v.copy())
    assert t.nan_to_num_(nan=7.0) is t and t.numpy()[0] == 7.0
    out = ember.empty(5, dtype=ember.float64)
    ember.nan_to_num(ember.from_numpy(v), posinf=9.0, out=out)
    np.testing.assert_array_equal(out.numpy(), np.nan_to_num(v, posinf=9.0))
    check_op(ember.nan_to_num, np.nan_to_num, T(), dtypes=ALL_DTYPES, name="nan_to_num (finite values)")


def test_where():
    dts = [(ember.bool, a, b) for a, b in pairs()]
    shapes = [((3, 4), (3, 4), (3, 4)), ((3, 1), (4,), ()), ((), (2, 3), (3,)), ((0,), (0,), (1,)), ((2, 1, 3), (4, 1), ())]
    check_op(ember.where, np.where, T(), T(0, 3), T(0, 3), dtypes=dts, shapes=shapes, layouts=("contiguous", "negative"),
             result=lambda c, a, b: result_type(a, b), name="where")
    check_op(ember.where, np.where, T(), T(), T(), dtypes=[(ember.bool, ember.float32, ember.float32)],
             shapes=[((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1))], result=lambda c, a, b: result_type(a, b),
             name="where layouts")
    for s in (0.0, 2, True):
        check_op(lambda c, a: ember.where(c, a, s), lambda c, a: np.where(c, a, s), T(), T(),
                 dtypes=[(ember.bool, d) for d in ALL_DTYPES], shapes=[((3, 4), (4,))],
                 result=lambda c, a: result_type(a, s), name=f"where(c, t, {s!r})")
        check_op(lambda c, a: ember.where(c, s, a), lambda c, a: np.where(c, s, a), T(), T(),
                 dtypes=[(ember.bool, d) for d in ALL_DTYPES], shapes=[((3, 4), (4,))],
                 result=lambda c, a: result_type(s, a), name=f"where(c, {s!r}, t)")
    c = ember.tensor([True, False])
    assert ember.where(c, 1.0, 0.0).dtype == ember.float32 and ember.where(c, 1, 0).dtype == ember.int64
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
        ember.where(ember.ones(2), ember.ones(2), ember.ones(2))
    assert ember.where(ember.tensor([0, 2], dtype=ember.uint8), 1, 0).tolist() == [0, 1]  # uint8: as PyTorch
    with pytest.raises(RuntimeError, match="size of tensor a"):
        ember.where(ember.ones(3, dtype=ember.bool), ember.ones(2), ember.ones(2))


def test_isnan_isinf_isfinite():
    v = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, 65504.0])
    for dt in FLOAT_DTYPES:
        t = ember.from_numpy(v).to(dt)
        for name, ref in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite)):
            r = getattr(ember, name)(t)
            assert r.dtype == ember.bool
            np.testing.assert_array_equal(r.numpy(), ref(v), err_msg=f"{name} {dt}")
            np.testing.assert_array_equal(getattr(t, name)().numpy(), ref(v))
    for name, ref in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite)):
        check_op(getattr(ember, name), ref, T(), dtypes=ALL_DTYPES, result=BOOL, name=name)


# ---------------------------------------------------------------- logical and bitwise
INT_BOOL = (ember.bool,) + tuple(d for d in NUMERIC_DTYPES if not d.is_floating_point)
LOGICAL = {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}
BITWISE = {"bitwise_and": (np.bitwise_and, operator.and_, "&="), "bitwise_or": (np.bitwise_or, operator.or_, "|="),
           "bitwise_xor": (np.bitwise_xor, operator.xor, "^=")}


@pytest.mark.parametrize("name", LOGICAL)
def test_logical(name):
    ref = LOGICAL[name]
    check_op(getattr(ember, name), ref, *CMP_SPEC, dtypes=ALL_DTYPES, result=BOOL, name=name)
    check_op(getattr(ember, name), ref, *MIXED_SPEC, dtypes=pairs(), shapes=MIXED_SHAPES, layouts=("contiguous",),
             result=BOOL, name=name + " mixed")
    check_op(lambda a, b: getattr(a, name)(b), ref, *CMP_SPEC, dtypes=(ember.float32, ember.int64),
             shapes=[((3, 4), (4,))], layouts=("transposed", "negative"), result=BOOL, name="Tensor." + name)
    check_op(lambda a, b: getattr(a, name + "_")(b), ref, *MIXED_SPEC, dtypes=pairs(),
             shapes=[((3, 4), (4,))], layouts=("contiguous", "strided"), result=BOOL, mode="inplace", name=name + "_")
    check_op(getattr(ember, name), ref, *CMP_SPEC, dtypes=ALL_DTYPES, shapes=[((3, 4), (4,)), ((0,), ())],
             result=BOOL, mode="out", name=name + " out=")


def test_logical_not():
    check_op(ember.logical_not, np.logical_not, T(-2, 2), dtypes=ALL_DTYPES, result=BOOL, name="logical_not")
    check_op(lambda a: a.logical_not_(), np.logical_not, T(-2, 2), dtypes=ALL_DTYPES, shapes=[((3, 4),), ((),)],
             layouts=("contiguous", "negative"), result=BOOL, mode="inplace", name="logical_not_")
    check_op(ember.logical_not, np.logical_not, T(-2, 2), dtypes=ALL_DTYPES, shapes=[((3, 4),)], result=BOOL,
             mode="out", name="logical_not out=")
    nan = ember.from_numpy(np.array([np.nan, 0.0, -0.0]))
    np.testing.assert_array_equal(ember.logical_not(nan).numpy(), [False, True, True])


@pytest.mark.parametrize("name", BITWISE)
def test_bitwise(name):
    ref, op, iop = BITWISE[name]
    spec = (T(-100, 100), T(-100, 100))
    for f in (getattr(ember, name), op, lambda a, b: getattr(a, name)(b)):
        check_op(f, ref, *spec, dtypes=INT_BOOL, name=name)
    check_op(op, ref, T(0, 100), T(0, 100), dtypes=[p for p in pairs() if set(p) <= set(INT_BOOL)],
             shapes=MIXED_SHAPES, layouts=("contiguous",), name=name + " mixed")
    for s in (True, 5, -3):
        dts = INT_BOOL if isinstance(s, bool) or s >= 0 else [d for d in INT_BOOL if d != ember.uint8]
        check_op(op, ref, spec[0], s, dtypes=dts, shapes=[((3, 4),), ((),)], name=f"t {iop[0]} {s!r}")
        check_op(op, ref, s, spec[0], dtypes=dts, shapes=[((3, 4),)], name=f"{s!r} {iop[0]} t")
    check_op(lambda a, b: getattr(a, name + "_")(b), ref, *spec, dtypes=INT_BOOL, shapes=[((3, 4), (4,))],
             layouts=("contiguous", "negative"), mode="inplace", name=name + "_")
    ns = {}
    exec(f"def f(a, b):\n    a {iop} b\n    return a", ns)
    check_op(ns["f"], ref, *spec, dtypes=INT_BOOL, shapes=[((3, 4), (4,))], mode="inplace", name=iop)
    check_op(getattr(ember, name), ref, *spec, dtypes=INT_BOOL, shapes=[((3, 4), (4,)), ((0,), ())], mode="out",
             name=name + " out=")
    for bad in (lambda: getattr(ember, name)(ember.ones(2), ember.ones(2)), lambda: op(ember.ones(2, dtype=ember.int32), 1.5)):
        with pytest.raises(RuntimeError, match=f'"{name}" not implemented for'):
            bad()
    with pytest.raises(TypeError):
        op(ember.ones(2, dtype=ember.int32), "x")


def test_bitwise_not():
    # the int64 oracle can't see bool inputs: np.invert for integers, logical NOT for bool
    for dts, ref in ((INT_BOOL[1:], np.invert), ((ember.bool,), np.logical_not)):
        check_op(ember.bitwise_not, ref, T(-100, 100), dtypes=dts, name="bitwise_not")
        check_op(operator.invert, ref, T(-100, 100), dtypes=dts, shapes=[((3, 4),), ((),)],
                 layouts=("contiguous", "negative"), name="~t")
        check_op(lambda a: a.bitwise_not_(), ref, T(-100, 100), dtypes=dts, shapes=[((3, 4),)],
                 layouts=("contiguous", "transposed"), mode="inplace", name="bitwise_not_")
        check_op(ember.bitwise_not, ref, T(-100, 100), dtypes=dts, shapes=[((3, 4),)], mode="out",
                 name="bitwise_not out=")
    with pytest.raises(NotImplementedError, match='"bitwise_not" not implemented for'):
        ember.bitwise_not(ember.ones(2))
    with pytest.raises(TypeError, match=r"~ \(operator.invert\) is only implemented on integer and Boolean"):
        ~ember.ones(2)  # the operator: TypeError, as PyTorch
    m = ember.arange(5) > 2
    np.testing.assert_array_equal((~m & (ember.arange(5) > 0)).numpy(), [False, True, True, False, False])


# ---------------------------------------------------------------- isclose, allclose, equal
def test_isclose():
    a = np.array([1.0, 1.0, np.nan, np.inf, -np.inf, np.inf, 0.0, 1e-9, 100.0])
    b = np.array([1.0 + 1e-6, 1.1, np.nan, np.inf, -np.inf, -np.inf, 1e-9, 0.0, 100.001])
    for dt in (ember.float32, ember.float64):
        ta, tb = ember.from_numpy(a).to(dt), ember.from_numpy(b).to(dt)
        for kw in ({}, {"equal_nan": True}, {"rtol": 0.2}, {"atol": 0.5, "rtol": 0.0}, {"rtol": 0.0, "atol": 0.0}):
            ref = np.isclose(a.astype(np.float32 if dt == ember.float32 else np.float64),
                             b.astype(np.float32 if dt == ember.float32 else np.float64), **kw)
            r = ember.isclose(ta, tb, **kw)
            assert r.dtype == ember.bool
            np.testing.assert_array_equal(r.numpy(), ref, err_msg=f"{dt} {kw}")
            np.testing.assert_array_equal(ta.isclose(tb, **kw).numpy(), ref)
            assert ember.allclose(ta, tb, **kw) is bool(ref.all())
            assert ta.allclose(ta, equal_nan=True) is True
    check_op(lambda x, y: ember.isclose(x, y, rtol=0.1, atol=0.5), lambda x, y: np.isclose(x, y, rtol=0.1, atol=0.5),
             T(), T(), dtypes=ALL_DTYPES, shapes=[((3, 4), (3, 4)), ((3, 4), (4,)), ((), ()), ((0,), (1,))],
             result=BOOL, name="isclose")
    i = ember.from_numpy(np.array([1, 5, 10], np.int64))
    np.testing.assert_array_equal(ember.isclose(i, i + 1, atol=1).numpy(), [True, True, True])
    np.testing.assert_array_equal(ember.isclose(i, i + 1, rtol=0.1, atol=0).numpy(), [False, False, True])
    with pytest.raises(RuntimeError, match="must have the same scalar type"):
        ember.isclose(ember.ones(2), ember.ones(2, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="rtol must be greater than or equal to zero"):
        ember.isclose(ember.ones(2), ember.ones(2), rtol=-1.0)
    with pytest.raises(RuntimeError, match="atol must be greater than or equal to zero"):
        ember.allclose(ember.ones(2), ember.ones(2), atol=-1.0)
    assert ember.allclose(ember.ones(3, 1), ember.ones(4)) is True  # broadcasts


def test_equal():
    a = ember.arange(6).view(2, 3)
    assert ember.equal(a, a.clone()) is True and a.equal(a.clone()) is True
    assert ember.equal(a, a.view(3, 2)) is False  # same elements, different size
    assert ember.equal(a, a + 1) is False
    assert ember.equal(a, a.to(ember.float32)) is True  # compared in the promoted dtype
    assert ember.equal(ember.ones(0), ember.ones(0)) is True
    n = ember.from_numpy(np.array([np.nan]))
    assert ember.equal(n, n) is False
    assert ember.equal(ember.ones(3), ember.ones(1)) is False  # no broadcasting
    assert ember.equal(a.T, a.T.contiguous()) is True


def test_clamp_with_tensor_bounds_where_method_and_clip():
    from ember.autograd import gradcheck

    a = np.array([[-2.0, 0.5, 3.0], [1.0, -1.0, 0.0]])
    lo, hi = np.array([-1.0, 1.0, 1.0]), np.array([[2.0], [0.5]])
    t = ember.from_numpy(a)
    np.testing.assert_array_equal(ember.clamp(t, ember.from_numpy(lo), ember.from_numpy(hi)).numpy(),
                                  np.minimum(np.maximum(a, lo), hi))
    np.testing.assert_array_equal(t.clip(min=ember.from_numpy(lo)).numpy(), np.maximum(a, lo))
    np.testing.assert_array_equal(ember.clip(t, 0, 1).numpy(), np.clip(a, 0, 1))
    u = t.clone()
    u.clamp_(max=ember.from_numpy(hi))
    np.testing.assert_array_equal(u.numpy(), np.minimum(a, hi))
    w = t.clone()
    assert w.clip_(-1, 1) is w
    np.testing.assert_array_equal(w.numpy(), np.clip(a, -1, 1))
    w = t.clone()
    w.clip_(max=ember.from_numpy(hi))
    np.testing.assert_array_equal(w.numpy(), np.minimum(a, hi))
    np.testing.assert_array_equal(t.where(t > 0, ember.zeros(3, dtype=ember.float64)).numpy(), np.where(a > 0, a, 0))
    x = ember.from_numpy(a + 0.25).requires_grad_()
    b = ember.from_numpy(lo + 0.1).requires_grad_()
    assert gradcheck(lambda x, b: ember.clamp(x, b, ember.from_numpy(hi)), (x, b))
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        ember.clamp(t)
