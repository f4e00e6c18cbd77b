"""ember.save / ember.load: one safetensors file, no pickle (docs/serialization.md).

The format, the tree codec and the file I/O are C++ (src/serialize, through ember._C); this module only
maps the Python-only kinds onto tagged objects (OrderedDict, numpy arrays and scalars) and back, and
handles file objects and map_location."""
import collections
import io
import os

import numpy as np

import ember
from ember import _C

_ORDERED = "collections.OrderedDict"
_NDARRAY = "numpy.ndarray"
_NPSCALAR = "numpy.generic"
_VALUE = "__value__"
_KEY_TYPES = (str, int, float, bool)

__all__ = ["save", "load"]


def _unsupported(obj):
    if isinstance(obj, ember.nn.Module):
        return TypeError(
            f"ember.save: cannot save a whole module ({type(obj).__name__}): ember files hold no pickled code. "
            "Save its parameters and buffers with ember.save(model.state_dict(), f) and restore them with "
            "model.load_state_dict(ember.load(f)); to save a whole model with its code, use ember.jit")
    if isinstance(obj, ember.optim.Optimizer):
        return TypeError(f"ember.save: cannot save an optimizer object ({type(obj).__name__}): save "
                         "optimizer.state_dict() and restore it with optimizer.load_state_dict(ember.load(f))")
    return TypeError(
        f"ember.save: cannot save an object of type {type(obj).__module__}.{type(obj).__qualname__}: ember saves "
        "tensors, numpy arrays and scalars, None, bool, int, float, str, dtypes, devices and dicts, lists and "
        "tuples of them (no pickle)")


def _ndarray_tensor(a):
    if a.dtype == object or a.dtype.kind not in "biuf":
        raise TypeError(f"ember.save: cannot save a numpy array of dtype {a.dtype}")
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    try:
        return ember.from_numpy(a)
    except (TypeError, ValueError, RuntimeError):
        try:
            return ember.from_numpy(np.ascontiguousarray(a))
        except (TypeError, ValueError, RuntimeError) as e:
            raise TypeError(f"ember.save: cannot save a numpy array of dtype {a.dtype}: {e}") from None


def _to_tree(obj, active):
    """obj with OrderedDicts, numpy arrays and scalars as tagged ScriptObjects; TypeError for the rest."""
    if obj is None or isinstance(obj, (ember.Tensor, ember.dtype, ember.device, str)):
        return obj
    if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass
        return _C.ScriptObject(_NPSCALAR, **{_VALUE: _ndarray_tensor(np.asarray(obj))})
    if isinstance(obj, (bool, int, float)):
        return obj
    if isinstance(obj, np.ndarray):
        return _C.ScriptObject(_NDARRAY, **{_VALUE: _ndarray_tensor(obj)})
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in active:
            raise ValueError("ember.save: the object contains itself (a cycle); it cannot be saved")
        active.add(id(obj))
        try:
            if isinstance(obj, dict):
                out = {}
                for k, v in obj.items():
                    if isinstance(k, np.generic):
                        k = k.item()
                    if not isinstance(k, _KEY_TYPES):
                        raise TypeError(f"ember.save: dict keys must be str, int, float or bool, got {type(k).__name__}")
                    out[k] = _to_tree(v, active)
                if isinstance(obj, collections.OrderedDict):
                    return _C.ScriptObject(_ORDERED, **{_VALUE: out})
                return out
            items = [_to_tree(v, active) for v in obj]
            return tuple(items) if isinstance(obj, tuple) else items  # a namedtuple is saved as a tuple
        finally:
            active.discard(id(obj))
    raise _unsupported(obj)


def _mapper(map_location):
    if map_location is None:
        return None
    if callable(map_location) and not isinstance(map_location, (str, ember.device)):
        return lambda t: map_location(t, "cpu")
    if isinstance(map_location, dict):
        target = map_location.get("cpu", map_location.get(ember.device("cpu"), None))
        return _mapper(target)
    if isinstance(map_location, (str, ember.device)):
        dev = ember.device(map_location)
        if dev.type == "cpu":
            return None
        return lambda t: t.to(dev)
    raise TypeError(f"ember.load: map_location must be None, a str, an ember.device, a dict or a callable, "
                    f"got {type(map_location).__name__}")


