"""Adam (amsgrad, weight decay, maximize, decoupled_weight_decay), as torch.optim.Adam. One fused op call
(ember._fused_adam_, or _fused_adamw_ for decoupled weight decay) updates a whole param group."""
import ember

from .optimizer import Optimizer, _closure_loss, _new_step

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam, PyTorch's arguments and defaults; decoupled_weight_decay=True is AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if capturable:
            raise NotImplementedError("Adam: capturable=True is not implemented (ember has no CUDA graphs)")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("decoupled_weight_decay", False)

    def step(self, closure=None):
        """Performs one step over every param group; returns closure()'s loss when given."""
        loss = _closure_loss(closure)
        with ember.no_grad():
            for group in self.param_groups:
                params = self._params_with_grad(group)
                if not params:
                    continue
                amsgrad = bool(group["amsgrad"])
                for p in params:
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _new_step(p)
                        state["exp_avg"] = ember.zeros_like(p)
                        state["exp_avg_sq"] = ember.zeros_like(p)
                        if amsgrad:
                            state["max_exp_avg_sq"] = ember.zeros_like(p)
                    elif amsgrad and "max_exp_avg_sq" not in state:
                        state["max_exp_avg_sq"] = ember.zeros_like(p)
                states = [self.state[p] for p in params]
                steps = [s["step"] for s in states]
                ember._foreach_add_(steps, 1)
                beta1, beta2 = group["betas"]
                fused = ember._fused_adamw_ if group["decoupled_weight_decay"] else ember._fused_adam_
                fused(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                      [s["exp_avg_sq"] for s in states], [s["max_exp_avg_sq"] for s in states] if amsgrad else [],
                      steps, lr=float(group["lr"]), beta1=float(beta1), beta2=float(beta2),
                      weight_decay=float(group["weight_decay"]), eps=float(group["eps"]), amsgrad=amsgrad,
                      maximize=bool(group["maximize"]))
        return loss
