"""Python-level parts of ember.Tensor: printing, .to(), numpy protocol, conversions."""
import numpy as np

import ember
from ember import _C
from ember._tensor_str import tensor_repr

Tensor = _C.Tensor


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
    "__array__": _array, "tolist": _tolist, "cpu": _cpu, "float": _float, "double": _double,
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
# ---- Python-only argument forms over schema ops (as PyTorch's own Python layer has them) ----
def _iter(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


Tensor.__iter__ = _iter
Tensor._is_view = lambda self: self._base is not None  # PyTorch's Tensor._is_view()


def nonzero(input, *, as_tuple=False):
    """Indices of the nonzero elements: an int64 tensor [n, input.dim()] (aten::nonzero), or with
    as_tuple=True one 1-D index tensor per dim (aten::nonzero_numpy; a 0-d input counts as 1-D)."""
    return input.nonzero_numpy() if as_tuple else input._nonzero()


Tensor.nonzero = lambda self, *, as_tuple=False: nonzero(self, as_tuple=as_tuple)
Tensor.nonzero.__doc__ = nonzero.__doc__


def _unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """unique(sorted=True, return_inverse=False, return_counts=False, dim=None): the distinct elements
    (or slices along dim), sorted; with the inverse indices and/or counts as a tuple when asked for."""
    values, inverse, counts = _C._unique(self, sorted, return_inverse, return_counts, dim)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out


setattr(Tensor, "unique", _unique)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements of input (see Tensor.unique)."""
    return _unique(input, sorted, return_inverse, return_counts, dim)
