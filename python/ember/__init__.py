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
from ember._tensor import chunk, clamp, clip, nonzero, repeat_interleave, searchsorted, split, unbind, unique  # noqa: F401
from ember import return_types  # noqa: F401
from ember._reductions import (  # noqa: F401,A004
    cummax, cummin, kthvalue, max, median, min, norm, std, std_mean, var, var_mean)
from ember import autograd, cuda, testing, utils  # noqa: F401
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
        if not name.startswith("_") and name not in g:
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


def randint(*args, **kwargs):
    """randint(high, size) or randint(low, high, size): integers drawn uniformly from [low, high)."""
    if "low" not in kwargs and len(args) + ("high" in kwargs) + ("size" in kwargs) == 2:
        args = (0,) + args
    return _C.randint(*args, **kwargs)


def einsum(equation, *operands):
    """einsum("ij,jk->ik", a, b): Einstein summation (operands may also be given as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return _C.einsum(equation, operands)


def tensordot(a, b, dims=2):
    """Contracts the last `dims` dims of a with the first of b, or the dims listed in dims=(da, db)."""
    if isinstance(dims, _builtins.int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da = list(range(a.dim() - dims, a.dim()))
        db = list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, _builtins.int) else list(da)
        db = [db] if isinstance(db, _builtins.int) else list(db)
    return _C.tensordot(a, b, da, db)


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors (views: expanded, no copies); indexing "ij" (matrix) or "xy"
    (Cartesian: the first two outputs' dims swapped, as numpy.meshgrid)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be one of 'xy' or 'ij', got {indexing!r}")
    ts = list(tensors)
    for t in ts:
        if t.dim() > 1:
            raise RuntimeError(f"meshgrid expects all tensors to have 0 or 1 dimensions, got {t.dim()}")
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = [t.numel() for t in ts]
    n = len(ts)
    out = [t.reshape([-1 if j == i else 1 for j in range(n)]).expand(shape) for i, t in enumerate(ts)]
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):  # noqa: A002
    """randint_like(input, high) or randint_like(input, low, high): integers in [low, high), input's shape."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad)


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
