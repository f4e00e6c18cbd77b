"""ember: a C++-first deep-learning library with PyTorch's Python API (rename `torch` to `ember`)."""
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
from ember._tensor import chunk, split, unbind  # noqa: F401
from ember import autograd, cuda, utils  # noqa: F401
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


def get_default_dtype():
    """The dtype that floating-point factories and Python floats default to (float32 at start)."""
    return _C._get_default_dtype()


def set_default_dtype(d):
    """Sets the default floating-point dtype (float32, float64, float16 or bfloat16)."""
    _C._set_default_dtype(d)


def promote_types(type1, type2):
    """The dtype PyTorch's promotion rules give for an op between type1 and type2."""
    return _C._promote_types(type1, type2)


def is_tensor(obj):
    """Whether obj is an ember.Tensor."""
    return isinstance(obj, Tensor)
