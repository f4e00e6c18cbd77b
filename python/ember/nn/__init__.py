"""ember.nn: modules, parameters, functional, init and utils (PyTorch's torch.nn API)."""
from ember.nn.parameter import Buffer, Parameter  # noqa: F401
from ember.nn import functional, init  # noqa: F401
from ember.nn.modules import *  # noqa: F401,F403
from ember.nn.modules import Module  # noqa: F401
from ember.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook  # noqa: F401
from ember.nn import utils  # noqa: F401
