"""Helpers of nn.Module: type names as PyTorch prints them, the repr indenting, load_state_dict's
result type and Module.to's argument parsing."""
from collections import namedtuple

import ember

_TENSOR_TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "bfloat16": "BFloat16Tensor",
    "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor",
    "int64": "LongTensor", "bool": "BoolTensor",
}


def _typename(obj):
    """PyTorch's torch.typename: 'ember.FloatTensor' for a tensor, the qualified class name otherwise."""
    if isinstance(obj, ember.Tensor):
        return "ember." + _TENSOR_TYPE_NAMES.get(repr(obj.dtype).split(".")[-1], "Tensor")
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    if not isinstance(obj, type):
        module = type(obj).__module__
        qualname = type(obj).__qualname__
    if module in ("", "builtins"):
        return qualname
    return module + "." + qualname


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict(strict=False) returns."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    return first + "\n" + "\n".join((num_spaces * " ") + line for line in s)


def _parse_to(*args, **kwargs):
    """(device, dtype, non_blocking) from Module.to's forms: to(device, dtype, non_blocking),
    to(dtype), to(tensor), keywords device=, dtype=, non_blocking=, copy= (ignored), memory_format=."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    kwargs.pop("copy", None)
    kwargs.pop("memory_format", None)
    tensor = kwargs.pop("tensor", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    args = list(args)
    if args and isinstance(args[0], ember.Tensor):
        tensor = args.pop(0)
    if tensor is not None:
        device, dtype = tensor.device, tensor.dtype
    if args and isinstance(args[0], ember.dtype):
        dtype = args.pop(0)
    elif args and (isinstance(args[0], (str, ember.device, int)) or args[0] is None):
        device = args.pop(0)
        if args and isinstance(args[0], ember.dtype):
            dtype = args.pop(0)
    if args and isinstance(args[0], bool):
        non_blocking = args.pop(0)
    if args:
        raise TypeError(f"to() received an invalid combination of arguments: {args!r}")
    if device is not None:
        device = ember.device(f"cuda:{device}" if isinstance(device, int) else device)
    return device, dtype, non_blocking

