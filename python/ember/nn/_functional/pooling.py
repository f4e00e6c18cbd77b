"""Pooling with PyTorch's signatures (stride=None means the kernel size) over the schema ops."""
from ember import _C

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d"]


def _stride(stride):
    return [] if stride is None else stride


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling; with return_indices, also the index of each maximum."""
    if return_indices:
        return _C.max_pool1d_with_indices(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return _C.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling; with return_indices, also the flat index (h * W + w) of each maximum."""
    if return_indices:
        return _C.max_pool2d_with_indices(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return _C.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling."""
    return _C.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling."""
    return _C.avg_pool2d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad,
                         divisor_override)


def _output_size(output_size, input, n):
    if isinstance(output_size, int):
        return [output_size] * n
    sizes = list(output_size)
    if len(sizes) != n:
        raise ValueError(f"adaptive_avg_pool{n}d: output_size must be {n}")
    return [input.shape[input.dim() - n + i] if s is None else s for i, s in enumerate(sizes)]


def adaptive_avg_pool1d(input, output_size):
    """1-D average pooling to output_size windows."""
    return _C.adaptive_avg_pool1d(input, _output_size(output_size, input, 1))


def adaptive_avg_pool2d(input, output_size):
    """2-D average pooling to output_size windows (None keeps that input size)."""
    return _C.adaptive_avg_pool2d(input, _output_size(output_size, input, 2))
