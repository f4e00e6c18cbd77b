// ember::optim::RMSprop (include/ember/optim/rmsprop.h): one _fused_rmsprop_ call per group and step.
#include "ember/optim/rmsprop.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::optim {

RMSpropOptions::RMSpropOptions(double lr) : lr_(lr) {}

RMSprop::RMSprop(const std::vector<OptimizerParamGroup>& param_groups, RMSpropOptions defaults)
    : Optimizer(param_groups, std::make_unique<RMSpropOptions>(defaults)) {
  EMBER_CHECK_VALUE(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
  EMBER_CHECK_VALUE(defaults.eps() >= 0, "Invalid epsilon value: ", defaults.eps());
  EMBER_CHECK_VALUE(defaults.momentum() >= 0, "Invalid momentum value: ", defaults.momentum());
  EMBER_CHECK_VALUE(defaults.weight_decay() >= 0, "Invalid weight_decay value: ", defaults.weight_decay());
  EMBER_CHECK_VALUE(defaults.alpha() >= 0, "Invalid alpha value: ", defaults.alpha());
}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = closure_loss(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const RMSpropOptions&>(group.options());
    std::vector<Tensor> params, grads, square_avgs, grad_avgs, bufs, steps;
    for (const Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& st = state_of<RMSpropParamState>(p, [] { return std::make_unique<RMSpropParamState>(); });
      if (!st.step().defined()) {
        st.step(zeros({}, TensorOptions(kFloat32).device(p.device())));
        st.square_avg(zeros_like(p));
      }
      if (o.momentum() > 0 && !st.momentum_buffer().defined()) st.momentum_buffer(zeros_like(p));
      if (o.centered() && !st.grad_avg().defined()) st.grad_avg(zeros_like(p));
      params.push_back(p);
      grads.push_back(p.grad());
      square_avgs.push_back(st.square_avg());
      if (o.centered()) grad_avgs.push_back(st.grad_avg());
      if (o.momentum() > 0) bufs.push_back(st.momentum_buffer());
      steps.push_back(st.step());
    }
    if (params.empty()) continue;
    _foreach_add_(steps, 1);
    _fused_rmsprop_(params, grads, square_avgs, grad_avgs, bufs, steps, o.lr(), o.alpha(), o.eps(), o.weight_decay(),
                    o.momentum(), o.centered(), o.maximize());
  }
  return loss;
}

}  // namespace ember::optim
