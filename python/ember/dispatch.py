"""Observers of op calls (docs/registry.md).

Subclass :class:`Observer` and use it as a context manager: every top-level op call on this thread
(built-in or registered, from Python, C++ or a boxed call) is reported to ``on_op`` after it returns,
with its qualified name (``"aten::add.Tensor"``), its arguments in schema order (keyword-only ones in
``kwargs``; Python numbers given for tensors come back as numbers) and its outputs as a tuple. Ops that
run inside another op, or inside ``on_op`` itself, are not reported."""
from ember import _C

__all__ = ["Observer"]


class Observer:
    """Base class of op observers; override :meth:`on_op`."""

    def on_op(self, name, args, kwargs, outputs):
        raise NotImplementedError(f"{type(self).__name__} must define on_op(name, args, kwargs, outputs)")

    def __enter__(self):
        _C._enter_observer(self)
        return self

    def __exit__(self, *exc):
        _C._exit_observer()
        return False