def _from_tree(v, fix):
    if isinstance(v, ember.Tensor):
        return fix(v) if fix is not None else v
    if isinstance(v, dict):
        return {k: _from_tree(x, fix) for k, x in v.items()}
    if isinstance(v, list):
        return [_from_tree(x, fix) for x in v]
    if isinstance(v, tuple):
        return tuple(_from_tree(x, fix) for x in v)
    if isinstance(v, _C.ScriptObject):
        kind = v._type_name()
        if kind not in (_ORDERED, _NDARRAY, _NPSCALAR):
            return v  # an object of a later format or of C++ code: returned as it is
        if v._attribute_names() != [_VALUE]:
            raise ValueError(f"ember.load: malformed {kind} node in the saved tree")
        x = getattr(v, _VALUE)
        if kind == _ORDERED:
            if not isinstance(x, dict):
                raise ValueError(f"ember.load: malformed {kind} node in the saved tree (not a dict)")
            return collections.OrderedDict((k, _from_tree(val, fix)) for k, val in x.items())
        if not isinstance(x, ember.Tensor) or (kind == _NPSCALAR and x.dim() != 0):
            raise ValueError(f"ember.load: malformed {kind} node in the saved tree")
        try:
            a = x.detach().numpy()
        except (TypeError, RuntimeError) as e:
            raise ValueError(f"ember.load: a saved numpy value cannot be restored: {e}") from None
        return a[()] if kind == _NPSCALAR else a
    return v


def _map_tensor(fn):
    def fix(t):
        with ember.no_grad():
            out = fn(t)
        if t.requires_grad and isinstance(out, ember.Tensor) and not out.requires_grad:
            out.requires_grad_(True)
        return out
    return fix


def save(obj, f, pickle_module=None, pickle_protocol=None, *, fsync=False, metadata=None):
    """Saves obj (tensors, numpy arrays and scalars, numbers, str, None, and dicts / lists / tuples of
    them; a module's or optimizer's state_dict()) to f: a path (written to a temporary file, then
    renamed: crash-safe; fsync=True also survives power loss) or a writable binary file object. The
    file is safetensors (the `safetensors` package reads its tensors). Tensors sharing storage are
    written once. pickle_protocol is accepted and ignored; pickle_module raises (ember never pickles).
    metadata: more str -> str entries for the header's __metadata__."""
    if pickle_module is not None:
        raise ValueError("ember.save: pickle_module is not supported: ember files hold no pickles")
    tree = _to_tree(obj, set())
    md = {} if metadata is None else dict(metadata)
    if isinstance(f, (str, os.PathLike)):
        _C._save(tree, os.fspath(f), bool(fsync), md)
        return
    if not hasattr(f, "write"):
        raise TypeError(f"ember.save: f must be a path or a writable binary file object, got {type(f).__name__}")
    f.write(_C._save_to_bytes(tree, md))


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Loads what ember.save wrote (or any safetensors file: a dict of its tensors) from a path or a
    readable binary file object (io.BytesIO included). Never runs code from the file: weights_only is
    accepted for PyTorch's signature and has no effect (False loads the same; there is nothing to
    unpickle). mmap=True (paths only) maps the file: tensors view it without a copy (copy-on-write).
    map_location: None / "cpu" / "meta" / ember.device / a dict {"cpu": target} / a callable
    fn(tensor, "cpu") -> tensor."""
    if pickle_module is not None:
        raise ValueError("ember.load: pickle_module is not supported: ember files hold no pickles")
    if pickle_load_args:
        raise TypeError(f"ember.load: unexpected arguments {sorted(pickle_load_args)}")
    fn = _mapper(map_location)
    fix = _map_tensor(fn) if fn is not None else None
    if isinstance(f, (str, os.PathLike)):
        tree = _C._load(os.fspath(f), bool(mmap))
    else:
        if mmap:
            raise ValueError("ember.load: mmap=True needs f to be a file path")
        if isinstance(f, io.BytesIO):
            pos = f.tell()
            with f.getbuffer() as view:
                tree = _C._load_from_buffer(view[pos:])
            f.seek(0, io.SEEK_END)
        elif hasattr(f, "read"):
            tree = _C._load_from_buffer(f.read())
        else:
            raise TypeError(f"ember.load: f must be a path or a readable binary file object, got {type(f).__name__}")
    return _from_tree(tree, fix)
