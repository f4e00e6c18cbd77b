// ember::optim::SGD (include/ember/optim/sgd.h): one _fused_sgd_ call per group (two on a group whose params
// partly lack a momentum buffer: those start it from their gradient).
#include "ember/optim/sgd.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::optim {

SGDOptions::SGDOptions(double lr) : lr_(lr) {}

SGD::SGD(const std::vector<OptimizerParamGroup>& param_groups, SGDOptions defaults)
    : Optimizer(param_groups, std::make_unique<SGDOptions>(defaults)) {
  EMBER_CHECK_VALUE(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
  EMBER_CHECK_VALUE(defaults.momentum() >= 0, "Invalid momentum value: ", defaults.momentum());
  EMBER_CHECK_VALUE(defaults.weight_decay() >= 0, "Invalid weight_decay value: ", defaults.weight_decay());
  EMBER_CHECK_VALUE(!defaults.nesterov() || (defaults.momentum() > 0 && defaults.dampening() == 0),
                    "Nesterov momentum requires a momentum and zero dampening");
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = closure_loss(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const SGDOptions&>(group.options());
    std::vector<Tensor> params = params_with_grad(group);
    if (params.empty()) continue;
    auto run = [&](const std::vector<Tensor>& ps, const std::vector<Tensor>& bufs, bool first) {
      std::vector<Tensor> grads;
      for (const Tensor& p : ps) grads.push_back(p.grad());
      _fused_sgd_(ps, grads, bufs, o.weight_decay(), o.momentum(), o.lr(), o.dampening(), o.nesterov(), o.maximize(),
                  first);
    };
    if (o.momentum() == 0) {
      run(params, {}, false);
      continue;
    }
    std::vector<Tensor> old_ps, old_bufs, new_ps, new_bufs;
    for (const Tensor& p : params) {
      auto& st = state_of<SGDParamState>(p, [] { return std::make_unique<SGDParamState>(); });
      if (st.momentum_buffer().defined()) {
        old_ps.push_back(p);
        old_bufs.push_back(st.momentum_buffer());
      } else {
        new_ps.push_back(p);
        new_bufs.push_back(empty_like(p.grad()));
        st.momentum_buffer(new_bufs.back());
      }
    }
    if (!old_ps.empty()) run(old_ps, old_bufs, false);
    if (!new_ps.empty()) run(new_ps, new_bufs, true);
  }
  return loss;
}

}  // namespace ember::optim
