"""Dropout over the schema ops (dropout, feature_dropout); the mask comes from ember's Philox generator."""
from ember import _C

__all__ = ["dropout", "dropout1d", "dropout2d"]


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _inplace(input, result, inplace):
    if not inplace:
        return result
    return input.copy_(result)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability p and scales the rest by 1 / (1 - p) when training."""
    _check_p(p)
    return _inplace(input, _C.dropout(input, p, training), inplace and training)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L)."""
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    x = input.unsqueeze(0) if input.dim() == 2 else input
    r = _C.feature_dropout(x, p, training)
    r = r.squeeze(0) if input.dim() == 2 else r
    return _inplace(input, r, inplace and training)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W)."""
    _check_p(p)
    if input.dim() not in (3, 4):
        import warnings
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release.")
    x = input.unsqueeze(0) if input.dim() == 3 else input
    r = _C.feature_dropout(x, p, training)
    r = r.squeeze(0) if input.dim() == 3 else r
    return _inplace(input, r, inplace and training)
