// ember::optim::AdamW, as torch::optim::AdamW: Adam with decoupled weight decay (default 1e-2).
#pragma once
#include <tuple>

#include "ember/optim/adam.h"

namespace ember::optim {

/// AdamW's options: AdamWOptions(1e-3).weight_decay(1e-2).
struct EMBER_API AdamWOptions : public OptimizerCloneableOptions<AdamWOptions> {
  AdamWOptions(double lr = 1e-3);  // NOLINT: implicit, as in libtorch
  EMBER_ARG(double, lr) = 1e-3;
  typedef std::tuple<double, double> betas_t;
  EMBER_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 1e-2;
  EMBER_ARG(bool, amsgrad) = false;
  EMBER_ARG(bool, maximize) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(double lr) override { this->lr(lr); }
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// AdamW's per-param state (the same fields as Adam's).
struct EMBER_API AdamWParamState : public OptimizerCloneableParamState<AdamWParamState> {
  EMBER_ARG(Tensor, step);
  EMBER_ARG(Tensor, exp_avg);
  EMBER_ARG(Tensor, exp_avg_sq);
  EMBER_ARG(Tensor, max_exp_avg_sq);
 public:
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// AdamW; one fused op call (ember::_fused_adamw_) per param group and step.
class EMBER_API AdamW : public Optimizer {
 public:
  explicit AdamW(const std::vector<OptimizerParamGroup>& param_groups, AdamWOptions defaults = {});
  explicit AdamW(std::vector<Tensor> params, AdamWOptions defaults = {})
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace ember::optim
