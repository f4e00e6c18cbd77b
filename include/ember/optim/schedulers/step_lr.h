// ember::optim::StepLR and MultiStepLR: decay by gamma every step_size epochs / at each milestone.
#pragma once
#include <map>

#include "ember/optim/schedulers/lr_scheduler.h"

namespace ember::optim {

/// lr = base_lr * gamma ^ (last_epoch / step_size), as torch::optim::StepLR / torch.optim.lr_scheduler.StepLR.
class EMBER_API StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, unsigned step_size, double gamma = 0.1, int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;
  std::optional<std::vector<double>> closed_form_lrs() override;

 private:
  unsigned step_size_;
  double gamma_;
};

/// lr = base_lr * gamma ^ (number of milestones <= last_epoch); a milestone listed twice decays twice.
class EMBER_API MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, const std::vector<int64_t>& milestones, double gamma = 0.1,
              int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;
  std::optional<std::vector<double>> closed_form_lrs() override;

 private:
  std::map<int64_t, int64_t> milestones_;  // epoch -> count
  double gamma_;
};

/// lr = base_lr * gamma ^ last_epoch.
class EMBER_API ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch = -1);

 protected:
  std::vector<double> get_lrs() override;
  std::optional<std::vector<double>> closed_form_lrs() override;

 private:
  double gamma_;
};

}  // namespace ember::optim
