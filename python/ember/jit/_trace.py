"""ember.jit.trace / trace_module: record the ops of one run into a graph (docs/jit.md).

The recording is C++ (ember::jit::Tracer on the op observer); this file handles the Python side: example
inputs, the module hierarchy, TracerWarning for Python values taken from traced tensors, and check_trace.
"""
import contextlib
import threading
import warnings

import ember
from ember import _C
from ember.jit._script import ScriptFunction, ScriptModule


class TracerWarning(Warning):
    """A Python value taken from a traced tensor steered the trace: it is a constant in the graph."""


class TracingCheckError(Exception):
    """check_trace found outputs of the traced graph that differ from the eager function's."""

    def __init__(self, graph_diagnostic_info, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n"
        if extra_msg is not None:
            self.message += extra_msg + "\n"
        if graph_diagnostic_info is not None:
            self.message += graph_diagnostic_info
        super().__init__(self.message)


_WARNINGS = {
    "item": "Converting a tensor to a Python number",
    "tolist": "Converting a tensor to a Python list",
    "__bool__": "Converting a tensor to a Python boolean",
    "__int__": "Converting a tensor to a Python integer",
    "__float__": "Converting a tensor to a Python float",
    "__index__": "Converting a tensor to a Python index",
    "__len__": "Using len to get tensor shape",
    "numpy": "Converting a tensor to a NumPy array",
}
_TAIL = (" might cause the trace to be incorrect. We can't record the data flow of Python values, so this "
         "value will be treated as a constant in the future. This means that the trace might not generalize "
         "to other inputs!")


_depth = threading.local()


def _hooked(name, original):
    def method(self, *args, **kwargs):
        outer = getattr(_depth, "n", 0) == 0  # tolist() calls numpy(): one warning, for the outer call
        if outer and _C._jit_is_traced(self):
            warnings.warn(_WARNINGS[name] + _TAIL, TracerWarning, stacklevel=2)
        _depth.n = getattr(_depth, "n", 0) + 1
        try:
            return original(self, *args, **kwargs)
        finally:
            _depth.n -= 1
    method.__name__ = name
    return method


@contextlib.contextmanager
def _warn_on_python_values():
    T = ember.Tensor
    saved = {}
    for name in _WARNINGS:
        if hasattr(T, name):
            saved[name] = T.__dict__.get(name)
            setattr(T, name, _hooked(name, getattr(T, name)))
    try:
        yield
    finally:
        for name, orig in saved.items():
            if orig is None:
                delattr(T, name)
            else:
                setattr(T, name, orig)


def _as_tuple(example_inputs):
    if isinstance(example_inputs, tuple):
        return example_inputs
    return (example_inputs,)


def _check_output(out, strict, where="the output"):
    if isinstance(out, ember.Tensor):
        return
    if isinstance(out, tuple):
        for o in out:
            _check_output(o, strict, where)
        return
    if isinstance(out, (list, dict)):
        if strict:
            kind = "a list" if isinstance(out, list) else "a dict"
            raise RuntimeError(
                f"Encountering {kind} at {where} of the tracer might cause the trace to be incorrect, this is only "
                "valid if the container structure does not change based on the module's inputs. Consider using a "
                "constant container instead (e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                "instead). If you absolutely need this and know the side effects, pass strict=False to trace() to "
                "allow this behavior.")
        for o in (out if isinstance(out, list) else out.values()):
            _check_output(o, strict, where)
        return
    raise RuntimeError(f"ember.jit.trace: {where} must be tensors or tuples, lists or dicts of tensors, "
                       f"got {type(out).__name__}")


def _clone(x):
    if isinstance(x, ember.Tensor):
        return x.detach().clone().requires_grad_(x.requires_grad)
    if isinstance(x, tuple):
        return tuple(_clone(e) for e in x)
    if isinstance(x, list):
        return [_clone(e) for e in x]
    if isinstance(x, dict):
        return {k: _clone(v) for k, v in x.items()}
    return x


def _flatten(x, path="output"):
    if isinstance(x, ember.Tensor):
        yield path, x
    elif isinstance(x, (tuple, list)):
        for i, e in enumerate(x):
            yield from _flatten(e, f"{path}[{i}]")
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _flatten(v, f"{path}[{k!r}]")


