"""Python-level parts of ember.Tensor: printing, .to(), numpy protocol, conversions."""
import builtins

import numpy as np

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
        return self.to(ember.float32).numpy(force=True).tolist()
    return self.numpy(force=True).tolist()


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


# ---- Python protocol: copying, pickling, numpy ufuncs ----
def _rebuild_tensor(array, dtype_name, requires_grad):
    """Rebuilds a pickled tensor (data travels as a numpy array: no code runs on load)."""
    t = ember.from_numpy(array.copy()).to(getattr(ember, dtype_name))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _reduce_ex(self, protocol):
    if self.grad_fn is not None:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support pickling "
                           "(detach() the tensor first)")
    with ember.no_grad():
        src = self.to(ember.float32) if self.dtype == ember.bfloat16 else self
        array = src.numpy(force=True).copy()
    return (_rebuild_tensor, (array, repr(self.dtype).split(".")[-1], self.requires_grad))


def _deepcopy(self, memo):
    if not self.is_leaf:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                           "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                           "because of a torch.nn.utils.weight_norm usage, see "
                           "https://github.com/pytorch/pytorch/pull/103001")
    if id(self) in memo:
        return memo[id(self)]
    with ember.no_grad():
        new = self.clone()
    if self.requires_grad:
        new.requires_grad_(True)
    if self.grad is not None:
        new.grad = _deepcopy(self.grad, memo)
    memo[id(self)] = new
    return new


_UFUNCS = {
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "multiply": lambda a, b: a * b,
    "true_divide": lambda a, b: a / b, "divide": lambda a, b: a / b, "power": lambda a, b: a ** b,
    "matmul": lambda a, b: a @ b, "negative": lambda a: -a, "exp": lambda a: ember.exp(a),
    "log": lambda a: ember.log(a), "tanh": lambda a: ember.tanh(a),
}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """Lets numpy scalars and arrays combine with tensors: `np.float32(2) * t` gives a tensor."""
    fn = _UFUNCS.get(ufunc.__name__)
    if method != "__call__" or fn is None or kwargs:
        return NotImplemented
    args = []
    for x in inputs:
        if isinstance(x, Tensor):
            args.append(x)
        elif isinstance(x, np.ndarray):
            if x.ndim == 0:
                args.append(x.item())
            else:
                args.append(ember.from_numpy(x))
        elif isinstance(x, np.generic):
            args.append(x.item())
        else:
            args.append(x)
    if not any(isinstance(a, Tensor) for a in args):
        return NotImplemented
    return fn(*args)


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A new tensor copying data, with this tensor's dtype and device unless given."""
    return ember.tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


for _name, _fn in {"new_tensor": _new_tensor, "__reduce_ex__": _reduce_ex, "__deepcopy__": _deepcopy, "__array_ufunc__": _array_ufunc}.items():
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


def nonzero(input, *, as_tuple=False):
    """Indices of the nonzero elements: an int64 tensor [n, input.dim()], or with as_tuple=True one 1-D
    index tensor per dim (a 0-d input counts as 1-D), as numpy's nonzero."""
    if not as_tuple:
        return input._nonzero()
    r = (input.reshape(1) if input.dim() == 0 else input)._nonzero()
    return tuple(r[:, j] for j in range(r.shape[1]))


Tensor.nonzero = lambda self, *, as_tuple=False: nonzero(self, as_tuple=as_tuple)
Tensor.nonzero.__doc__ = nonzero.__doc__


def _unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """unique(sorted=True, return_inverse=False, return_counts=False, dim=None): the distinct elements
    (or slices along dim), sorted; with the inverse indices and/or counts as a tuple when asked for."""
    if dim is None:
        values, inverse, counts = _C._unique2(self, sorted, return_inverse, return_counts)
    else:
        values, inverse, counts = _C.unique_dim(self, dim, sorted, return_inverse, return_counts)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out


setattr(Tensor, "unique", _unique)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements of input (see Tensor.unique)."""
    return _unique(input, sorted, return_inverse, return_counts, dim)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of input, the index in the innermost dim of sorted_sequence where it would be inserted
    to keep it sorted (side="right" / right=True: after equal elements)."""
    if sorter is not None:  # indices that sort the innermost dim: search the sorted view, as numpy
        sorted_sequence = ember.take_along_dim(sorted_sequence, sorter, dim=-1) if sorted_sequence.dim() > 0 \
            else sorted_sequence
    return _C._searchsorted(sorted_sequence, input, out_int32=out_int32, right=right,
                            side="" if side is None else side)


_repeat_interleave_int = Tensor.repeat_interleave


def _repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
    """repeat_interleave(repeats, dim=None): each element of self (along dim; of the flattened tensor when
    dim is None) repeated repeats times; repeats may be an int or a tensor of counts (one per element)."""
    if isinstance(repeats, Tensor):
        r = _C._repeat_interleave_tensor(self, repeats, dim)
    else:
        r = _repeat_interleave_int(self, repeats, dim)
    if output_size is not None and r.shape[0 if dim is None else dim] != output_size:
        raise RuntimeError("allocated size does not match required size")
    return r


setattr(Tensor, "repeat_interleave", _repeat_interleave)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """repeat_interleave(input, repeats, dim=None) (see Tensor.repeat_interleave); repeat_interleave(repeats):
    each index i repeated repeats[i] times."""
    if repeats is None:
        if not isinstance(input, Tensor):
            raise TypeError("repeat_interleave() missing required argument 'repeats'")
        return _C._repeat_interleave_tensor(_C.arange(input.numel()), input, 0)
    return _repeat_interleave(input, repeats, dim, output_size=output_size)


# ---- clamp / clip with tensor bounds, Tensor.where ----
_clamp_scalar = _C.clamp
_clamp_method = Tensor.clamp
_clamp_inplace = Tensor.clamp_


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    """Clamps every element into [min, max]; the bounds are numbers (Scalar) or tensors that broadcast
    (then min(max(x, min), max) through maximum/minimum, differentiable in all three)."""
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        r = input
        if min is not None:
            r = ember.maximum(r, min if isinstance(min, Tensor) else ember.tensor(min, dtype=input.dtype))
        if max is not None:
            r = ember.minimum(r, max if isinstance(max, Tensor) else ember.tensor(max, dtype=input.dtype))
        if out is not None:
            out.copy_(r)
            return out
        return r
    if out is not None:
        return _clamp_scalar(input, min, max, out=out)
    return _clamp_scalar(input, min, max)


def _clamp_m(self, min=None, max=None):  # noqa: A002
    return clamp(self, min, max)


def _clamp_(self, min=None, max=None):  # noqa: A002
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return self.copy_(clamp(self, min, max))
    return _clamp_inplace(self, min, max)


def _where_m(self, condition, y):
    """self where condition is True and y elsewhere (Tensor.where(condition, y), as PyTorch)."""
    return ember.where(condition, self, y)


for _name, _fn in {"clamp": _clamp_m, "clip": _clamp_m, "clamp_": _clamp_, "clip_": _clamp_, "where": _where_m}.items():
    setattr(Tensor, _name, _fn)
clip = clamp
