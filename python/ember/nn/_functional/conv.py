"""Convolutions: thin names over the schema ops (aten::conv1d, conv2d, conv_transpose1d/2d).

padding may be an int, a tuple, or the strings "valid" / "same" (conv1d / conv2d), as in PyTorch."""
from ember import _C

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C_in, L) or (C_in, L) with weight (C_out, C_in / groups, k)."""
    return _C.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in / groups, kH, kW)."""
    return _C.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution with weight (C_in, C_out / groups, k)."""
    return _C.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution with weight (C_in, C_out / groups, kH, kW)."""
    return _C.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)