def _compare(traced_out, eager_out, rtol, atol, what):
    t = list(_flatten(traced_out))
    e = list(_flatten(eager_out))
    if len(t) != len(e):
        raise TracingCheckError(None, f"{what}: the traced function returned {len(t)} tensors, the Python function {len(e)}")
    problems = []
    for (path, a), (_, b) in zip(t, e):
        if a.shape != b.shape or a.dtype != b.dtype:
            problems.append(f"{path}: traced {tuple(a.shape)} {a.dtype} vs Python {tuple(b.shape)} {b.dtype}")
        elif not ember.allclose(a.detach(), b.detach(), rtol=rtol, atol=atol, equal_nan=True):
            diff = (a.detach().double() - b.detach().double()).abs().max().item() if a.numel() else 0.0
            problems.append(f"{path}: values differ (max abs difference {diff:g})\n  traced: {a}\n  Python: {b}")
    if problems:
        raise TracingCheckError(
            None,
            f"{what}: the traced function's outputs differ from the Python function's:\n" + "\n".join(problems))


def _run_checks(call_traced, call_eager, inputs_list, rtol, atol):
    for i, inputs in enumerate(inputs_list):
        inputs = _as_tuple(inputs)
        with ember.no_grad():
            traced_out = call_traced(*_clone(inputs))
            eager_out = call_eager(*_clone(inputs))
        _compare(traced_out, eager_out, rtol, atol, f"check input set {i}")


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Records the ops of func(*example_inputs) into a graph; returns a ScriptFunction (or a ScriptModule
    when func is an nn.Module). Control flow is frozen to the path this run took (a TracerWarning says when
    a Python value taken from a tensor steered it); Python numbers become constants."""
    if example_kwarg_inputs is not None:
        raise NotImplementedError("ember.jit.trace: example_kwarg_inputs is not implemented yet")
    if isinstance(func, ember.nn.Module):
        return trace_module(func, {"forward": example_inputs}, check_trace=check_trace,
                            check_inputs=[{"forward": c} for c in check_inputs] if check_inputs else None,
                            check_tolerance=check_tolerance, strict=strict)
    if isinstance(func, (ScriptFunction, ScriptModule)):
        return func
    if not callable(func):
        raise TypeError(f"ember.jit.trace: expected a function or an nn.Module, got {type(func).__name__}")
    inputs = _as_tuple(example_inputs)
    outputs = []

    def run(*args):
        out = func(*args)
        _check_output(out, strict)
        outputs.append(out)
        return out

    with _warn_on_python_values():
        graph = _C._jit_trace(run, inputs)
    name = getattr(func, "__name__", "traced_fn")
    traced = ScriptFunction(_C.ScriptFunctionBase(name, graph), name)
    if check_trace:
        _run_checks(traced, func, check_inputs if check_inputs else [inputs], check_tolerance, check_tolerance)
    return traced


def _build(mod, cls, memo):
    c = _C.ScriptModuleBase(cls)
    for n, p in mod._parameters.items():
        if p is not None:
            c.register_parameter(n, p)
    for n, b in mod._buffers.items():
        if b is not None:
            c.register_buffer(n, b)
    for n, sub in mod._modules.items():
        if sub is not None:
            c.register_module(n, _build(sub, f"{cls}.{n}", memo))
    c.register_attribute("training", bool(mod.training))
    return c


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """Traces methods of an nn.Module: inputs maps method names to example inputs ({"forward": x}).
    Returns a ScriptModule whose parameters and buffers are the module's own tensors (read in the graph
    with prim::GetAttr), so gradients reach them."""
    if not isinstance(mod, ember.nn.Module):
        raise AttributeError("expected torch.nn.Module as the first argument".replace("torch", "ember"))
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    c = _build(mod, "__module__." + type(mod).__name__, {})
    for method, example in inputs.items():
        fn = mod if method == "forward" else getattr(mod, method)
        example = _as_tuple(example)

        def run(*args, fn=fn):
            out = fn(*args)
            _check_output(out, strict)
            return out

        with _warn_on_python_values():
            _C._jit_trace_method(c, run, example, method)
    traced = ScriptModule(c, type(mod).__name__)
    if check_trace:
        for method, example in inputs.items():
            fn = mod if method == "forward" else getattr(mod, method)
            sets = [ci[method] for ci in check_inputs] if check_inputs else [example]
            _run_checks(getattr(traced, method) if method != "forward" else traced, fn, sets, check_tolerance,
                        check_tolerance)
    return traced
