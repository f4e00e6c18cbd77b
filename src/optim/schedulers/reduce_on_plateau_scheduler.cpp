// ReduceLROnPlateauScheduler (include/ember/optim/schedulers/reduce_on_plateau_scheduler.h), PyTorch's rule.
#include "ember/optim/schedulers/reduce_on_plateau_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ember/util/error.h"

namespace ember::optim {

ReduceLROnPlateauScheduler::ReduceLROnPlateauScheduler(Optimizer& optimizer, SchedulerMode mode, double factor,
                                                       int patience, double threshold, ThresholdMode threshold_mode,
                                                       int cooldown, const std::vector<double>& min_lr, double eps,
                                                       bool /*verbose*/)
    : optimizer_(optimizer), mode_(mode), factor_(factor), patience_(patience), threshold_(threshold),
      threshold_mode_(threshold_mode), cooldown_(cooldown), eps_(eps) {
  EMBER_CHECK_VALUE(factor < 1.0, "Factor should be < 1.0.");
  const size_t n = optimizer.param_groups().size();
  if (min_lr.empty()) min_lrs_.assign(n, 0.0);
  else if (min_lr.size() == 1) min_lrs_.assign(n, min_lr[0]);
  else {
    EMBER_CHECK_VALUE(min_lr.size() == n, "expected ", n, " min_lrs, got ", min_lr.size());
    min_lrs_ = min_lr;
  }
  best_ = mode == min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  for (const auto& g : optimizer.param_groups()) last_lr_.push_back(g.options().get_lr());
}

bool ReduceLROnPlateauScheduler::is_better(double a) const {
  if (mode_ == min && threshold_mode_ == rel) return a < best_ * (1.0 - threshold_);
  if (mode_ == min && threshold_mode_ == abs) return a < best_ - threshold_;
  if (mode_ == max && threshold_mode_ == rel) return a > best_ * (threshold_ + 1.0);
  return a > best_ + threshold_;
}

void ReduceLROnPlateauScheduler::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;
  }
  auto& groups = optimizer_.param_groups();
  if (num_bad_epochs_ > patience_) {
    if (min_lrs_.size() != groups.size()) min_lrs_.resize(groups.size(), min_lrs_.empty() ? 0.0 : min_lrs_[0]);
    for (size_t i = 0; i < groups.size(); ++i) {
      const double old_lr = groups[i].options().get_lr();
      const double new_lr = std::max(old_lr * factor_, min_lrs_[i]);
      if (old_lr - new_lr > eps_) groups[i].options().set_lr(new_lr);
    }
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const auto& g : groups) last_lr_.push_back(g.options().get_lr());
}

void ReduceLROnPlateauScheduler::load_state_dict(const State& s) {
  last_epoch_ = s.last_epoch;
  best_ = s.best;
  num_bad_epochs_ = s.num_bad_epochs;
  cooldown_counter_ = s.cooldown_counter;
  last_lr_ = s.last_lr;
}

}  // namespace ember::optim
