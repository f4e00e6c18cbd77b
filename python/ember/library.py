"""Ops defined from Python, as ``torch.library`` (docs/registry.md)::

    ember.library.define("mylib::scale", "(Tensor x, float k=2.0) -> Tensor")

    @ember.library.impl("mylib::scale", "cpu")
    def scale_cpu(x, k=2.0):
        return x * k

    ember.library.register_fake("mylib::scale", lambda x, k=2.0: ember.empty_like(x))   # meta kernel
    ember.library.register_autograd("mylib::scale", backward, setup_context=setup_context)

    @ember.library.custom_op("mylib::twice", mutates_args=())
    def twice(x: ember.Tensor) -> ember.Tensor:
        return x * 2

A registered op is ``ember.ops.mylib.scale`` and a registry entry like any built-in op (callable from C++
by name, observed by ``ember.dispatch.Observer``)."""
import inspect
import typing

import ember
from ember import _C
from ember.autograd import Function

__all__ = ["define", "impl", "register_fake", "register_autograd", "custom_op", "infer_schema", "Library"]

_DEVICE_KEYS = {"cpu": "CPU", "cuda": "CUDA", "meta": "Meta", "CPU": "CPU", "CUDA": "CUDA", "Meta": "Meta",
                "Autograd": "Autograd", "default": "CompositeExplicitAutograd",
                "CompositeExplicitAutograd": "CompositeExplicitAutograd",
                "CompositeImplicitAutograd": "CompositeImplicitAutograd"}


def _split(qualname):
    if "::" not in qualname:
        raise ValueError(f"expected a qualified op name 'namespace::name', got '{qualname}'")
    ns, name = qualname.split("::", 1)
    return ns, name


def _qualified(op):
    """The qualified overload name of an op given as a string, packet, overload or CustomOpDef."""
    if isinstance(op, CustomOpDef):
        op = op._name
    if hasattr(op, "name") and callable(op.name):
        return op.name()
    if hasattr(op, "_name"):
        op = op._name
    if not isinstance(op, str):
        raise TypeError(f"expected an op name or op, got {type(op).__name__}")
    ns, name = _split(op)
    return op if "." in name else op + ".default"


def define(qualname, schema, *, lib=None, tags=()):
    """Defines an op: ``define("mylib::sin", "(Tensor x) -> Tensor")`` (or a full schema after the
    namespace). ``tags`` may hold ``"nondeterministic_seeded"`` for random ops without a Generator."""
    ns, name = _split(qualname)
    text = name + schema if schema.lstrip().startswith("(") else schema
    tags = {getattr(t, "name", t) for t in tags}
    return _C._library_define(ns, text, "nondeterministic_seeded" in tags)


def impl(qualname, types, func=None, *, lib=None):
    """Registers func as the op's kernel for a device type ("cpu", "cuda", "meta") or dispatch key
    ("Autograd", "CompositeExplicitAutograd" / "default", "CompositeImplicitAutograd"); a decorator when
    func is omitted. types may be a list."""
    keys = [types] if isinstance(types, str) else list(types)
    for k in keys:
        if k not in _DEVICE_KEYS:
            raise ValueError(f"unknown device type or dispatch key '{k}' (expected one of {sorted(_DEVICE_KEYS)})")

    def register(f):
        for k in keys:
            _C._library_impl(_qualified(qualname), _DEVICE_KEYS[k], f)
        return f

    return register if func is None else register(func)


def register_fake(op, func=None, *, lib=None):
    """Registers the op's shape rule: a function of meta tensors returning meta tensors of the outputs'
    shapes and dtypes (its Meta kernel; ``ember.empty(..., device="meta")`` and ``*_like`` help)."""
    return impl(op, "meta", func)


def register_autograd(op, backward, *, setup_context=None, lib=None):
    """Makes the op differentiable: ``setup_context(ctx, inputs, output)`` saves what ``backward(ctx,
    *grads)`` needs; backward returns one gradient per op argument (None for non-tensors)."""
    qualified = _qualified(op)
    info = _C._op_info(qualified)
    kwonly = info["kwarg_only"]

    class _Op(Function):
        @staticmethod
        def forward(ctx, *args):
            out = _C._call_boxed(qualified, *args)  # grad mode is off here: the device kernel runs
            if setup_context is not None:
                setup_context(ctx, args, out)
            return out

        @staticmethod
        def backward(ctx, *grads):
            g = backward(ctx, *grads)
            g = tuple(g) if isinstance(g, (tuple, list)) else (g,)
            n = info["num_args"]
            if len(g) != n:
                raise RuntimeError(f"the backward of {qualified} returned {len(g)} gradients but the op has {n} "
                                   "arguments (return None for arguments without a gradient)")
            return g

    _Op.__name__ = qualified.split("::")[1].split(".")[0] + "Backward"

    def autograd_kernel(*args, **kwargs):
        return _Op.apply(*args, *[kwargs[k] for k in kwonly])

    _C._library_impl(qualified, "Autograd", autograd_kernel)


