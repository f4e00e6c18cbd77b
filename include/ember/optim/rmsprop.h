// ember::optim::RMSprop, as torch::optim::RMSprop: alpha, eps, weight decay, momentum, centered (and maximize).
#pragma once
#include "ember/optim/optimizer.h"

namespace ember::optim {

/// RMSprop's options: RMSpropOptions(1e-2).alpha(0.9).centered(true).
struct EMBER_API RMSpropOptions : public OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2);  // NOLINT: implicit, as in libtorch
  EMBER_ARG(double, lr) = 1e-2;
  EMBER_ARG(double, alpha) = 0.99;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(bool, centered) = false;
  EMBER_ARG(bool, maximize) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(double lr) override { this->lr(lr); }
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// RMSprop's per-param state (step: a 0-d float32 tensor; momentum_buffer / grad_avg when used).
struct EMBER_API RMSpropParamState : public OptimizerCloneableParamState<RMSpropParamState> {
  EMBER_ARG(Tensor, step);
  EMBER_ARG(Tensor, square_avg);
  EMBER_ARG(Tensor, momentum_buffer);
  EMBER_ARG(Tensor, grad_avg);
 public:
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// RMSprop; one fused op call (ember::_fused_rmsprop_) per param group and step.
class EMBER_API RMSprop : public Optimizer {
 public:
  explicit RMSprop(const std::vector<OptimizerParamGroup>& param_groups, RMSpropOptions defaults = {});
  explicit RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {})
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace ember::optim
