"""gradcheck / gradgradcheck: analytical gradients against central finite differences (use float64)."""
import numpy as np

from ember import _C


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians differ."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, _C.Tensor))


def _numerical_jacobian(func, inputs, x, eps):
    """d(outputs)/dx by central differences, one column per element of x: list per output of
    arrays of shape (out.numel(), x.numel())."""
    import ember

    with ember.no_grad():
        outs = _outputs(func, inputs)
        jac = [np.zeros((o.numel(), x.numel())) for o in outs]
        flat = x.detach().numpy()  # a view: writes change x's memory
        for i, idx in enumerate(np.ndindex(*flat.shape) if flat.ndim else [()]):
            orig = flat[idx]
            flat[idx] = orig + eps
            plus = [o.detach().to(ember.float64).numpy().copy().ravel() for o in _outputs(func, inputs)]
            flat[idx] = orig - eps
            minus = [o.detach().to(ember.float64).numpy().copy().ravel() for o in _outputs(func, inputs)]
            flat[idx] = orig
            for k in range(len(outs)):
                jac[k][:, i] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytical_jacobian(outs, x):
    import ember

    jac = []
    for o in outs:
        j = np.zeros((o.numel(), x.numel()))
        if o.requires_grad:
            for r in range(o.numel()):
                g = ember.zeros(tuple(o.shape), dtype=o.dtype)
                g.numpy().reshape(-1)[r] = 1.0
                (gx,) = ember.autograd.grad(o, x, g, retain_graph=True, allow_unused=True)
                if gx is not None:
                    j[r, :] = gx.detach().to(ember.float64).numpy().ravel()
        jac.append(j)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    """Checks the gradients computed by backward against finite differences for every input that
    requires grad; inputs should be float64. Returns True, or raises GradcheckError (returns False
    with raise_exception=False)."""
    inputs = _as_tuple(inputs)
    diff = [x for x in inputs if isinstance(x, _C.Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    outs = _outputs(func, inputs)
    for xi, x in enumerate(diff):
        num = _numerical_jacobian(func, inputs, x, eps)
        ana = _analytical_jacobian(outs, x)
        for k, (n, a) in enumerate(zip(num, ana)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                msg = (f"Jacobian mismatch for output {k} with respect to input {xi},\n"
                       f"numerical:{n}\nanalytical:{a}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **unused):
    """gradcheck of the gradient: checks second derivatives through backward's own graph
    (create_graph=True) against finite differences."""
    import ember

    inputs = _as_tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(ember.from_numpy(rng.standard_normal(tuple(o.shape))).to(o.dtype).requires_grad_()
                             for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, _C.Tensor) and x.requires_grad]

    def first_grads(*args):
        xs, gos = args[:n_in], args[n_in:]
        with ember.enable_grad():  # also while gradcheck evaluates finite differences under no_grad
            o = _outputs(func, xs)
            diff = [xs[i] for i in diff_idx]
            return ember.autograd.grad(o, diff, gos, create_graph=True, allow_unused=True)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
