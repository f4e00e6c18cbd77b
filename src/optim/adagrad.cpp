// ember::optim::Adagrad (include/ember/optim/adagrad.h): state made at construction (as libtorch's), then
// one _fused_adagrad_ call per group and step.
#include "ember/optim/adagrad.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::optim {

AdagradOptions::AdagradOptions(double lr) : lr_(lr) {}

namespace {
std::unique_ptr<AdagradParamState> fresh_state(const Tensor& p, double init) {
  NoGradGuard no_grad;
  auto st = std::make_unique<AdagradParamState>();
  st->step(zeros({}, TensorOptions(kFloat32).device(p.device())));
  st->sum(full_like(p, init));
  return st;
}
}  // namespace

Adagrad::Adagrad(const std::vector<OptimizerParamGroup>& param_groups, AdagradOptions defaults)
    : Optimizer(param_groups, std::make_unique<AdagradOptions>(defaults)) {
  EMBER_CHECK_VALUE(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
  EMBER_CHECK_VALUE(defaults.lr_decay() >= 0, "Invalid lr_decay value: ", defaults.lr_decay());
  EMBER_CHECK_VALUE(defaults.weight_decay() >= 0, "Invalid weight_decay value: ", defaults.weight_decay());
  EMBER_CHECK_VALUE(defaults.initial_accumulator_value() >= 0, "Invalid initial_accumulator_value value: ",
                    defaults.initial_accumulator_value());
  EMBER_CHECK_VALUE(defaults.eps() >= 0, "Invalid epsilon value: ", defaults.eps());
  for (auto& group : param_groups_) {
    double init = static_cast<const AdagradOptions&>(group.options()).initial_accumulator_value();
    for (const Tensor& p : group.params())
      state_of<AdagradParamState>(p, [&] { return fresh_state(p, init); });
  }
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = closure_loss(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdagradOptions&>(group.options());
    std::vector<Tensor> params, grads, sums, steps;
    for (const Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& st = state_of<AdagradParamState>(p, [&] { return fresh_state(p, o.initial_accumulator_value()); });
      params.push_back(p);
      grads.push_back(p.grad());
      sums.push_back(st.sum());
      steps.push_back(st.step());
    }
    if (params.empty()) continue;
    _foreach_add_(steps, 1);
    _fused_adagrad_(params, grads, sums, steps, o.lr(), o.lr_decay(), o.weight_decay(), o.eps(), o.maximize());
  }
  return loss;
}

}  // namespace ember::optim
