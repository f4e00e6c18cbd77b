"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize, as torch.optim.SGD.
One fused op call (ember._fused_sgd_) updates a whole param group."""
import ember

from .optimizer import Optimizer, _closure_loss

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), PyTorch's arguments and defaults."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Performs one step over every param group; returns closure()'s loss when given."""
        loss = _closure_loss(closure)
        with ember.no_grad():
            for group in self.param_groups:
                params = self._params_with_grad(group)
                if not params:
                    continue
                kw = dict(weight_decay=float(group["weight_decay"]), momentum=float(group["momentum"]),
                          lr=float(group["lr"]), dampening=float(group["dampening"]), nesterov=bool(group["nesterov"]),
                          maximize=bool(group["maximize"]))
                if group["momentum"] == 0:
                    ember._fused_sgd_(params, [p.grad for p in params], [], is_first_step=False, **kw)
                    continue
                # Params with a buffer update it; the others (first step) start it from their gradient.
                old = [p for p in params if self.state[p].get("momentum_buffer") is not None]
                new = [p for p in params if self.state[p].get("momentum_buffer") is None]
                if old:
                    ember._fused_sgd_(old, [p.grad for p in old], [self.state[p]["momentum_buffer"] for p in old],
                                      is_first_step=False, **kw)
                if new:
                    bufs = [ember.empty_like(p.grad) for p in new]
                    ember._fused_sgd_(new, [p.grad for p in new], bufs, is_first_step=True, **kw)
                    for p, b in zip(new, bufs):
                        self.state[p]["momentum_buffer"] = b
        return loss
