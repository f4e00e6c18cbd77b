"""Every registry op by name, as ``torch.ops``: ``ember.ops.aten.add`` (an overload packet: the overload
is resolved by the C++ resolver) and ``ember.ops.aten.add.Tensor`` (one overload); ops registered at run
time the same way (``ember.ops.myops.scale``). ``load_library(path)`` loads a shared library whose
``EMBER_LIBRARY`` blocks register ops. docs/registry.md."""
import os

from ember import _C

__all__ = ["load_library", "OpOverload", "OpOverloadPacket"]

loaded_libraries = set()


class OpOverload:
    """One overload: ``ember.ops.aten.add.Tensor``; call it with the arguments its schema takes."""

    def __init__(self, qualified):
        self._qualified = qualified
        ns, rest = qualified.split("::", 1)
        self.__name__ = rest
        self.__qualname__ = qualified
        self.namespace = ns

    def name(self):
        return self._qualified

    @property
    def _schema(self):
        return _C._op_info(self._qualified)["schema"]

    @property
    def tags(self):
        info = _C._op_info(self._qualified)
        return tuple(t for t, on in (("nondeterministic_seeded", info["nondeterministic"]),
                                     ("view", info["is_view"]), ("inplace", info["is_inplace"])) if on)

    def __call__(self, *args, **kwargs):
        return _C._call_overload(self._qualified, *args, **kwargs)

    def __repr__(self):
        return f"ember.ops.{self._qualified.replace('::', '.')}"


class OpOverloadPacket:
    """All overloads of a name: ``ember.ops.aten.max``; calling it picks the overload by the arguments."""

    def __init__(self, name):
        self._name = name
        self.__name__ = name.split("::", 1)[1]
        self.__qualname__ = name

    def overloads(self):
        return _C._op_overloads(self._name)

    def __getattr__(self, overload):
        if overload.startswith("__"):
            raise AttributeError(overload)
        if overload not in _C._op_overloads(self._name):
            raise AttributeError(f"'{self._name}' has no overload '{overload}' "
                                 f"(overloads: {', '.join(_C._op_overloads(self._name))})")
        op = OpOverload(f"{self._name}.{overload}")
        setattr(self, overload, op)
        return op

    def __call__(self, *args, **kwargs):
        return _C._call_boxed(self._name, *args, **kwargs)

    def __repr__(self):
        return f"ember.ops.{self._name.replace('::', '.')}"


class _OpNamespace:
    def __init__(self, ns):
        self._ns = ns
        self.__name__ = ns

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        qualified = f"{self._ns}::{name}"
        if not _C._op_overloads(qualified):
            raise AttributeError(f"no op named '{qualified}' (is the library that registers it loaded?)")
        packet = OpOverloadPacket(qualified)
        setattr(self, name, packet)  # ops are never unregistered: cache
        return packet

    def __repr__(self):
        return f"ember.ops.{self._ns}"


_namespaces = {}


def __getattr__(ns):
    if ns.startswith("__"):
        raise AttributeError(ns)
    if ns not in _namespaces:
        _namespaces[ns] = _OpNamespace(ns)
    return _namespaces[ns]


def load_library(path):
    """Loads a shared library (``.so``) whose static initializers register ops (``EMBER_LIBRARY``);
    its ops are then ``ember.ops.<ns>.<name>``. Loading the same path again does nothing."""
    path = os.path.realpath(os.fspath(path))
    _C._load_library(path)
    loaded_libraries.add(path)
