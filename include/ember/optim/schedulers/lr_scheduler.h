// ember::optim::LRScheduler: the base of the lr schedulers. Its numbers are PyTorch's Python schedulers'
// (torch.optim.lr_scheduler): the constructor takes the initial step (last_epoch 0), each step() computes the
// next lr of every group from the current one (the chainable forms), step(epoch) uses the closed form.
// (libtorch's C++ LRScheduler takes no initial step, so its schedules lag Python's by one step; ember's
// agree with Python's.) Python's ember.optim.lr_scheduler computes the same sequences.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "ember/optim/optimizer.h"

namespace ember::optim {

/// A scheduler's counters and lrs: what Python's state_dict() holds besides the schedule's constants
/// (SequentialLR adds its schedulers' states as children).
struct EMBER_API LRSchedulerState {
  int64_t last_epoch = -1;
  int64_t step_count = 0;
  std::vector<double> base_lrs;
  std::vector<double> last_lr;
  std::vector<LRSchedulerState> children;
};

/// Base class of the lr schedulers; subclasses implement get_lrs() and call initial_step() last in their
/// constructor.
class EMBER_API LRScheduler {
 public:
  /// last_epoch -1 starts afresh (each group's initial_lr is set to its lr where unset); a later epoch
  /// resumes (the groups' initial_lr must be set).
  explicit LRScheduler(Optimizer& optimizer, int64_t last_epoch = -1);
  virtual ~LRScheduler() = default;
  /// Advances one epoch and sets every group's lr.
  virtual void step();
  /// Sets last_epoch to epoch and the lrs by the closed form where the scheduler has one (deprecated in
  /// PyTorch, kept for ports).
  void step(int64_t epoch);
  /// The lrs the last step set, one per group.
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  /// The epoch counter (0 after construction).
  int64_t last_epoch() const noexcept { return last_epoch_; }
  /// Each group's initial_lr.
  const std::vector<double>& base_lrs() const noexcept { return base_lrs_; }
  /// The optimizer whose lrs this scheduler sets.
  Optimizer& optimizer() noexcept { return optimizer_; }
  /// The scheduler's state (to resume: a scheduler built with the same arguments loads it).
  virtual LRSchedulerState state_dict() const;
  /// Restores a state_dict() (the optimizer's lrs are not touched: load the optimizer's own state).
  virtual void load_state_dict(const LRSchedulerState& state);

 protected:
  /// The next lr of every group (chainable form), last_epoch_ already advanced.
  virtual std::vector<double> get_lrs() = 0;
  /// The closed form at last_epoch_, where the scheduler has one.
  virtual std::optional<std::vector<double>> closed_form_lrs() { return std::nullopt; }
  /// The groups' current lrs.
  std::vector<double> get_current_lrs() const;
  /// The constructor's step to epoch 0 (is_initial_ set while it runs).
  void initial_step();
  /// Advances (or sets) last_epoch_ and applies the new lrs.
  void update_lr(std::optional<int64_t> epoch);

  Optimizer& optimizer_;
  int64_t last_epoch_;
  int64_t step_count_ = 0;
  bool is_initial_ = false;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  friend class SequentialLR;
};

}  // namespace ember::optim
