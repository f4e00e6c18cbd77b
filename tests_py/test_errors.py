"""Bad input gives clean exceptions naming the op and the shapes / dtypes / arguments involved."""
import re

import numpy as np
import pytest

import ember


def test_broadcast_mismatch_names_op_and_shapes():
    a, b = ember.ones(2, 3), ember.ones(4)
    for f, op in ((lambda: a + b, "add"), (lambda: ember.sub(a, b), "sub"), (lambda: a * b, "mul"),
                  (lambda: a / b, "div"), (lambda: a ** b, "pow"), (lambda: ember.add(a, b, out=ember.empty(2, 3)),
                                                                     "add")):
        with pytest.raises(RuntimeError, match=rf"{op}.*size of tensor a \(3\) must match the size of tensor b "
                                               rf"\(4\).*\[2, 3\] and \[4\]"):
            f()


def test_inplace_output_shape_mismatch():
    with pytest.raises(RuntimeError, match=r"add_: output with shape \[3\] doesn't match the broadcast shape "
                                           r"\[2, 3\]"):
        ember.ones(3).add_(ember.ones(2, 3))
    out = ember.empty(3)  # out= is resized, as in PyTorch (a warning: it had elements)
    with pytest.warns(UserWarning, match=r"had shape \[3\], which does not match the required output shape \[2, 3\]"):
        ember.exp(ember.ones(2, 3), out=out)
    assert out.shape == (2, 3)


def test_matmul_shape_mismatch():
    with pytest.raises(RuntimeError, match=r"shapes cannot be multiplied \(2x3 and 4x2\)"):
        ember.ones(2, 3) @ ember.ones(4, 2)
    with pytest.raises(RuntimeError, match=r"3.*4"):
        ember.matmul(ember.ones(3), ember.ones(4))
    with pytest.raises(RuntimeError, match=r"matmul.*\[2\].*\[3\]|size of tensor a \(2\).*\(3\)"):
        ember.matmul(ember.ones(2, 2, 2), ember.ones(3, 2, 2))  # batch dims do not broadcast
    with pytest.raises(RuntimeError, match="at least 1D"):
        ember.matmul(ember.ones(()), ember.ones(2))
    with pytest.raises(RuntimeError, match="same dtype"):
        ember.matmul(ember.ones(2, 2), ember.ones(2, 2, dtype=ember.float64))


def test_view_incompatible():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"view size is not compatible.*\[3, 2\]"):
        x.T.view(6)
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        x.view(4)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)
    with pytest.raises(RuntimeError, match=r"reshape: shape '\[7\]' is invalid for input of size 6"):
        x.reshape(7)


def test_permute_and_expand_errors():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"input.dim\(\) = 2 is not equal to len\(dims\) = 1"):
        x.permute(0)
    with pytest.raises(RuntimeError, match="repeated dim"):
        x.permute(0, 0)
    with pytest.raises(IndexError, match="dimension out of range"):
        x.permute(0, 2)
    with pytest.raises(RuntimeError, match=r"expanded size of the tensor \(3\) must match the existing size \(2\)"):
        x.expand(3, 3)
    with pytest.raises(RuntimeError, match="number of sizes provided"):
        x.expand(3)


@pytest.mark.parametrize("call,op", [
    (lambda x: x.sum(2), "sum"), (lambda x: x.sum(-3), "sum"), (lambda x: x.mean((0, 5)), "mean"),
    (lambda x: x.transpose(0, 2), "transpose"), (lambda x: ember.softmax(x, 2), "softmax"),
    (lambda x: ember.log_softmax(x, -3), "log_softmax"), (lambda x: ember.transpose(x, -3, 0), "transpose"),
])
def test_dim_out_of_range_is_index_error(call, op):
    with pytest.raises(IndexError, match=rf"{op}: dimension out of range \(expected to be in range of \[-2, 1\]"):
        call(ember.ones(2, 3, dtype=ember.float64))


def test_repeated_reduction_dim():
    with pytest.raises(RuntimeError, match="appears multiple times"):
        ember.ones(2, 3).sum((0, -2))


@pytest.mark.parametrize("f", [
    lambda: ember.ones(2, dtype=ember.int64).add_(ember.ones(2)),
    lambda: ember.ones(2, dtype=ember.int64).add_(1.5),
    lambda: ember.ones(2, dtype=ember.int32).div_(ember.ones(2, dtype=ember.int32)),
    lambda: ember.ones(2, dtype=ember.bool).add_(ember.ones(2, dtype=ember.int8)),
    lambda: ember.ones(2, dtype=ember.int16).exp_(),
    lambda: ember.exp(ember.ones(2), out=ember.empty(2, dtype=ember.int32)),
    lambda: ember.mul(ember.ones(2), 2, out=ember.empty(2, dtype=ember.int64)),
])
def test_result_that_cannot_be_cast(f):
    with pytest.raises(RuntimeError, match=r"result type \w+ can't be cast to the desired output type \w+"):
        f()


