"""Pointwise ops against numpy with check_op: every dtype, broadcasting, layouts, 0-d / empty,
Python scalars on either side, in-place and out= variants."""
import operator

import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, PROMOTE_SCALAR, T, check_op,
                      float_result_type, pairs, result_type)

NON_BOOL = NUMERIC_DTYPES
MIXED = pairs()  # every (lhs, rhs) dtype combination
OPERATORS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
             "pow": operator.pow}
MIXED_SHAPES = [((3, 4), (4,)), ((), (3,)), ((2,), ())]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# name, ember function, numpy function (float64 / int64 in), operand specs, dtypes, result rule
BINARY = {
    "add": (ember.add, np.add, (T(), T()), ALL_DTYPES, result_type),
    "sub": (ember.sub, np.subtract, (T(), T()), NON_BOOL, result_type),
    "mul": (ember.mul, np.multiply, (T(), T()), ALL_DTYPES, result_type),
    "div": (ember.div, np.true_divide, (T(), T(nonzero=True)), ALL_DTYPES, float_result_type),
    "pow": (ember.pow, lambda a, b: np.power(a, b), (T(0.25, 3), T(0, 3)), ALL_DTYPES, result_type),
}
UNARY = {
    "neg": (ember.neg, np.negative, T(), NON_BOOL, result_type),
    "exp": (ember.exp, np.exp, T(), ALL_DTYPES, float_result_type),
    "log": (ember.log, np.log, T(0.1, 5, nonzero=True), ALL_DTYPES, float_result_type),
    "tanh": (ember.tanh, np.tanh, T(), ALL_DTYPES, float_result_type),
    "sigmoid": (ember.sigmoid, _sigmoid, T(), ALL_DTYPES, float_result_type),
    "relu": (ember.relu, lambda x: np.maximum(x, 0), T(), NON_BOOL, result_type),
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_same_dtype(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    check_op(fn, ref, *specs, dtypes=dtypes, result=rule, name=name)


@pytest.mark.parametrize("name", BINARY)
def test_binary_mixed_dtypes(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    check_op(fn, ref, *specs, dtypes=[p for p in MIXED if set(p) <= set(dtypes)], shapes=MIXED_SHAPES,
             layouts=("contiguous", "negative"), result=rule, name=name)


@pytest.mark.parametrize("name", BINARY)
def test_binary_method_and_operator(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    op = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__"}[name]
    for f in (lambda a, b: getattr(a, name)(b), lambda a, b: getattr(a, op)(b)):
        check_op(f, ref, *specs, dtypes=(ember.int32, ember.float32, ember.float64), result=rule,
                 layouts=("contiguous", "transposed"), name=name)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("scalar", [True, 2, 2.5, -1.5])
def test_binary_python_scalar_either_side(name, scalar):
    """ember.op(t, s), t <op> s and s <op> t (the reflected operator), dtypes per promotion_scalars.csv."""
    fn, ref, specs, dtypes, rule = BINARY[name]
    if name == "sub" and isinstance(scalar, bool):
        dtypes = ()  # bool subtraction is an error: test_sub_bool_is_an_error
    if name == "pow" and scalar == -1.5:
        scalar = 1.5  # negative bases ** fractional exponents are nan
    shapes = [((),), ((3, 4),), ((0,),)]
    layouts = ("contiguous", "strided")
    op = OPERATORS[name]
    for f, label in ((fn, f"ember.{name}(t, {scalar!r})"), (op, f"t {op.__name__} {scalar!r}")):
        if dtypes:
            check_op(f, ref, specs[0], scalar, dtypes=dtypes, shapes=shapes, layouts=layouts, result=rule,
                     name=label)
    rev = {"pow": T(0, 3), "div": T(nonzero=True)}.get(name, T())
    if dtypes and not (name == "pow" and isinstance(scalar, float) and scalar < 0):
        check_op(op, ref, scalar, rev, dtypes=dtypes, shapes=shapes, layouts=layouts, result=rule,
                 name=f"{scalar!r} {op.__name__} t")


def test_scalar_results_match_promotion_scalars_csv():
    """t (1-d) op scalar dtypes for every row and column of promotion_scalars.csv."""
    for (dt, col), want in PROMOTE_SCALAR.items():
        t = ember.ones(3, dtype=dt)
        other = {"with_bool": True, "with_int": 2, "with_float": 2.5, "with_0d_int64_tensor": ember.tensor(2),
                 "with_0d_float64_tensor": ember.tensor(2.5, dtype=ember.float64)}[col]
        for f in (lambda: t + other, lambda: other + t, lambda: t * other, lambda: ember.add(t, other)):
            assert f().dtype == want, (dt, col)


def test_result_type_rule_reproduces_promotion_scalars_csv():
    """op_check.result_type (used as the oracle everywhere) agrees with promotion_scalars.csv."""
    for (dt, col), want in PROMOTE_SCALAR.items():
        other = {"with_bool": True, "with_int": 2, "with_float": 2.5, "with_0d_int64_tensor": (ember.int64, 0),
                 "with_0d_float64_tensor": (ember.float64, 0)}[col]
        assert result_type((dt, 1), other) == want, (dt, col)


def test_zero_dim_tensors_only_raise_the_category():
    for a, b in pairs():
        t = ember.ones(2, dtype=a)
        z = ember.from_numpy(np.array(1, dtype="bool" if b == ember.bool else str(b).split(".")[-1])) \
            if b != ember.bfloat16 else ember.tensor(1.0).to(ember.bfloat16)
        assert (t + z).dtype == result_type((a, 1), (b, 0)), (a, b)
        assert (z + t).dtype == result_type((a, 1), (b, 0)), (a, b)


def test_alpha():
    for alpha in (2, -3):
        check_op(lambda a, b: ember.add(a, b, alpha=alpha), lambda a, b: a + alpha * b, T(), T(),
                 dtypes=NON_BOOL, name=f"add alpha={alpha}")
        check_op(lambda a, b: a.sub(b, alpha=alpha), lambda a, b: a - alpha * b, T(), T(),
                 dtypes=NON_BOOL, name=f"sub alpha={alpha}")
    check_op(lambda a, b: ember.add(a, b, alpha=0.5), lambda a, b: a + 0.5 * b, T(), T(), dtypes=FLOAT_DTYPES,
             name="add alpha=0.5")
    check_op(lambda a, s: ember.add(a, s, alpha=3), lambda a, s: a + 3 * s, T(), 2, dtypes=NON_BOOL,
             shapes=[((3, 4),)], name="add(t, 2, alpha=3)")
    with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
        ember.add(ember.ones(2, dtype=ember.int64), ember.ones(2, dtype=ember.int64), alpha=0.5)


@pytest.mark.parametrize("name", BINARY)
def test_binary_inplace(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    method = name + "_"
    check_op(lambda a, b: getattr(a, method)(b), ref, *specs, dtypes=[p for p in MIXED if set(p) <= set(dtypes)],
             shapes=[((3, 4), (4,)), ((3, 4), ()), ((2, 3), (2, 3))], layouts=("contiguous", "transposed",
                                                                               "negative"),
             result=rule, mode="inplace", name=method)


@pytest.mark.parametrize("name", BINARY)
def test_binary_inplace_operator(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    op = {"add": "+=", "sub": "-=", "mul": "*=", "div": "/=", "pow": "**="}[name]
    ns = {}
    exec(f"def f(a, b):\n    a {op} b\n    return a", ns)
    check_op(ns["f"], ref, *specs, dtypes=[(ember.float32, ember.float32), (ember.float64, ember.int32),
                                          (ember.int64, ember.int64)],
             shapes=[((3, 4), (4,))], layouts=("contiguous", "strided"), result=rule, mode="inplace", name=op)


@pytest.mark.parametrize("name", BINARY)
def test_binary_out(name):
    fn, ref, specs, dtypes, rule = BINARY[name]
    check_op(fn, ref, *specs, dtypes=dtypes, shapes=[((3, 4), (4,)), ((), ()), ((0, 2), (2,))],
             layouts=("contiguous", "negative"), result=rule, mode="out", name=name + " out=")
    check_op(fn, ref, *specs, dtypes=[ember.float32], shapes=[((3, 4), (4,))], result=rule, mode="out",
             out_dtype=ember.float64, name=name + " out=float64")


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    fn, ref, spec, dtypes, rule = UNARY[name]
    check_op(fn, ref, spec, dtypes=dtypes, result=rule, name=name)
    check_op(lambda a: getattr(a, name)(), ref, spec, dtypes=dtypes, shapes=[((3, 4),)], result=rule,
             layouts=("transposed",), name="Tensor." + name)


@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace(name):
    fn, ref, spec, dtypes, rule = UNARY[name]
    check_op(lambda a: getattr(a, name + "_")(), ref, spec, dtypes=dtypes, shapes=[((3, 4),), ((),), ((0,),)],
             layouts=("contiguous", "transposed", "strided", "negative"), result=rule, mode="inplace",
             name=name + "_")


@pytest.mark.parametrize("name", [n for n in UNARY if n != "relu"])
def test_unary_out(name):
    fn, ref, spec, dtypes, rule = UNARY[name]
    check_op(fn, ref, spec, dtypes=dtypes, shapes=[((3, 4),), ((),), ((0,),)], layouts=("contiguous", "negative"),
             result=rule, mode="out", name=name + " out=")


def test_neg_operator_and_relu_values():
    check_op(lambda a: -a, np.negative, T(), dtypes=NON_BOOL, shapes=[((3, 4),)], name="-t")
    x = ember.from_numpy(np.array([-1.0, 0.0, 2.0, np.nan, -np.inf, np.inf]))
    np.testing.assert_array_equal(ember.relu(x).numpy(), [0, 0, 2, np.nan, 0, np.inf])


def test_integer_overflow_wraps_like_numpy():
    a = np.array([100, 127, -128], np.int8)
    t = ember.from_numpy(a)
    np.testing.assert_array_equal((t + t).numpy(), a + a)
    np.testing.assert_array_equal((t * t).numpy(), a * a)
    u = ember.from_numpy(np.array([0, 1, 200], np.uint8))
    np.testing.assert_array_equal((u - 5).numpy(), np.array([0, 1, 200], np.uint8) - np.uint8(5))
    np.testing.assert_array_equal((-u).numpy(), -np.array([0, 1, 200], np.uint8))


def test_special_float_values():
    v = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-30, 50.0, -50.0])
    t = ember.from_numpy(v)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(ember.exp(t).numpy(), np.exp(v), rtol=1e-12)
        np.testing.assert_allclose(ember.log(t).numpy(), np.log(v), rtol=1e-12)
        np.testing.assert_allclose(ember.tanh(t).numpy(), np.tanh(v), rtol=1e-12)
        np.testing.assert_allclose(ember.sigmoid(t).numpy(), 1 / (1 + np.exp(-v)), rtol=1e-12)
        np.testing.assert_allclose((t / ember.zeros(10, dtype=ember.float64)).numpy(), v / 0.0)
        np.testing.assert_allclose((t ** 2.0).numpy(), v ** 2.0, rtol=1e-12)


def test_sub_bool_is_an_error():
    b = ember.ones(2, dtype=ember.bool)
    for f in (lambda: b - b, lambda: b - ember.ones(2), lambda: ember.ones(2) - b, lambda: b - 1,
              lambda: -b, lambda: ember.relu(b)):
        with pytest.raises(RuntimeError, match="bool|Bool"):
            f()


def test_integer_pow():
    check_op(ember.pow, np.power, T(-3, 3), T(0, 4), dtypes=[ember.int8, ember.int16, ember.int32, ember.int64],
             shapes=[((3, 4), (4,)), ((5,), ())], name="int pow")
    x = ember.from_numpy(np.array([1, -1, 2], np.int64))
    with pytest.raises(RuntimeError, match="negative integer powers"):
        x ** -1
    with pytest.raises(RuntimeError, match="negative integer powers"):  # a Python-number exponent, even for +-1
        ember.from_numpy(np.array([1, -1], np.int64)) ** -3
    # a tensor exponent: PyTorch's integer results (+-1 keep their powers, other bases give 0)
    np.testing.assert_array_equal((x ** ember.tensor([-3, -3, -3])).numpy(), [1, -1, 0])


def test_bool_pow_and_add():
    a = np.array([False, False, True, True])
    b = np.array([False, True, False, True])
    ta, tb = ember.from_numpy(a), ember.from_numpy(b)
    np.testing.assert_array_equal((ta ** tb).numpy(), [True, False, True, True])
    np.testing.assert_array_equal((ta + tb).numpy(), a | b)
    np.testing.assert_array_equal((ta * tb).numpy(), a & b)
    assert (ta / tb).dtype == ember.float32


def test_default_dtype_drives_float_results():
    ember.set_default_dtype(ember.float64)
    try:
        i = ember.arange(3)
        assert ember.exp(i).dtype == ember.float64
        assert (i / 2).dtype == ember.float64
        assert (i + 2.5).dtype == ember.float64
        assert (ember.ones(2, dtype=ember.float16) + 2.5).dtype == ember.float16
        assert ember.arange(0.0, 1.0, 0.5).dtype == ember.float64
        assert ember.ones(2).dtype == ember.float64 and ember.tensor([1.5]).dtype == ember.float64
        check_op(ember.exp, np.exp, T(), dtypes=(ember.int32, ember.bool), shapes=[((3,),)], result=float_result_type,
                 name="exp with default float64")
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.get_default_dtype() == ember.float32


def test_pow_scalar_base_function():
    t = ember.arange(4)
    np.testing.assert_array_equal(ember.pow(2, t).numpy(), 2 ** np.arange(4))


def test_scalar_out_of_the_integer_dtype_wraps_in_arithmetic():
    # as PyTorch: a Python int is converted to the tensor's dtype with wrap-around (Note [scalar range])
    u = ember.tensor([1, 2, 255], dtype=ember.uint8)
    assert (u + (-1)).tolist() == [0, 1, 254]
    assert (u == -1).tolist() == [False, False, True]
    assert (u | -1).tolist() == [255, 255, 255]
    assert (u - 300).tolist() == [213, 214, 211]
    i8 = ember.tensor([1, 2], dtype=ember.int8)
    assert (i8 == 1000).tolist() == [False, False]
    assert (i8 + 1000).tolist() == [-23, -22]
    assert (i8 + 1000).dtype == ember.int8
