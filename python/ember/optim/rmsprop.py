"""RMSprop (alpha, eps, centered, momentum, weight decay, maximize), as torch.optim.RMSprop. One fused op
call (ember._fused_rmsprop_) updates a whole param group."""
import ember

from .optimizer import Optimizer, _closure_loss, _new_step

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, PyTorch's arguments and defaults."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        if capturable:
            raise NotImplementedError("RMSprop: capturable=True is not implemented (ember has no CUDA graphs)")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Performs one step over every param group; returns closure()'s loss when given."""
        loss = _closure_loss(closure)
        with ember.no_grad():
            for group in self.param_groups:
                params = self._params_with_grad(group)
                if not params:
                    continue
                momentum, centered = float(group["momentum"]), bool(group["centered"])
                for p in params:
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _new_step(p)
                        state["square_avg"] = ember.zeros_like(p)
                        if momentum > 0:
                            state["momentum_buffer"] = ember.zeros_like(p)
                        if centered:
                            state["grad_avg"] = ember.zeros_like(p)
                    if momentum > 0 and "momentum_buffer" not in state:
                        state["momentum_buffer"] = ember.zeros_like(p)
                    if centered and "grad_avg" not in state:
                        state["grad_avg"] = ember.zeros_like(p)
                states = [self.state[p] for p in params]
                steps = [s["step"] for s in states]
                ember._foreach_add_(steps, 1)
                ember._fused_rmsprop_(
                    params, [p.grad for p in params], [s["square_avg"] for s in states],
                    [s["grad_avg"] for s in states] if centered else [],
                    [s["momentum_buffer"] for s in states] if momentum > 0 else [], steps,
                    lr=float(group["lr"]), alpha=float(group["alpha"]), eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]), momentum=momentum, centered=centered,
                    maximize=bool(group["maximize"]))
        return loss