def test_inplace_into_expanded_tensor_is_refused():
    x = ember.ones(1, 3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        ember.exp(ember.ones(2), out=ember.zeros(1).expand(2))
    np.testing.assert_array_equal(x.numpy(), np.ones((2, 3)))  # untouched


def test_alpha_errors():
    i = ember.ones(2, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
        i.add(i, alpha=1.5)
    with pytest.raises(TypeError, match=r"add\(\): argument 'alpha' must be Number, not str"):
        ember.add(i, i, alpha="x")


def test_bool_subtraction_and_negation():
    b = ember.ones(2, dtype=ember.bool)
    for f in (lambda: b - b, lambda: b - 1, lambda: ember.ones(2) - b):
        with pytest.raises(RuntimeError, match="subtraction, the `-` operator, with .*bool tensor"):
            f()
    for f in (lambda: -b, lambda: ember.relu(b)):
        with pytest.raises(RuntimeError, match="bool"):
            f()


@pytest.mark.parametrize("f,msg", [
    (lambda x: ember.add(x, "s"), "add(): argument 'other' (position 2) must be Tensor, not str"),
    (lambda x: ember.add("s", x), "add(): argument 'input' (position 1) must be Tensor, not str"),
    (lambda x: ember.exp([1.0]), "exp(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda x: ember.zeros("a"), "zeros(): argument 'size' (position 1) must be tuple of ints, not str"),
    (lambda x: ember.full((2,), "a"), "full(): argument 'fill_value' (position 2) must be Number, not str"),
    (lambda x: x.fill_("a"), "fill_() received an invalid combination of arguments - got (str)"),
    (lambda x: x + "s", "unsupported operand type(s) for +: 'ember.Tensor' and 'str'"),
    (lambda x: ember.exp(x, x), "exp() takes 1 positional argument but 2 were given"),
])
def test_wrong_argument_types(f, msg):
    with pytest.raises(TypeError, match=re.escape(msg)):
        f(ember.ones(2))


@pytest.mark.parametrize("f,name", [
    (lambda x: ember.add(x, x, beta=1), "beta"), (lambda x: x.sum(foo=1), "foo"),
    (lambda x: ember.ones(2, 3, foo=1), "foo"), (lambda x: ember.softmax(x, 0, dtyp=ember.float64), "dtyp"),
])
def test_unknown_keyword(f, name):
    with pytest.raises(TypeError, match=rf"got an unexpected keyword argument '{name}'"):
        f(ember.ones(2))


def test_unknown_keyword_of_an_overloaded_op():
    # As PyTorch: an op with several signatures lists them all.
    with pytest.raises(TypeError, match=r"to\(\) received an invalid combination of arguments - got "
                                        r"\(ember.dtype, bar=int\), but expected one of:"):
        ember.ones(2).to(ember.float64, bar=2)


def test_factory_and_conversion_errors():
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        ember.empty(-1)
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1"):
        ember.tensor([[1, 2], [3]])
    with pytest.raises(RuntimeError, match=r"copy_.*\[2\] and \[3\]|copy_.*cannot be broadcast"):
        ember.ones(2).copy_(ember.ones(3))
    with pytest.raises(RuntimeError, match="copy_.*cannot be broadcast"):
        ember.ones(3).copy_(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match="mean.*floating point"):
        ember.arange(4).mean()


def test_copy_into_expanded_tensor_is_refused_but_fill_is_fine():
    with pytest.raises(RuntimeError, match="copy_: unsupported operation: more than one element"):
        ember.ones(1, 3).expand(2, 3).copy_(ember.arange(6.0).reshape(2, 3))
    x = ember.zeros(1, 3)
    x.expand(2, 3).fill_(2.0)  # idempotent, allowed in PyTorch too
    np.testing.assert_array_equal(x.numpy(), np.full((1, 3), 2.0, np.float32))


def test_inplace_with_partially_overlapping_input():
    x = ember.arange(9.0).reshape(3, 3)
    with pytest.raises(RuntimeError, match="add_: unsupported operation: some elements of the input tensor"):
        x.add_(x.T)
    with pytest.raises(RuntimeError, match="single memory location"):
        ember.add(x, 1, out=x.T)
    x.add_(x)  # the same elements: fine
    np.testing.assert_array_equal(x.numpy(), 2 * np.arange(9.0).reshape(3, 3))
