// ember::optim::SGD, as torch::optim::SGD: momentum, dampening, Nesterov, weight decay (and maximize).
#pragma once
#include "ember/optim/optimizer.h"

namespace ember::optim {

/// SGD's options; lr has no default, as in libtorch: SGDOptions(0.1).momentum(0.9).nesterov(true).
struct EMBER_API SGDOptions : public OptimizerCloneableOptions<SGDOptions> {
  SGDOptions(double lr);  // NOLINT: implicit, as in libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(double, dampening) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, nesterov) = false;
  EMBER_ARG(bool, maximize) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(double lr) override { this->lr(lr); }
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// SGD's per-param state: the momentum buffer (undefined until the first step with momentum).
struct EMBER_API SGDParamState : public OptimizerCloneableParamState<SGDParamState> {
  EMBER_ARG(Tensor, momentum_buffer);
 public:
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// Stochastic gradient descent; one fused op call (ember::_fused_sgd_) per param group and step.
class EMBER_API SGD : public Optimizer {
 public:
  explicit SGD(const std::vector<OptimizerParamGroup>& param_groups, SGDOptions defaults);
  explicit SGD(std::vector<Tensor> params, SGDOptions defaults)
      : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace ember::optim
