"""Activations with PyTorch's signatures over the schema ops (the ones ember.nn.functional's base module
does not define already: relu6, leaky_relu, elu, softplus, hardtanh)."""
from ember import _C

__all__ = ["relu6", "leaky_relu", "elu", "softplus", "hardtanh"]


def _apply(op, input, inplace, *args):
    # In place: compute from a copy (the op's saved tensors must not be the input overwritten next),
    # then write the result into input, so autograd records the copy (CopyBackward0) after the op.
    if inplace:
        return input.copy_(op(input.clone(), *args))
    return op(input, *args)


def relu6(input, inplace=False):  # noqa: A002
    """min(max(input, 0), 6); the gradient is 1 strictly inside (0, 6), as PyTorch's."""
    return _apply(_C.relu6, input, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """input where positive, else negative_slope * input."""
    return _apply(_C.leaky_relu, input, inplace, negative_slope)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """input where positive, else alpha * (exp(input) - 1)."""
    return _apply(_C.elu, input, inplace, alpha)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta * input)) / beta, linear above threshold."""
    return _C.softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """input clamped to [min_val, max_val]; the gradient is 1 strictly inside the interval."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply(_C.hardtanh, input, inplace, min_val, max_val)
