"""ember.optim, as torch.optim: the Optimizer base, SGD, Adam, AdamW, RMSprop, Adagrad, and lr_scheduler.
Each optimizer's step is one fused C++ op per param group (docs/optim.md)."""
from . import lr_scheduler  # noqa: F401
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer, register_optimizer_step_post_hook, register_optimizer_step_pre_hook  # noqa: F401
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
