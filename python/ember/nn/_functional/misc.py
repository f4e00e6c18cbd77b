"""Embedding, one_hot, pad and interpolate with PyTorch's signatures over the schema ops."""
import math

from ember import _C

__all__ = ["embedding", "one_hot", "pad", "interpolate"]


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows of weight at the indices input; padding_idx's row gets no gradient."""
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        raise NotImplementedError("embedding: max_norm is not implemented in ember")
    return _C.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding of class indices."""
    return _C.one_hot(tensor, num_classes)


def pad(input, pad, mode="constant", value=None):
    """Pads the trailing dims: pad = (left, right) pairs, last dim first; mode constant, reflect,
    replicate or circular."""
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: unsupported padding mode '{mode}'")
    return _C.pad(input, list(pad), mode, value)


def _pair(v, n, name):
    if isinstance(v, (list, tuple)):
        if len(v) != n:
            raise ValueError(f"Input and {name} must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {n} and {name} of length {len(v)}.")
        return list(v)
    return [v] * n


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Resizes (N, C, H, W) input by size or scale_factor (modes nearest and bilinear)."""
    if input.dim() != 4:
        raise NotImplementedError(f"interpolate: ember supports 4-D inputs (N, C, H, W), got {input.dim()}-D")
    if mode not in ("nearest", "bilinear"):
        raise NotImplementedError(f"interpolate: mode '{mode}' is not implemented in ember (nearest, bilinear)")
    if antialias:
        raise NotImplementedError("interpolate: antialias is not implemented in ember")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = [input.shape[2], input.shape[3]]
    scales = [None, None]
    if size is not None:
        out = [int(s) for s in _pair(size, 2, "output size")]
    else:
        factors = [float(s) for s in _pair(scale_factor, 2, "scale_factor")]
        out = [int(math.floor(n * f)) for n, f in zip(spatial, factors)]
        if not recompute_scale_factor:
            scales = factors
    if mode == "nearest":
        return _C.upsample_nearest2d(input, out, scales[0], scales[1])
    return _C.upsample_bilinear2d(input, out, bool(align_corners), scales[0], scales[1])
