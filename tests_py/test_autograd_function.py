"""Custom autograd.Function in Python."""
import gc
import weakref

import numpy as np
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck, once_differentiable


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        r = ember.exp(x)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r


class ScaleAdd(Function):
    @staticmethod
    def forward(ctx, x, y, alpha):
        ctx.alpha = alpha
        ctx.save_for_backward(x, y)
        return x * alpha + y * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, True, False)
        return g * ctx.alpha, g * 2 * y, None


def rand(*shape):
    return ember.from_numpy(np.random.default_rng(1).uniform(-1, 1, shape)).requires_grad_()


def test_function_gradients_match_finite_differences():
    x = rand(3, 2)
    y = Exp.apply(x)
    assert y.grad_fn.name() == "ExpBackward"
    assert gradcheck(Exp.apply, (x,))
    assert gradgradcheck(Exp.apply, (x,))  # backward is itself differentiable
    a, b = rand(4), rand(4)
    assert gradcheck(lambda a, b: ScaleAdd.apply(a, b, 2.5), (a, b))


def test_wrong_number_of_gradients_is_reported():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    x, y = rand(2), rand(2)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients \\(expected 2, got 1\\)"):
        Bad.apply(x, y).sum().backward()


def test_mark_dirty_and_non_differentiable():
    class AddOneInplace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class ArgmaxLike(Function):
        @staticmethod
        def forward(ctx, x):
            idx = (x * 0).to(ember.int64)
            out = x * 2
            ctx.mark_non_differentiable(out)
            return out, idx

        @staticmethod
        def backward(ctx, g, gi):
            return g * 2

    x = rand(3)
    y = x * 1
    z = AddOneInplace.apply(y)
    assert z is y and y.grad_fn.name() == "AddOneInplaceBackward"
    (z * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)
    out, idx = ArgmaxLike.apply(rand(3))
    assert not out.requires_grad and not idx.requires_grad
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        AddOneInplace.apply(rand(2))


def test_materialize_grads_and_setup_context():
    class TwoOut(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            assert g2 is None
            return g1 * 2

    x = rand(2)
    a, b = TwoOut.apply(x)
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)

    class Square(Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    assert gradcheck(Square.apply, (rand(3),))


def test_once_differentiable():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g

    x = rand(3)
    y = Cube.apply(x).sum()
    (g,) = ember.autograd.grad(y, x)
    np.testing.assert_allclose(g.numpy(), 3 * x.detach().numpy() ** 2)
    go = ember.ones(3, dtype=ember.float64, requires_grad=True)
    (g2,) = ember.autograd.grad(Cube.apply(x), x, go, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g2.sum().backward()


def test_saved_output_modified_in_place_is_detected():
    x = rand(3)
    y = Exp.apply(x)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_ctx_cycles_are_collected():
    class Keep(Function):
        @staticmethod
        def forward(ctx, x):
            out = x * 2
            ctx.keep = out  # ctx -> output -> node -> ctx: a cycle through C++
            return out

        @staticmethod
        def backward(ctx, g):
            return g * 2

    y = Keep.apply(rand(3))
    r = weakref.ref(y)
    del y
    gc.collect()
    assert r() is None
