"""ember.autograd: reverse-mode automatic differentiation (the engine lives in C++)."""
from ember import _C
from ember.autograd.grad_mode import (  # noqa: F401
    detect_anomaly,
    enable_grad,
    inference_mode,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from ember.autograd.gradcheck import gradcheck, gradgradcheck  # noqa: F401
from ember.autograd import functional, graph  # noqa: F401
from ember.autograd.function import Function, FunctionCtx, once_differentiable  # noqa: F401


def _seq(x):
    if x is None:
        return None
    if isinstance(x, _C.Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the sum of gradients of `tensors` w.r.t. graph leaves and accumulates them into .grad.

    grad_tensors default to ones for one-element tensors; inputs, when given, restricts which
    tensors get .grad accumulated."""
    tensors = _seq(tensors)
    grad_tensors = _seq(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"grad_tensors has {len(grad_tensors)} entries but tensors has {len(tensors)}")
    inputs = _seq(inputs) or ()
    _C._backward(tensors, grad_tensors, retain_graph, create_graph, inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False,
         is_grads_batched=False, materialize_grads=False):
    """Returns the gradients of outputs w.r.t. inputs (a tuple), without touching .grad."""
    if is_grads_batched:
        raise NotImplementedError("grad(is_grads_batched=True) is not implemented in ember yet")
    outputs = _seq(outputs)
    inputs = _seq(inputs)
    grad_outputs = _seq(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad_outputs has {len(grad_outputs)} entries but outputs has {len(outputs)}")
    res = _C._grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused or materialize_grads)
    if materialize_grads:
        import ember
        res = tuple(ember.zeros(i.shape, dtype=i.dtype) if r is None else r for r, i in zip(res, inputs))
    return res


class _ExecutionEngine:
    """The backward engine as PyTorch's ``Variable._execution_engine``."""

    @staticmethod
    def queue_callback(callback):
        """Runs callback() on this thread when the backward pass running now finishes (after every node);
        raises outside a backward pass (call it from a hook). Note [final callbacks]."""
        _C._queue_callback(callback)


class Variable:
    """Legacy name of tensors (``Variable(t)`` returns t, with requires_grad set when asked), kept for
    ``Variable._execution_engine.queue_callback`` that DDP-style code uses."""

    _execution_engine = _ExecutionEngine()

    def __new__(cls, data, requires_grad=False):
        return data.detach().requires_grad_(requires_grad) if requires_grad else data
