"""ember.autograd.functional: jacobian, hessian, vjp and jvp of a function, built on autograd.grad."""
from ember import _C


def _tup(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _prep(inputs):
    import ember

    return tuple(x.detach().requires_grad_() if x.dtype.is_floating_point else x for x in inputs)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns (func(inputs), v^T J): the vector-Jacobian product."""
    import ember

    inputs, was_tuple = _tup(inputs)
    xs = _prep(inputs)
    with ember.enable_grad():
        out = func(*xs)
        outs, out_tuple = _tup(out)
        if v is None:
            if any(o.numel() != 1 for o in outs):
                raise RuntimeError("vjp: v can only be None if the output has a single element")
            v = tuple(ember.ones(tuple(o.shape), dtype=o.dtype) for o in outs)
        vs, _ = _tup(v)
        grads = ember.autograd.grad(outs, xs, vs, create_graph=create_graph, allow_unused=True)
    grads = tuple(ember.zeros(tuple(x.shape), dtype=x.dtype) if g is None else g for g, x in zip(grads, xs))
    outs = tuple(o if create_graph else o.detach() for o in outs)
    return (outs if out_tuple else outs[0]), (grads if was_tuple else grads[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns (func(inputs), J v), computed with the double-vjp trick."""
    import ember

    inputs, was_tuple = _tup(inputs)
    if v is None:
        if any(x.numel() != 1 for x in inputs):
            raise RuntimeError("jvp: v can only be None if the input has a single element")
        v = tuple(ember.ones(tuple(x.shape), dtype=x.dtype) for x in inputs)
    vs, _ = _tup(v)
    xs = _prep(inputs)
    with ember.enable_grad():
        outs, out_tuple = _tup(func(*xs))
        us = tuple(ember.zeros(tuple(o.shape), dtype=o.dtype).requires_grad_() for o in outs)
        g = ember.autograd.grad(outs, xs, us, create_graph=True, allow_unused=True)
        pairs = [(gi, vi) for gi, vi in zip(g, vs) if gi is not None]
        jv = ember.autograd.grad([p[0] for p in pairs], us, [p[1] for p in pairs], create_graph=create_graph,
                                 allow_unused=True)
    jv = tuple(ember.zeros(tuple(o.shape), dtype=o.dtype) if j is None else j for j, o in zip(jv, outs))
    outs = tuple(o.detach() for o in outs)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False):
    """The Jacobian of func at inputs: for one input and one output, a tensor of shape
    output.shape + input.shape (tuples of those for several)."""
    import ember
    import numpy as np

    if create_graph:
        raise NotImplementedError("jacobian(create_graph=True) needs stack(), which ember does not have yet")
    inputs, in_tuple = _tup(inputs)
    xs = _prep(inputs)
    with ember.enable_grad():
        outs, out_tuple = _tup(func(*xs))
        result = []
        for o in outs:
            row = []
            for x in xs:
                row.append(np.zeros(tuple(o.shape) + tuple(x.shape)))
            for r in range(o.numel()):
                g = ember.zeros(tuple(o.shape), dtype=o.dtype)
                g.numpy().reshape(-1)[r] = 1
                grads = ember.autograd.grad(o, xs, g, retain_graph=True, allow_unused=True) if o.requires_grad \
                    else (None,) * len(xs)
                for k, gk in enumerate(grads):
                    if gk is not None:
                        row[k].reshape(o.numel(), -1)[r] = gk.detach().to(ember.float64).numpy().reshape(-1)
            result.append(tuple(ember.from_numpy(a).to(x.dtype) for a, x in zip(row, xs)))
    if not out_tuple and not in_tuple:
        return result[0][0]
    if not out_tuple:
        return result[0]
    if not in_tuple:
        return tuple(r[0] for r in result)
    return tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False):
    """The Hessian of a scalar function at inputs (shape input.shape + input.shape for one input)."""
    import ember

    inputs, in_tuple = _tup(inputs)

    def grad_fn(*xs):
        with ember.enable_grad():
            out = func(*xs)
            if out.numel() != 1:
                raise RuntimeError("hessian: the function must return a single-element tensor")
            g = ember.autograd.grad(out, xs, create_graph=True, allow_unused=True)
        return tuple(ember.zeros(tuple(x.shape), dtype=x.dtype) if gi is None else gi for gi, x in zip(g, xs))

    res = jacobian(grad_fn, tuple(inputs), create_graph=create_graph)
    if not in_tuple:
        return res[0][0]
    return res
