// ember::optim::CosineAnnealingLR, LinearLR and LambdaLR.
#pragma once
#include <functional>

#include "ember/optim/schedulers/lr_scheduler.h"

namespace ember::optim {

/// lr = eta_min + (base_lr - eta_min) (1 + cos(pi last_epoch / T_max)) / 2, by PyTorch's recursive form.
class EMBER_API CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0, int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;
  std::optional<std::vector<double>> closed_form_lrs() override;

 private:
  int64_t T_max_;
  double eta_min_;
};

/// lr = base_lr (start_factor + (end_factor - start_factor) min(last_epoch, total_iters) / total_iters).
class EMBER_API LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5,
           int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;
  std::optional<std::vector<double>> closed_form_lrs() override;

 private:
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

/// lr = base_lr * lr_lambda(last_epoch): one function for every group, or one per group.
class EMBER_API LambdaLR : public LRScheduler {
 public:
  using Lambda = std::function<double(int64_t)>;
  LambdaLR(Optimizer& optimizer, Lambda lr_lambda, int64_t last_epoch = -1);
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;

 private:
  std::vector<Lambda> lr_lambdas_;
};

}  // namespace ember::optim
