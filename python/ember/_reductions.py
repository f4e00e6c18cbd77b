"""PyTorch's overloads of max / min, over the schema ops max() (all elements), _max_dim (values and
indices along a dim, as a named tuple) and maximum (elementwise)."""
import builtins

from ember import _C, return_types

Tensor = _C.Tensor
_INT = (builtins.int,)


def _overloads(name, full, along, elementwise, rtype):
    def fn(input, *args, **kwargs):
        dim = kwargs.pop("dim", None)
        other = kwargs.pop("other", None)
        keepdim = kwargs.pop("keepdim", None)
        out = kwargs.pop("out", None)
        if kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
        args = list(args)
        if args and isinstance(args[0], Tensor) and other is None and dim is None:
            other = args.pop(0)
        elif args and dim is None:
            dim = args.pop(0)
        if args and keepdim is None:
            keepdim = args.pop(0)
        if args:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        if other is not None:
            if dim is not None or keepdim is not None:
                raise TypeError(f"{name}() received an invalid combination of arguments")
            return elementwise(input, other, out=out) if out is not None else elementwise(input, other)
        if dim is None:
            if keepdim is not None:
                raise TypeError(f"{name}() received an invalid combination of arguments: keepdim needs dim")
            r = full(input)
            if out is not None:
                out.copy_(r)
                return out
            return r
        if isinstance(dim, builtins.bool) or not isinstance(dim, _INT):
            raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
        values, indices = along(input, dim, builtins.bool(keepdim))
        if out is not None:
            out[0].copy_(values)
            out[1].copy_(indices)
            return rtype(out[0], out[1])
        return rtype(values, indices)

    fn.__name__ = fn.__qualname__ = name
    return fn


max = _overloads("max", _C.max, _C._max_dim, _C.maximum, return_types.max)  # noqa: A001
min = _overloads("min", _C.min, _C._min_dim, _C.minimum, return_types.min)  # noqa: A001
max.__doc__ = ("max(input) -> Tensor: the largest element; max(input, dim, keepdim=False) -> (values, indices); "
               "max(input, other) -> maximum(input, other).")
min.__doc__ = ("min(input) -> Tensor: the smallest element; min(input, dim, keepdim=False) -> (values, indices); "
               "min(input, other) -> minimum(input, other).")


def _method(fn):
    def m(self, *args, **kwargs):
        return fn(self, *args, **kwargs)

    m.__name__ = m.__qualname__ = fn.__name__
    m.__doc__ = fn.__doc__
    return m


Tensor.max = _method(max)
Tensor.min = _method(min)


def _legacy_unbiased(name, cfn):
    """var/std/var_mean/std_mean also take PyTorch's legacy unbiased= (positional: (unbiased) or
    (dim, unbiased, keepdim)), meaning correction=1 (True) or 0 (False)."""

    def fn(input, *args, **kwargs):
        unbiased = kwargs.pop("unbiased", None)
        if args and isinstance(args[0], builtins.bool):
            unbiased, args = args[0], args[1:]
        elif len(args) >= 2:
            if not isinstance(args[1], builtins.bool) or len(args) > 3:
                raise TypeError(f"{name}() received an invalid combination of arguments")
            kwargs["dim"] = args[0]
            unbiased = args[1]
            if len(args) == 3:
                kwargs["keepdim"] = args[2]
            args = ()
        if unbiased is not None:
            if kwargs.get("correction") is not None:
                raise TypeError(f"{name}(): cannot specify both unbiased and correction")
            kwargs["correction"] = 1 if unbiased else 0
        return cfn(input, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = cfn.__doc__
    return fn


var = _legacy_unbiased("var", _C.var)
std = _legacy_unbiased("std", _C.std)
var_mean = _legacy_unbiased("var_mean", _C.var_mean)
std_mean = _legacy_unbiased("std_mean", _C.std_mean)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm over dim (all elements when None): p = 'fro' (2), inf, -inf, 0 or any number."""
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(f"norm(): p={p!r} is not supported (only 'fro' and numbers)")
        p = 2
    if isinstance(dim, builtins.int):
        dim = (dim,)
    return _C.norm(input, p, dim, keepdim, dtype=dtype)


Tensor.var = _method(var)
Tensor.std = _method(std)
Tensor.norm = _method(norm)


def _named(name, cfn, rtype):
    """An op returning (values, indices) as the named tuple ember.return_types.<name>."""

    def fn(*args, **kwargs):
        return rtype(*cfn(*args, **kwargs))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = cfn.__doc__
    return fn


cummax = _named("cummax", _C.cummax, return_types.cummax)
cummin = _named("cummin", _C.cummin, return_types.cummin)
kthvalue = _named("kthvalue", _C.kthvalue, return_types.kthvalue)


def median(input, dim=None, keepdim=False):
    """median(input) -> the lower median of all elements; median(input, dim, keepdim=False) ->
    (values, indices) along dim."""
    if dim is None:
        return _C.median(input)
    return return_types.median(*_C._median_dim(input, dim, keepdim))


Tensor.cummax = _method(cummax)
Tensor.cummin = _method(cummin)
Tensor.kthvalue = _method(kthvalue)
Tensor.median = _method(median)
