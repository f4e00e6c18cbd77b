"""Base classes of the loss modules (the losses themselves are thin subclasses calling
nn.functional, as in PyTorch: `class MSELoss(_Loss): forward -> F.mse_loss(input, target,
reduction=self.reduction)`)."""
from ember.nn.modules.module import Module

__all__ = ["_Loss", "_WeightedLoss"]

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_get_string(size_average, reduce):
    # PyTorch's deprecated size_average / reduce arguments mapped onto reduction.
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    if reduce:
        return "sum"
    return "none"


class _Loss(Module):
    """A loss with a `reduction` ('none' | 'mean' | 'sum')."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_get_string(size_average, reduce)
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{reduction} is not a valid value for reduction")
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class `weight` buffer (None or a 1-D tensor)."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
