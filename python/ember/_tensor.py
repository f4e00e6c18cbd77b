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


# ---- split / chunk / unbind: tuples of views built on narrow/select (autograd records those) ----
def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _split(self, split_size_or_sections, dim=0):
    """split(split_size_or_sections, dim=0): views of self, split_size long each (the last may be
    shorter), or with the given list of sizes."""
    if self.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, self.dim())
    n = self.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [builtins.int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
    else:
        size = builtins.int(split_size_or_sections)
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
        if size == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        count = max((n + size - 1) // size, 1) if size > 0 else 1
        sizes = [min(size, n - i * size) for i in range(count)]
    out, start = [], 0
    for s in sizes:
        out.append(self.narrow(d, start, s))
        start += s
    return tuple(out)


def _chunk(self, chunks, dim=0):
    """chunk(chunks, dim=0): at most chunks views of self of (nearly) equal size along dim."""
    if self.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, self.dim())
    n = self.shape[d]
    size = (n + chunks - 1) // chunks
    if size == 0 and n == 0:  # as PyTorch: chunks empty pieces
        return tuple(self.narrow(d, 0, 0) for _ in range(chunks))
    return _split(self, size, d)


def _unbind(self, dim=0):
    """unbind(dim=0): the views self.select(dim, i) for every i."""
    if self.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, self.dim())
    return tuple(self.select(d, i) for i in range(self.shape[d]))


def _iter(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(_unbind(self, 0))


for _name, _fn in {"split": _split, "chunk": _chunk, "unbind": _unbind, "__iter__": _iter}.items():
    setattr(Tensor, _name, _fn)


def split(tensor, split_size_or_sections, dim=0):
    """Splits tensor into views (see Tensor.split)."""
    return _split(tensor, split_size_or_sections, dim)


def chunk(input, chunks, dim=0):
    """Splits input into at most chunks views (see Tensor.chunk)."""
    return _chunk(input, chunks, dim)


def unbind(input, dim=0):
    """The slices of input along dim, as views (see Tensor.unbind)."""
    return _unbind(input, dim)
