"""Autograd semantics: hooks, retain_grad, detach, inference mode, version counters, edge gradients."""
from __future__ import annotations

from targeted import check


def _x(L, *vals):
    return L.tensor(list(vals) or [1.0, 2.0, 3.0], dtype=L.float64, requires_grad=True)


@check("autograd")
def hook_scales_grad(L):
    x = _x(L)
    x.register_hook(lambda g: g * 3)
    (x * 2).sum().backward()
    return x.grad
@check("autograd")
def hook_returns_none(L):
    x, seen = _x(L), []
    x.register_hook(lambda g: seen.append(g.sum().item()))
    (x * 2).sum().backward()
    return (x.grad, seen)
@check("autograd")
def hook_removed(L):
    x = _x(L)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    (x * 2).sum().backward()
    return x.grad
@check("autograd")
def hook_on_nonleaf(L):
    x = _x(L)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    y.sum().backward()
    return x.grad
@check("autograd")
def hook_order(L):
    x, order = _x(L), []
    x.register_hook(lambda g: order.append(1))
    x.register_hook(lambda g: order.append(2))
    x.sum().backward()
    return order
@check("autograd")
def hook_no_grad_tensor(L): return L.ones(2).register_hook(lambda g: g) is None
@check("autograd")
def hook_wrong_shape(L):
    x = _x(L)
    x.register_hook(lambda g: g[:1])
    x.sum().backward()
    return x.grad
@check("autograd")
def retain_grad_nonleaf(L):
    x = _x(L)
    y = x * 2
    y.retain_grad()
    (y * y).sum().backward()
    return (y.grad, x.grad)
@check("autograd")
def nonleaf_grad_none(L):
    y = _x(L) * 2
    y.sum().backward()
    return y.grad is None
@check("autograd")
def retains_grad_flag(L):
    y = _x(L) * 2
    a = y.retains_grad
    y.retain_grad()
    return (a, y.retains_grad, _x(L).retains_grad)
@check("autograd")
def detach_shares(L):
    x = _x(L)
    d = x.detach()
    d[0] = 10
    return (x.detach().clone(), d.requires_grad, d.is_leaf)
@check("autograd")
def detach_inplace_breaks_backward(L):
    x = _x(L)
    y = x.exp()
    y.detach().add_(1)
    y.sum().backward()
    return x.grad
@check("autograd")
def modified_saved_tensor(L):
    x = _x(L)
    y = x * 1
    z = y * y
    y.add_(1)
    z.sum().backward()
    return x.grad
@check("autograd")
def version_counter(L):
    x = L.zeros(3)
    v = [x._version]
    x.add_(1)
    v.append(x._version)
    x[0] = 2
    v.append(x._version)
    x[1:].mul_(2)
    v.append(x._version)
    L.add(x, 1, out=x)
    v.append(x._version)
    return v
@check("autograd")
def version_shared_by_views(L):
    x = L.zeros(3)
    y = x[1:]
    y.add_(1)
    return (x._version, y._version, x.detach()._version)
@check("autograd")
def inference_mode_flags(L):
    with L.inference_mode():
        t = L.ones(2) * 2
    return (t.is_inference(), t.requires_grad, L.ones(1).is_inference())
@check("autograd")
def inference_tensor_in_autograd(L):
    with L.inference_mode():
        t = L.ones(2)
    x = _x(L, 1.0, 2.0)
    return (x * t.double()).sum()
@check("autograd")
def inference_tensor_saved(L):
    with L.inference_mode():
        t = L.ones(2, dtype=L.float64)
    x = _x(L, 1.0, 2.0)
    y = x * t
    y.sum().backward()
    return x.grad
@check("autograd")
def inference_tensor_inplace_outside(L):
    with L.inference_mode():
        t = L.ones(2)
    return t.add_(1)
@check("autograd")
def inference_mode_requires_grad(L):
    x = _x(L)
    with L.inference_mode():
        y = x * 2
    return (y.requires_grad, y.grad_fn is None)
@check("autograd")
def no_grad_nesting(L):
    x = _x(L)
    with L.no_grad():
        with L.enable_grad():
            a = (x * 2).requires_grad
        b = (x * 2).requires_grad
    with L.set_grad_enabled(False):
        c = (x * 2).requires_grad
    return (a, b, c, L.is_grad_enabled())
@check("autograd")
def requires_grad_nonleaf(L): return (_x(L) * 2).requires_grad_(False)
@check("autograd")
def requires_grad_int(L): return L.ones(2, dtype=L.int64).requires_grad_()
@check("autograd")
def backward_twice(L):
    x = _x(L)
    y = (x * x).sum()
    y.backward()
    y.backward()
    return x.grad
@check("autograd")
def backward_retain_graph(L):
    x = _x(L)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad
@check("autograd")
def backward_nonscalar(L): return (_x(L) * 2).backward()
@check("autograd")
def backward_gradient_shape(L): return (_x(L) * 2).backward(L.ones(2, dtype=L.float64))
@check("autograd")
def backward_no_grad_fn(L): return L.ones(2).sum().backward()
@check("autograd")
def grad_accumulates(L):
    x = _x(L)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    return (x.grad, x.grad.requires_grad)
