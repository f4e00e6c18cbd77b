// ember::optim::ReduceLROnPlateauScheduler, as libtorch's (torch.optim.lr_scheduler.ReduceLROnPlateau's numbers).
#pragma once
#include <cstdint>
#include <vector>

#include "ember/optim/optimizer.h"

namespace ember::optim {

/// Multiplies the lrs by factor when a metric has not improved for patience epochs, then waits cooldown.
class EMBER_API ReduceLROnPlateauScheduler {
 public:
  enum SchedulerMode { min, max };
  enum ThresholdMode { rel, abs };
  /// min_lr: empty (0 for every group), one value, or one per group. verbose is accepted and ignored.
  ReduceLROnPlateauScheduler(Optimizer& optimizer, SchedulerMode mode = min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, ThresholdMode threshold_mode = rel, int cooldown = 0,
                             const std::vector<double>& min_lr = {}, double eps = 1e-8, bool verbose = false);
  virtual ~ReduceLROnPlateauScheduler() = default;
  /// Records one epoch's metric.
  void step(double metric);
  /// The groups' lrs after the last step.
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  /// Epochs recorded.
  int64_t last_epoch() const noexcept { return last_epoch_; }
  /// The best metric so far.
  double best() const noexcept { return best_; }
  /// Epochs since the last improvement.
  int num_bad_epochs() const noexcept { return num_bad_epochs_; }
  /// The counters that step() updates (Python's state_dict() beyond the constructor's arguments).
  struct State {
    int64_t last_epoch;
    double best;
    int num_bad_epochs, cooldown_counter;
    std::vector<double> last_lr;
  };
  /// The scheduler's counters.
  State state_dict() const { return {last_epoch_, best_, num_bad_epochs_, cooldown_counter_, last_lr_}; }
  /// Restores state_dict()'s counters.
  void load_state_dict(const State& s);

 private:
  bool is_better(double a) const;
  Optimizer& optimizer_;
  SchedulerMode mode_;
  double factor_;
  int patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  int cooldown_, cooldown_counter_ = 0, num_bad_epochs_ = 0;
  std::vector<double> min_lrs_;
  double eps_, best_;
  int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace ember::optim
