"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_."""
import ember

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _tensor_list(tensors):
    if isinstance(tensors, ember.Tensor):
        return [tensors]
    return list(tensors)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm_type-norm of all tensors together (as if concatenated into one vector); inf is the
    largest absolute value. A 0-d tensor (0.0 for no tensors)."""
    tensors = [t for t in _tensor_list(tensors) if t is not None]
    if not tensors:
        return ember.tensor(0.0)
    norm_type = float(norm_type)
    norms = [ember.norm(t, norm_type) for t in tensors]
    dtype = norms[0].dtype
    for n in norms[1:]:
        dtype = ember.promote_types(dtype, n.dtype)
    first_device = tensors[0].device
    total = ember.norm(ember.stack([n.to(device=first_device, dtype=dtype) for n in norms]), norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scales the gradients of parameters in place by min(1, max_norm / (total_norm + 1e-6))."""
    grads = [p.grad for p in _tensor_list(parameters) if p.grad is not None]
    if not grads:
        return
    coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
    with ember.no_grad():
        if foreach is None or foreach:
            by_device = {}
            for g in grads:
                by_device.setdefault((g.device.type, g.dtype), []).append(g)
            c = float(coef)
            for group in by_device.values():
                ember._foreach_mul_(group, c)
        else:
            for g in grads:
                g.mul_(coef.to(device=g.device, dtype=g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scales the gradients of parameters (a tensor or an iterable) in place so that their total
    norm_type-norm is at most max_norm; returns the total norm before clipping (a 0-d tensor).
    error_if_nonfinite=True raises when that norm is NaN or infinite."""
    parameters = _tensor_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient of parameters in place into [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    with ember.no_grad():
        for p in _tensor_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
