// ember::optim::Adam, as torch::optim::Adam: betas, eps, weight decay (L2), amsgrad (and maximize).
#pragma once
#include <tuple>

#include "ember/optim/optimizer.h"

namespace ember::optim {

/// Adam's options: AdamOptions(1e-3).betas({0.9, 0.999}).amsgrad(true).
struct EMBER_API AdamOptions : public OptimizerCloneableOptions<AdamOptions> {
  AdamOptions(double lr = 1e-3);  // NOLINT: implicit, as in libtorch
  EMBER_ARG(double, lr) = 1e-3;
  typedef std::tuple<double, double> betas_t;
  EMBER_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, amsgrad) = false;
  EMBER_ARG(bool, maximize) = false;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(double lr) override { this->lr(lr); }
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// Adam's per-param state. step is a 0-d float32 tensor (libtorch keeps an int64_t): the fused op reads it.
struct EMBER_API AdamParamState : public OptimizerCloneableParamState<AdamParamState> {
  EMBER_ARG(Tensor, step);
  EMBER_ARG(Tensor, exp_avg);
  EMBER_ARG(Tensor, exp_avg_sq);
  EMBER_ARG(Tensor, max_exp_avg_sq);
 public:
  void serialize(GenericDict& d) const override;
  void deserialize(const GenericDict& d) override;
};

/// Adam; one fused op call (ember::_fused_adam_) per param group and step.
class EMBER_API Adam : public Optimizer {
 public:
  explicit Adam(const std::vector<OptimizerParamGroup>& param_groups, AdamOptions defaults = {});
  explicit Adam(std::vector<Tensor> params, AdamOptions defaults = {})
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace ember::optim