# ---- custom_op ----------------------------------------------------------------------------------------
def _type_name(t, where):
    origin = typing.get_origin(t)
    args = typing.get_args(t)
    if origin is typing.Union and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return _type_name(inner[0], where) + "?"
    if t is ember.Tensor or t is _C.Tensor:
        return "Tensor"
    simple = {int: "int", float: "float", bool: "bool", str: "str", ember.dtype: "ScalarType",
              ember.device: "Device", ember.Generator: "Generator"}
    if t in simple:
        return simple[t]
    if origin in (list, tuple, typing.Sequence) or str(origin) == "<class 'collections.abc.Sequence'>":
        if args and args[0] in (int, float, ember.Tensor, _C.Tensor) and (origin is not tuple or args[-1] is Ellipsis
                                                                         or len(set(args)) == 1):
            return _type_name(args[0], where) + "[]"
    raise ValueError(f"custom_op: unsupported type {t!r} for {where} (supported: Tensor, int, float, bool, str, "
                     "dtype, device, Optional[...], list[int], list[float], list[Tensor])")


def _default_text(v):
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (list, tuple)) and all(isinstance(x, int) for x in v):
        return "[" + ", ".join(str(x) for x in v) + "]"
    raise ValueError(f"custom_op: unsupported default value {v!r}")


def infer_schema(fn, *, mutates_args=(), op_name=None):
    """The schema of a Python function from its type annotations: ``(Tensor x, float k=2.0) -> Tensor``
    (with the op name in front when op_name is given). Arguments named in mutates_args are written
    (``Tensor(a!)``)."""
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn)
    if mutates_args == "unknown":
        raise ValueError("custom_op: mutates_args='unknown' is not supported; name the mutated arguments")
    mutated = set(mutates_args)
    parts, kw, alias = [], False, iter("abcdefghijklmnopqrstuvwxyz")
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ValueError(f"custom_op: *args and **kwargs are not supported ({fn.__name__})")
        if p.name not in hints:
            raise ValueError(f"custom_op: parameter '{p.name}' of {fn.__name__} needs a type annotation")
        t = _type_name(hints[p.name], f"parameter '{p.name}'")
        if p.name in mutated:
            if not t.startswith("Tensor"):
                raise ValueError(f"custom_op: mutated argument '{p.name}' must be a Tensor")
            t = t.replace("Tensor", f"Tensor({next(alias)}!)", 1)
            mutated.discard(p.name)
        if p.kind == p.KEYWORD_ONLY and not kw:
            parts.append("*")
            kw = True
        text = f"{t} {p.name}"
        if p.default is not p.empty:
            text += "=" + _default_text(p.default)
        parts.append(text)
    if mutated:
        raise ValueError(f"custom_op: mutates_args names unknown parameters {sorted(mutated)}")
    ret = hints.get("return", inspect.Signature.empty)
    if ret is inspect.Signature.empty:
        raise ValueError(f"custom_op: {fn.__name__} needs a return annotation")
    if ret is None or ret is type(None):
        rtext = "()"
    elif typing.get_origin(ret) is tuple:
        rtext = "(" + ", ".join(_type_name(a, "the return") for a in typing.get_args(ret)) + ")"
    else:
        rtext = _type_name(ret, "the return")
    schema = f"({', '.join(parts)}) -> {rtext}"
    return (op_name + schema) if op_name else schema


class CustomOpDef:
    """What ``@custom_op`` returns: callable as the op, with register_fake / register_autograd /
    register_kernel."""

    def __init__(self, name, fn):
        self._name = name
        self._init_fn = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        return _C._call_overload(self._name + ".default", *args, **kwargs)

    def register_fake(self, fn):
        register_fake(self._name, fn)
        return fn

    def register_kernel(self, device_types, fn=None):
        return impl(self._name, device_types, fn)

    def register_autograd(self, backward, *, setup_context=None):
        register_autograd(self._name, backward, setup_context=setup_context)

    def __repr__(self):
        return f"<CustomOpDef({self._name})>"


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=()):
    """Wraps a Python function into an op ``name`` ("ns::op") with a schema inferred from its type
    annotations (or given as ``schema``). Its kernel runs on device_types (all devices when None); it is
    opaque to autograd until ``register_autograd`` (backward through it raises until then)."""
    def inner(f):
        ns, opname = _split(name)
        sch = schema if schema is not None else infer_schema(f, mutates_args=mutates_args)
        define(name, sch, tags=tags)
        impl(name, "CompositeExplicitAutograd" if device_types is None else device_types, f)
        return CustomOpDef(name, f)

    return inner if fn is None else inner(fn)


class Library:
    """``Library("mylib", "DEF")`` / ``Library("mylib", "IMPL")`` / ``"FRAGMENT"``: define() and impl()
    for one namespace, as torch.library.Library."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("DEF", "IMPL", "FRAGMENT"):
            raise ValueError(f"Library kind must be DEF, IMPL or FRAGMENT, got {kind!r}")
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def define(self, schema, alias_analysis="", *, tags=()):
        if self.kind == "IMPL":
            raise RuntimeError(f"define() on an IMPL library of '{self.ns}'")
        tags = {getattr(t, "name", t) for t in tags}
        return _C._library_define(self.ns, schema, "nondeterministic_seeded" in tags)

    def impl(self, op_name, fn, dispatch_key=""):
        key = dispatch_key or self.dispatch_key or "CompositeImplicitAutograd"
        name = op_name if "::" in op_name else f"{self.ns}::{op_name}"
        impl(name, key, fn)
