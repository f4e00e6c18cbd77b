"""ember.jit: tracing into graphs that the C++ interpreter runs (docs/jit.md).

    traced = ember.jit.trace(model, example_input)
    traced.graph, traced.code, traced(x)
"""
from ember.jit._script import ScriptFunction, ScriptModule  # noqa: F401
from ember.jit._trace import TracerWarning, TracingCheckError, trace, trace_module  # noqa: F401
from ember._C import Graph  # noqa: F401


def parse_graph(text, constants=()):
    """Parses a graph's text form (ember::jit::parse_graph); tensor constants `tensor(N)` come from constants."""
    from ember import _C
    return _C._jit_parse_graph(text, list(constants))


def save(m, f, _extra_files=None):
    """Not implemented yet: one-file export waits for the safetensors writer (docs/jit_format.md)."""
    raise NotImplementedError("ember.jit.save is not implemented yet (the one-file format is designed in docs/jit_format.md)")


def load(f, map_location=None, _extra_files=None):
    """Not implemented yet: see save."""
    raise NotImplementedError("ember.jit.load is not implemented yet (the one-file format is designed in docs/jit_format.md)")


def script(obj, *args, **kwargs):
    """Not implemented yet: the script compiler is the next JIT issue."""
    raise NotImplementedError("ember.jit.script is not implemented yet: use ember.jit.trace")
