"""ember.autograd.Function: custom differentiable functions written in Python."""
import functools

from ember import _C


class FunctionCtx:
    """The `ctx` of a custom Function: what forward hands to backward."""

    def __init__(self):
        self._to_save = ()
        self._dirty = ()
        self._non_differentiable = ()
        self._materialize_grads = True
        self._saved_tensors_value = None
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors):
        """Saves tensors for backward (checked against in-place changes, as ops' saved tensors are)."""
        for t in tensors:
            if t is not None and not isinstance(t, _C.Tensor):
                raise TypeError("save_for_backward can only save tensors, but argument is of type "
                                f"{type(t).__name__}")
        self._to_save = tensors

    @property
    def saved_tensors(self):
        """The tensors given to save_for_backward (available in backward)."""
        if self._saved_tensors_value is None:
            raise RuntimeError("saved_tensors is only available in backward (after save_for_backward in forward)")
        return self._saved_tensors_value

    def mark_dirty(self, *tensors):
        """Declares inputs that forward modified in place (they must be returned as outputs)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declares outputs that are not differentiable (they will not require grad)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach backward as zeros (True, the default) or None."""
        self._materialize_grads = bool(value)


class Function:
    """Subclass with static forward(ctx, *args) and backward(ctx, *grad_outputs), then call
    `MyFunction.apply(*args)`. backward returns one gradient (or None) per forward argument.
    forward(*args) plus setup_context(ctx, inputs, output) is also accepted."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args):
        import ember

        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, _C.Tensor) and a.requires_grad for a in args)
        record = ember.is_grad_enabled() and any(ctx.needs_input_grad)
        separate = cls.setup_context is not Function.setup_context
        with ember.no_grad():
            if separate:
                outputs = cls.forward(*args)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args)
        return _C._function_wrap(cls, ctx, tuple(args), outputs, record, ctx._to_save, ctx._dirty,
                                 ctx._non_differentiable, ctx._materialize_grads)


def once_differentiable(fn):
    """Decorates a backward that cannot itself be differentiated: it runs without recording, and a
    later attempt to differentiate through it raises an error."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        import ember

        with ember.no_grad():
            outputs = fn(ctx, *args)
        if not ember.is_grad_enabled():
            return outputs
        needing = tuple(a for a in args if isinstance(a, _C.Tensor) and a.requires_grad)
        if not needing:
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        tensors = tuple(o for o in outs if isinstance(o, _C.Tensor))
        wrapped = iter(_C._delayed_error(tensors, needing, "trying to differentiate twice a function that was "
                                                           "marked with @once_differentiable"))
        merged = tuple(next(wrapped) if isinstance(o, _C.Tensor) else o for o in outs)
        return merged[0] if single else merged

    return wrapper
