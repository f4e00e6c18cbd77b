"""Normalization with PyTorch's signatures over the schema ops (batch_norm, layer_norm, group_norm)
and F.normalize (a composite of norm and division)."""
from ember import _C

__all__ = ["batch_norm", "layer_norm", "group_norm", "normalize"]


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch norm over (N, C, *); in training the running stats (when given) are updated in place."""
    return _C.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer norm over the trailing normalized_shape dims."""
    if isinstance(normalized_shape, int):
        normalized_shape = [normalized_shape]
    return _C.layer_norm(input, list(normalized_shape), weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group norm of (N, C, *) over num_groups groups of channels."""
    return _C.group_norm(input, num_groups, weight, bias, eps)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    if out is None:
        return input / denom
    return _C.div(input, denom, out=out)
