"""Activations with PyTorch's signatures over the schema ops (the ones ember.nn.functional's base module
does not define already: relu6, leaky_relu, elu, softplus, hardtanh)."""
from ember import _C

__all__ = ["relu6", "leaky_relu", "elu", "softplus", "hardtanh"]


def _inplace(input, result, inplace):
    return input.copy_(result) if inplace else result


def relu6(input, inplace=False):
    """min(max(input, 0), 6)."""
    return _inplace(input, _C.relu6(input), inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where positive, else negative_slope * input."""
    return _inplace(input, _C.leaky_relu(input, negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    """input where positive, else alpha * (exp(input) - 1)."""
    return _inplace(input, _C.elu(input, alpha), inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * input)) / beta, linear above threshold."""
    return _C.softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clamped to [min_val, max_val]."""
    return _inplace(input, _C.hardtanh(input, min_val, max_val), inplace)
