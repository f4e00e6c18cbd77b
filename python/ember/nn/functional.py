"""ember.nn.functional: the stateless forms of the layers (PyTorch's torch.nn.functional).

Linear and the activations here call schema ops; the other layers' functions (convolution, pooling,
normalization, dropout, losses, relu6 / leaky_relu / elu / softplus / hardtanh, ...) come from
ember.nn._functional, one file per area, each over its schema ops.
"""
import warnings

import ember

__all__ = [
    "linear", "bilinear", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "gelu", "silu",
    "tanh", "sigmoid", "softmax", "log_softmax", "softplus", "hardtanh", "hardtanh_",
]


def linear(input, weight, bias=None):  # noqa: A002
    """y = input @ weight.T + bias; input (*, in_features), weight (out_features, in_features), bias
    (out_features). With a bias, a 2-D (or contiguous N-D) input is one addmm: a GEMM with the bias
    as its C matrix."""
    if bias is not None:
        if input.dim() == 2:
            return ember.addmm(bias, input, weight.t())
        if input.dim() > 2 and input.is_contiguous():
            # (*, K) as one (M, K) GEMM with the bias fused, then back to (*, N)
            out = ember.addmm(bias, input.reshape(-1, input.shape[-1]), weight.t())
            return out.reshape(*input.shape[:-1], out.shape[-1])
    out = input.matmul(weight.t())
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b: input1 (*, in1), input2 (*, in2), weight (out, in1, in2), bias (out)."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    if weight.dim() != 3 or weight.shape[1] != input1.shape[-1] or weight.shape[2] != input2.shape[-1]:
        raise RuntimeError(f"bilinear(): weight of shape {list(weight.shape)} does not fit inputs of sizes "
                           f"{input1.shape[-1]} and {input2.shape[-1]} (expected [out, {input1.shape[-1]}, "
                           f"{input2.shape[-1]}])")
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    # (N, in1) @ (in1, out*in2) -> (N, out, in2), then contract in2 with x2
    t = x1.matmul(weight.permute(1, 0, 2).reshape(weight.shape[1], -1)).reshape(x1.shape[0], weight.shape[0], -1)
    out = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, weight.shape[0])


def _inplace(fn, input, *args):
    # In-place forms of compositions: compute from a copy (the composition's saved tensors must not be
    # the input we overwrite), then write the result into input.
    return input.copy_(fn(input.clone(), *args))


def relu(input, inplace=False):  # noqa: A002
    """max(x, 0) elementwise."""
    return input.relu_() if inplace else ember.relu(input)


def relu_(input):  # noqa: A002
    """relu in place."""
    return input.relu_()


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """hardtanh in place."""
    return hardtanh(input, min_val, max_val, inplace=True)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    """leaky_relu in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu_(input, alpha=1.0):  # noqa: A002
    """elu in place."""
    return elu(input, alpha, inplace=True)


def gelu(input, approximate="none"):  # noqa: A002
    """x * Phi(x); approximate='tanh' uses the tanh form."""
    return ember.gelu(input, approximate=approximate)


def silu(input, inplace=False):  # noqa: A002
    """x * sigmoid(x)."""
    if inplace:
        return _inplace(ember.silu, input)
    return ember.silu(input)


def tanh(input):  # noqa: A002
    """tanh elementwise."""
    return ember.tanh(input)


def sigmoid(input):  # noqa: A002
    """1 / (1 + exp(-x)) elementwise."""
    return ember.sigmoid(input)


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """exp(x) / sum(exp(x)) along dim (computed in dtype when given)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return ember.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """log(softmax(x)) along dim, computed stably."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return ember.log_softmax(input, dim, dtype=dtype)


from ._functional.activation import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.misc import *  # noqa: F401,F403
from ._functional.norm import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
from ._functional import activation as _a, conv as _c, dropout as _d, loss as _l, misc as _m, norm as _n, pooling as _p

__all__ = sorted(set(__all__) | {n for mod in (_a, _c, _d, _l, _m, _n, _p) for n in mod.__all__})
