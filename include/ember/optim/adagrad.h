// ember::optim::Adagrad, as torch::optim::Adagrad: lr_decay, weight decay, initial accumulator (and maximize).
#pragma once
#include "ember/optim/optimizer.h"

namespace ember::optim {

/// Adagrad's options: AdagradOptions(1e-2).lr_decay(1e-3).
struct EMBER_API AdagradOptions : public OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2);  // NOLINT: implicit, as in libtorch
  EMBER_ARG(double, lr) = 1e-2;
  EMBER_ARG(double, lr_decay) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, initial_accumulator_value) = 0;
  EMBER_ARG(double, eps) = 1e-10;
  EMBER_ARG(bool, maximize) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(double lr) override { this->lr(lr); }
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// Adagrad's per-param state (made at construction, as libtorch's): the sum of squared gradients and step.
struct EMBER_API AdagradParamState : public OptimizerCloneableParamState<AdagradParamState> {
  EMBER_ARG(Tensor, sum);
  EMBER_ARG(Tensor, step);
 public:
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// Adagrad; one fused op call (ember::_fused_adagrad_) per param group and step.
class EMBER_API Adagrad : public Optimizer {
 public:
  explicit Adagrad(const std::vector<OptimizerParamGroup>& param_groups, AdagradOptions defaults = {});
  explicit Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {})
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace ember::optim
