// ember::optim::OneCycleLR (the 1cycle policy) and SequentialLR.
#pragma once
#include <memory>
#include <string>

#include "ember/optim/schedulers/lr_scheduler.h"

namespace ember::optim {

/// OneCycleLR's options beyond max_lr and total_steps, with torch.optim.lr_scheduler.OneCycleLR's defaults.
struct EMBER_API OneCycleLROptions {
  EMBER_ARG(double, pct_start) = 0.3;
  EMBER_ARG(std::string, anneal_strategy) = "cos";  // "cos" or "linear"
  EMBER_ARG(bool, cycle_momentum) = true;
  EMBER_ARG(double, base_momentum) = 0.85;
  EMBER_ARG(double, max_momentum) = 0.95;
  EMBER_ARG(double, div_factor) = 25.0;
  EMBER_ARG(double, final_div_factor) = 1e4;
  EMBER_ARG(bool, three_phase) = false;
};

/// lr from max_lr / div_factor up to max_lr over pct_start of total_steps, then down to
/// initial_lr / final_div_factor (three_phase: back to initial_lr first); with cycle_momentum the momentum
/// (SGD, RMSprop) or beta1 (Adam, AdamW) moves inversely between base_momentum and max_momentum.
class EMBER_API OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, OneCycleLROptions options = {});
  OneCycleLR(Optimizer& optimizer, std::vector<double> max_lrs, int64_t total_steps, OneCycleLROptions options = {});

 protected:
  std::vector<double> get_lrs() override;

 private:
  struct Phase {
    double end_step;
    int start_lr, end_lr, start_momentum, end_momentum;  // 0 initial, 1 max, 2 min (lr); 0 max, 1 base (momentum)
  };
  double anneal(double start, double end, double pct) const;
  void set_momentum(size_t group, double m);
  int64_t total_steps_;
  OneCycleLROptions o_;
  std::vector<Phase> phases_;
  std::vector<double> initial_lrs_, max_lrs_, min_lrs_;
};

/// Runs schedulers[i] from epoch milestones[i - 1] on (each restarts at its epoch 0 there).
class EMBER_API SequentialLR : public LRScheduler {
 public:
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones, int64_t last_epoch = -1);
  void step() override;
  LRSchedulerState state_dict() const override;
  void load_state_dict(const LRSchedulerState& state) override;

 protected:
  std::vector<double> get_lrs() override { return get_current_lrs(); }

 private:
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

}  // namespace ember::optim
