"""Adagrad (lr_decay, weight decay, initial_accumulator_value, maximize), as torch.optim.Adagrad. One fused
op call (ember._fused_adagrad_) updates a whole param group."""
import ember

from .optimizer import Optimizer, _closure_loss, _new_step

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, PyTorch's arguments and defaults; its state is made at construction, as PyTorch's."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _new_step(p)
            state["sum"] = ember.full_like(p, float(group["initial_accumulator_value"]))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Performs one step over every param group; returns closure()'s loss when given."""
        loss = _closure_loss(closure)
        with ember.no_grad():
            for group in self.param_groups:
                params = self._params_with_grad(group)
                if not params:
                    continue
                for p in params:
                    self._init_state(p, group)  # params added by add_param_group after construction
                states = [self.state[p] for p in params]
                steps = [s["step"] for s in states]
                ember._foreach_add_(steps, 1)
                ember._fused_adagrad_(params, [p.grad for p in params], [s["sum"] for s in states], steps,
                                      lr=float(group["lr"]), lr_decay=float(group["lr_decay"]),
                                      weight_decay=float(group["weight_decay"]), eps=float(group["eps"]),
                                      maximize=bool(group["maximize"]))
        return loss
