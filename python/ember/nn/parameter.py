"""nn.Parameter (a Tensor subclass that modules register as a parameter) and nn.Buffer (a marker
that registers a tensor as a buffer when assigned to a module attribute), as in PyTorch."""
import ember
from ember import _C

Tensor = _C.Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning one to a Module attribute registers it, so it
    appears in parameters() and state_dict(). requires_grad defaults to True. Ops on a Parameter
    return plain tensors; `p.data` is a plain tensor sharing its memory."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = ember.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        return _C._make_subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):  # state is set in __new__
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        with ember.no_grad():
            result = type(self)(self.data.clone(), self.requires_grad)
        if self.grad is not None:
            result.grad = self.grad.clone()
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.data, self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    # isinstance(t, Buffer) holds for the tensors Buffer(...) returns (plain tensors marked _is_buffer).
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor as a buffer: `self.running_mean = nn.Buffer(t)` registers it as
    register_buffer does (persistent=False keeps it out of state_dict)."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = ember.empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t
