"""Python-level parts of ember.Tensor: printing, .to(), numpy protocol, conversions."""
import builtins

import ember
from ember import _C
from ember._tensor_str import tensor_repr

Tensor = _C.Tensor


def _to(self, *args, **kwargs):
    """to(device=None, dtype=None, non_blocking=False, copy=False), to(dtype), to(other_tensor):
    self converted; self itself when nothing changes and copy is False."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    copy = kwargs.pop("copy", False)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        device, dtype = other.device, other.dtype
    if rest and isinstance(rest[0], (str, ember.device, builtins.int)) and not isinstance(rest[0], builtins.bool):
        device = rest.pop(0)
    if rest and isinstance(rest[0], ember.dtype):
        dtype = rest.pop(0)
    if rest and isinstance(rest[0], builtins.bool):
        non_blocking = rest.pop(0)
    if rest and isinstance(rest[0], builtins.bool):
        copy = rest.pop(0)
    if rest:
        raise TypeError(f"to() received an invalid combination of arguments: {args!r}")
    return self._to(device, dtype, non_blocking, copy)


def _array(self, dtype=None, copy=None):
    a = self.numpy()
    if dtype is not None and a.dtype != dtype:
        return a.astype(dtype)
    if copy:
        return a.copy()
    return a


def _tolist(self):
    if self.dtype == ember.bfloat16:
        return self.to(ember.float32).numpy().tolist()
    return self.numpy().tolist()


def _cpu(self):
    return self.to("cpu")


def _float(self):
    return self.to(ember.float32)


def _double(self):
    return self.to(ember.float64)


def _long(self):
    return self.to(ember.int64)


def _int(self):
    return self.to(ember.int32)


def _bool(self):
    return self.to(ember.bool)


def _half(self):
    return self.to(ember.float16)


def _bfloat16(self):
    return self.to(ember.bfloat16)


for _name, _fn in {
    "to": _to, "__array__": _array, "tolist": _tolist, "cpu": _cpu, "float": _float, "double": _double,
    "long": _long, "int": _int, "bool": _bool, "half": _half, "bfloat16": _bfloat16, "__repr__": tensor_repr,
    "__str__": tensor_repr,
}.items():
    setattr(Tensor, _name, _fn)
Tensor.__array_priority__ = 1000


# ---- autograd methods (the engine is C++; these forward to it) ----
def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor w.r.t. graph leaves (see ember.autograd.backward)."""
    ember.autograd.backward(self, gradient, retain_graph, create_graph, inputs)


def _requires_grad_(self, requires_grad=True):
    """Sets requires_grad in place (leaves only) and returns self."""
    return _C._requires_grad_(self, requires_grad)


def _retain_grad(self):
    """Keeps .grad for this non-leaf tensor during backward."""
    _C._retain_grad(self)


def _detach(self):
    """A tensor sharing this one's memory and version counter, outside the graph."""
    return _C._detach(self)


def _detach_(self):
    """Detaches this tensor from the graph in place."""
    return _C._detach_(self)


def _register_hook(self, hook):
    """Registers hook(grad) -> Tensor or None, called when this tensor's gradient is computed.
    Returns a handle whose remove() unregisters it."""
    return _C._register_hook(self, hook)


def _register_post_accumulate_grad_hook(self, hook):
    """Registers hook(tensor), called after this leaf's .grad was accumulated."""
    return _C._register_post_accumulate_grad_hook(self, hook)


for _name, _fn in {
    "backward": _backward, "requires_grad_": _requires_grad_, "retain_grad": _retain_grad, "detach": _detach,
    "detach_": _detach_, "register_hook": _register_hook,
    "register_post_accumulate_grad_hook": _register_post_accumulate_grad_hook,
}.items():
    setattr(Tensor, _name, _fn)
