"""parameters_to_vector and vector_to_parameters."""
import ember

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old_param_device):
    if old_param_device is None:
        return param.device
    if param.device != old_param_device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return old_param_device


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (a copy)."""
    param_device = None
    vec = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        vec.append(param.reshape(-1))
    return ember.cat(vec)


def vector_to_parameters(vec, parameters):
    """Makes each parameter's data the next slice of vec, reshaped (the parameters then share vec's
    memory, as in PyTorch)."""
    if not isinstance(vec, ember.Tensor):
        from ember.nn.modules.module import _typename
        raise TypeError(f"expected ember.Tensor, but got: {_typename(vec)}")
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