@check("autograd")
def autograd_grad_unused(L):
    x, y = _x(L), _x(L)
    return L.autograd.grad((x * 2).sum(), [x, y])
@check("autograd")
def autograd_grad_allow_unused(L):
    x, y = _x(L), _x(L)
    return L.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
@check("autograd")
def second_order(L):
    x = _x(L)
    (g,) = L.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (h,) = L.autograd.grad(g.sum(), x)
    return (g, h)
@check("autograd")
def grad_fn_names(L):
    x = _x(L)
    return [type(t.grad_fn).__name__ for t in (x * 2, x + 1, x.sum(), x.exp(), x[0], x.view(3, 1))]
@check("autograd")
def is_leaf_flags(L):
    x = _x(L)
    return (x.is_leaf, (x * 2).is_leaf, L.ones(2).is_leaf, (L.ones(2) * 2).is_leaf)
@check("autograd")
def custom_function(L):
    class Sq(L.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2 * a
    x = _x(L)
    Sq.apply(x).sum().backward()
    return x.grad
@check("autograd")
def custom_function_extra_grads(L):
    class F(L.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None
    x = _x(L)
    F.apply(x).sum().backward()
    return x.grad
@check("autograd")
def pow0_grad_at_zero(L):
    x = _x(L, 0.0, 1.0)
    (x ** 0).sum().backward()
    return x.grad
@check("autograd")
def pow_e_grad_at_zero(L):
    x = _x(L, 0.0, 1.0)
    (x ** 2.718281828).sum().backward()
    return x.grad
@check("autograd")
def pow_tensor_exp_grad_at_zero(L):
    x, e = _x(L, 0.0, 2.0), _x(L, 0.0, 0.0)
    (x ** e).sum().backward()
    return (x.grad, e.grad)
@check("autograd")
def std_const_grad(L):
    x = _x(L, 2.0, 2.0, 2.0)
    x.std().backward()
    return x.grad
@check("autograd")
def var_const_grad(L):
    x = _x(L, 2.0, 2.0, 2.0)
    x.var().backward()
    return x.grad
@check("autograd")
def norm_zero_grad(L):
    x = _x(L, 0.0, 0.0)
    x.norm().backward()
    return x.grad
@check("autograd")
def sqrt_zero_grad(L):
    x = _x(L, 0.0, 4.0)
    x.sqrt().sum().backward()
    return x.grad
@check("autograd")
def abs_zero_grad(L):
    x = _x(L, 0.0, -1.0)
    x.abs().sum().backward()
    return x.grad
@check("autograd")
def max_ties_grad(L):
    x = _x(L, 1.0, 3.0, 3.0)
    x.max().backward()
    return x.grad
@check("autograd")
def amax_ties_grad(L):
    x = _x(L, 1.0, 3.0, 3.0)
    x.amax().backward()
    return x.grad
@check("autograd")
def clamp_boundary_grad(L):
    x = _x(L, 0.0, 1.0, 2.0)
    x.clamp(0, 1).sum().backward()
    return x.grad
@check("autograd")
def relu_zero_grad(L):
    x = _x(L, 0.0, 1.0)
    x.relu().sum().backward()
    return x.grad
@check("autograd")
def median_grad(L):
    x = _x(L, 3.0, 1.0, 2.0, 2.0)
    x.median().backward()
    return x.grad
@check("autograd")
def prod_zero_grad(L):
    x = _x(L, 0.0, 2.0, 3.0)
    x.prod().backward()
    return x.grad
@check("autograd")
def prod_two_zeros_grad(L):
    x = _x(L, 0.0, 0.0, 3.0)
    x.prod().backward()
    return x.grad
@check("autograd")
def setitem_grad(L):
    x = _x(L)
    y = x * 1
    y[0] = 5
    y.sum().backward()
    return x.grad
@check("autograd")
def inplace_on_leaf(L): return _x(L).add_(1)
@check("autograd")
def inplace_on_view_of_leaf(L):
    x = _x(L)
    x[0].mul_(2)
    return x
@check("autograd")
def view_inplace_grad(L):
    x = _x(L)
    y = x * 1
    y[1:].mul_(3)
    y.sum().backward()
    return x.grad
@check("autograd")
def grad_assign_wrong_shape(L):
    x = _x(L)
    x.grad = L.ones(2, dtype=L.float64)
    return x.grad
@check("autograd")
def grad_assign_wrong_dtype(L):
    x = _x(L)
    x.grad = L.ones(3, dtype=L.float32)
    return x.grad
@check("autograd")
def zero_grad_none(L):
    x = _x(L)
    (x * 2).sum().backward()
    x.grad = None
    (x * 3).sum().backward()
    return x.grad
@check("autograd")
def int_output_backward(L): return _x(L).argmax().backward()
@check("autograd")
def float16_grad(L):
    x = L.ones(2, dtype=L.float16, requires_grad=True)
    (x * 3).sum().backward()
    return x.grad
@check("autograd")
def expand_grad(L):
    x = _x(L, 1.0)
    x.expand(4).sum().backward()
    return x.grad
