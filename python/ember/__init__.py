"""ember: a C++-first deep-learning library with PyTorch's Python API (rename `torch` to `ember`)."""
import builtins as _builtins

from ember import _C
from ember._C import (  # noqa: F401  (re-exported: the generated ops and the core types)
    Size,
    Tensor,
    device,
    dtype,
    from_numpy,
    tensor,
)
from ember._C import (  # noqa: F401
    bool,
    bfloat16,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from ember import _tensor  # noqa: F401  (adds Python-level Tensor methods)
from ember._tensor import nonzero, unique  # noqa: F401
from ember import return_types  # noqa: F401
from ember import autograd, cuda, dispatch, library, ops, testing, utils  # noqa: F401
from ember._dtype_info import finfo, iinfo  # noqa: F401
from ember._tensor_str import set_printoptions  # noqa: F401
from ember.autograd import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401

# Aliases PyTorch users know.
half = float16
float = float32  # noqa: A001
double = float64
short = int16
int = int32  # noqa: A001
long = int64

__version__ = "0.1.0"


def _export_ops():
    g = globals()
    for name in dir(_C):
        if (not name.startswith("_") or name.startswith(("_foreach_", "_fused_"))) and name not in g:
            g[name] = getattr(_C, name)


_export_ops()
concat = concatenate = cat  # noqa: F821  (PyTorch's aliases of cat)


def manual_seed(seed):
    """Seeds the default generator (and rewinds its counter); returns it."""
    return default_generator.manual_seed(_builtins.int(seed))


def seed():
    """Seeds the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (a 16-byte uint8 tensor: seed and counter offset)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default generator's state from get_rng_state()."""
    default_generator.set_state(new_state)


def tensordot(a, b, dims=2, out=None):
    """Contracts the last `dims` dims of a with the first of b (aten::tensordot.int), or the dims listed
    in dims=(dims_a, dims_b) (aten::tensordot)."""
    if isinstance(dims, (list, tuple)):
        da, db = dims
        da = [da] if isinstance(da, _builtins.int) else list(da)
        db = [db] if isinstance(db, _builtins.int) else list(db)
        r = _C.tensordot(a, b, da, db)
    else:
        r = _C.tensordot(a, b, dims)
    if out is not None:
        out.copy_(r)
        return out
    return r


def as_tensor(data, dtype=None, device=None):
    """data as a tensor, sharing memory where it can (as PyTorch's as_tensor): a tensor is returned as is
    or converted with .to(); a numpy array is wrapped without a copy when its dtype and the device fit;
    anything else (lists, numbers) is copied, as ember.tensor does."""
    if isinstance(data, Tensor):
        if dtype is None and device is None:
            return data
        return data.to(device=device, dtype=dtype)
    try:
        import numpy as _np
    except ImportError:  # pragma: no cover
        _np = None
    if _np is not None and isinstance(data, _np.ndarray):
        t = from_numpy(data)  # noqa: F821
        if dtype is None and device is None:
            return t
        return t.to(device=device, dtype=dtype)
    return tensor(data, dtype=dtype, device=device)


def get_default_dtype():
    """The dtype that floating-point factories and Python floats default to (float32 at start)."""
    return _C._get_default_dtype()


def set_default_dtype(d):
    """Sets the default floating-point dtype (float32, float64, float16 or bfloat16)."""
    _C._set_default_dtype(d)


def promote_types(type1, type2):
    """The dtype PyTorch's promotion rules give for an op between type1 and type2."""
    return _C._promote_types(type1, type2)


def can_cast(from_, to):
    """Whether a result of dtype from_ may be written into a tensor of dtype to (no category demotion)."""
    return _C._can_cast(from_, to)


def result_type(tensor1, tensor2):
    """The dtype an op between tensor1 and tensor2 (tensors or Python numbers) produces."""
    return _C._result_type(tensor1, tensor2)


def is_floating_point(input):  # noqa: A002
    """Whether input's dtype is a floating-point dtype."""
    return input.is_floating_point()


def numel(input):  # noqa: A002
    """Number of elements of input."""
    return input.numel()


def is_tensor(obj):
    """Whether obj is an ember.Tensor."""
    return isinstance(obj, Tensor)


from ember import nn  # noqa: E402,F401  (after the ops: nn's modules call them)
from ember import optim  # noqa: E402,F401  (after the core: the optimizers call its ops)
from ember.serialization import load, save  # noqa: E402,F401  (after nn and optim: save names them)
from ember import jit  # noqa: E402,F401  (after nn: tracing wraps modules)
