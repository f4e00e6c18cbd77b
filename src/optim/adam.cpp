// ember::optim::Adam and AdamW (include/ember/optim/adam.h, adamw.h): one _fused_adam_ / _fused_adamw_ call
// per group and step, after the group's step counters are incremented (_foreach_add_).
#include "ember/optim/adam.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/optim/adamw.h"
#include "ember/util/error.h"

namespace ember::optim {

AdamOptions::AdamOptions(double lr) : lr_(lr) {}
AdamWOptions::AdamWOptions(double lr) : lr_(lr) {}

namespace {

template <class Options>
void check_adam(const Options& o) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  EMBER_CHECK_VALUE(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  auto [b1, b2] = o.betas();
  EMBER_CHECK_VALUE(0 <= b1 && b1 < 1, "Invalid beta parameter at index 0: ", b1);
  EMBER_CHECK_VALUE(0 <= b2 && b2 < 1, "Invalid beta parameter at index 1: ", b2);
  EMBER_CHECK_VALUE(o.weight_decay() >= 0, "Invalid weight_decay value: ", o.weight_decay());
}

/// One step of Adam (Decoupled: AdamW) over every group; State is the optimizer's param state type.
template <class Options, class State, bool Decoupled, class StateOf>
void adam_step(std::vector<OptimizerParamGroup>& groups, const StateOf& state_of) {
  for (auto& group : groups) {
    const auto& o = static_cast<const Options&>(group.options());
    std::vector<Tensor> params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps;
    for (const Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      State& st = state_of(p);
      if (!st.step().defined()) {
        st.step(zeros({}, TensorOptions(kFloat32).device(p.device())));
        st.exp_avg(zeros_like(p));
        st.exp_avg_sq(zeros_like(p));
      }
      if (o.amsgrad() && !st.max_exp_avg_sq().defined()) st.max_exp_avg_sq(zeros_like(p));
      params.push_back(p);
      grads.push_back(p.grad());
      exp_avgs.push_back(st.exp_avg());
      exp_avg_sqs.push_back(st.exp_avg_sq());
      if (o.amsgrad()) max_sqs.push_back(st.max_exp_avg_sq());
      steps.push_back(st.step());
    }
    if (params.empty()) continue;
    _foreach_add_(steps, 1);
    auto [b1, b2] = o.betas();
    if (Decoupled)
      _fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps, o.lr(), b1, b2, o.weight_decay(), o.eps(),
                    o.amsgrad(), o.maximize());
    else
      _fused_adam_(params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps, o.lr(), b1, b2, o.weight_decay(), o.eps(),
                   o.amsgrad(), o.maximize());
  }
}

}  // namespace

Adam::Adam(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults)
    : Optimizer(param_groups, std::make_unique<AdamOptions>(defaults)) {
  check_adam(defaults);
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = closure_loss(closure);
  NoGradGuard no_grad;
  adam_step<AdamOptions, AdamParamState, false>(param_groups_, [this](const Tensor& p) -> AdamParamState& {
    return state_of<AdamParamState>(p, [] { return std::make_unique<AdamParamState>(); });
  });
  return loss;
}

AdamW::AdamW(const std::vector<OptimizerParamGroup>& param_groups, AdamWOptions defaults)
    : Optimizer(param_groups, std::make_unique<AdamWOptions>(defaults)) {
  check_adam(defaults);
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = closure_loss(closure);
  NoGradGuard no_grad;
  adam_step<AdamWOptions, AdamWParamState, true>(param_groups_, [this](const Tensor& p) -> AdamWParamState& {
    return state_of<AdamWParamState>(p, [] { return std::make_unique<AdamWParamState>(); });
  });
  return loss;
}

}  // namespace ember::optim
