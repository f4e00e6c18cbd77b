"""ScriptFunction and ScriptModule: Python faces of ember::jit::Function and ember::jit::Module."""
from collections import OrderedDict

import ember
from ember import _C


class ScriptFunction:
    """A traced function: calls run the graph in the C++ interpreter (without the GIL)."""

    def __init__(self, base, name):
        self._c = base
        self.__name__ = name
        self.__qualname__ = name

    def __call__(self, *args):
        return self._c(*args)

    @property
    def graph(self):
        """The IR (print it for the text form)."""
        return self._c.graph

    @property
    def inlined_graph(self):
        return self._c.graph

    @property
    def code(self):
        """Python-like source of the graph (for reading)."""
        return self._c.graph.python_code(self.__name__)

    def __repr__(self):
        return f"<ember.jit.ScriptFunction {self.__name__}>"


class _Method:
    def __init__(self, module, name):
        self._module = module
        self.name = name

    def __call__(self, *args):
        return self._module._c.run_method(self.name, *args)

    @property
    def graph(self):
        return self._module._c.method_graph(self.name)

    @property
    def code(self):
        return self.graph.python_code(self.name)


class ScriptModule:
    """A traced module: its parameters, buffers and submodules are those of the module it was traced from
    (shared tensors), its methods run in the C++ interpreter. Not an nn.Module subclass (yet)."""

    def __init__(self, c, original_name):
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "original_name", original_name)

    # ---- calling ------------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{self.original_name}.forward: a traced module takes positional arguments only")
        return self._c.run_method("forward", *args)

    def forward(self, *args):
        return self._c.run_method("forward", *args)

    @property
    def graph(self):
        return self._c.method_graph("forward")

    @property
    def inlined_graph(self):
        return self.graph

    @property
    def code(self):
        return self.graph.python_code("forward")

    def __getattr__(self, name):
        c = object.__getattribute__(self, "_c")
        if name in c.method_names():
            return _Method(self, name)
        kind = c.attr_kind(name)
        if kind == "module":
            for n, child in c.named_children():
                if n == name:
                    return ScriptModule(child, name)
        if kind is not None:
            return c.attr(name)
        raise AttributeError(f"'{object.__getattribute__(self, 'original_name')}' (ScriptModule) has no attribute '{name}'")

    def __setattr__(self, name, value):
        if self._c.hasattr(name):
            self._c.setattr(name, value)
        else:
            object.__setattr__(self, name, value)

    # ---- state --------------------------------------------------------------------------------------
    def named_parameters(self, prefix="", recurse=True):
        for n, p in self._c.named_parameters(recurse):
            yield (prefix + "." + n if prefix else n), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        for n, b in self._c.named_buffers(recurse):
            yield (prefix + "." + n if prefix else n), b

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self):
        for n, child in self._c.named_children():
            yield n, ScriptModule(child, n)

    def children(self):
        for _, c in self.named_children():
            yield c

    def named_modules(self, prefix=""):
        yield prefix, self
        for n, child in self.named_children():
            yield from child.named_modules(prefix + "." + n if prefix else n)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        out = OrderedDict() if destination is None else destination
        for name, m in self.named_modules():
            p = prefix + (name + "." if name else "")
            for n, t in m._c.named_parameters(False):
                out[p + n] = t if keep_vars else t.detach()
            for n, t in m._c.named_buffers(False):
                out[p + n] = t if keep_vars else t.detach()
        return out

    @property
    def training(self):
        return self._c.is_training()

    def train(self, mode=True):
        self._c.train(bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def to(self, *args, **kwargs):
        from ember.nn.modules._utils import _parse_to
        device, dtype, _ = _parse_to(*args, **kwargs)
        if device is not None:
            self._c.to_device(str(ember.device(device)))
        if dtype is not None:
            self._c.to_dtype(dtype)
        return self

    def double(self):
        return self.to(ember.float64)

    def float(self):
        return self.to(ember.float32)

    def cpu(self):
        return self.to("cpu")

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def save(self, f, _extra_files=None):
        raise NotImplementedError("ScriptModule.save is not implemented yet (the one-file format is designed in docs/jit_format.md)")

    def __repr__(self):
        return f"ScriptModule(original_name={self.original_name})"
