// The lr schedulers (include/ember/optim/schedulers/): PyTorch's chainable and closed forms
// (torch/optim/lr_scheduler.py's formulas; python/ember/optim/lr_scheduler.py computes the same numbers).
#include "ember/optim/schedulers/lr_scheduler.h"

#include <cmath>

#include "ember/optim/schedulers/cosine_annealing_lr.h"
#include "ember/optim/schedulers/step_lr.h"
#include "ember/util/error.h"

namespace ember::optim {

LRScheduler::LRScheduler(Optimizer& optimizer, int64_t last_epoch) : optimizer_(optimizer), last_epoch_(last_epoch) {
  auto& groups = optimizer.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    auto& o = groups[i].options();
    if (last_epoch == -1) {
      if (!o.initial_lr()) o.initial_lr() = o.get_lr();
    } else {
      EMBER_CHECK(o.initial_lr().has_value(), "param 'initial_lr' is not specified in param_groups[", i,
                  "] when resuming an optimizer");
    }
    base_lrs_.push_back(*o.initial_lr());
  }
}

std::vector<double> LRScheduler::get_current_lrs() const {
  std::vector<double> lrs;
  for (const auto& g : optimizer_.param_groups()) lrs.push_back(g.options().get_lr());
  return lrs;
}

void LRScheduler::initial_step() {
  step_count_ = 0;
  is_initial_ = true;
  step();
  is_initial_ = false;
}

void LRScheduler::step() {
  ++step_count_;
  update_lr(std::nullopt);
}

void LRScheduler::step(int64_t epoch) {
  ++step_count_;
  update_lr(epoch);
}

void LRScheduler::update_lr(std::optional<int64_t> epoch) {
  std::vector<double> lrs;
  if (!epoch) {
    ++last_epoch_;
    lrs = get_lrs();
  } else {
    last_epoch_ = *epoch;
    auto closed = closed_form_lrs();
    lrs = closed ? *closed : get_lrs();
  }
  auto& groups = optimizer_.param_groups();
  EMBER_CHECK(lrs.size() == groups.size(), "LRScheduler: ", lrs.size(), " lrs for ", groups.size(), " param groups");
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lrs[i]);
  last_lr_ = get_current_lrs();
}

LRSchedulerState LRScheduler::state_dict() const {
  return {last_epoch_, step_count_, base_lrs_, last_lr_, {}};
}

void LRScheduler::load_state_dict(const LRSchedulerState& state) {
  EMBER_CHECK(state.base_lrs.size() == base_lrs_.size(), "LRScheduler::load_state_dict: the state has ",
              state.base_lrs.size(), " param groups, the scheduler ", base_lrs_.size());
  last_epoch_ = state.last_epoch;
  step_count_ = state.step_count;
  base_lrs_ = state.base_lrs;
  last_lr_ = state.last_lr;
}

// ---- StepLR, MultiStepLR, ExponentialLR ----

StepLR::StepLR(Optimizer& optimizer, unsigned step_size, double gamma, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), step_size_(step_size), gamma_(gamma) {
  EMBER_CHECK_VALUE(step_size > 0, "StepLR: step_size must be positive, got ", step_size);
  initial_step();
}
std::vector<double> StepLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}
std::optional<std::vector<double>> StepLR::closed_form_lrs() {
  std::vector<double> lrs;
  for (double b : base_lrs_) lrs.push_back(b * std::pow(gamma_, static_cast<double>(last_epoch_ / step_size_)));
  return lrs;
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, const std::vector<int64_t>& milestones, double gamma,
                         int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), gamma_(gamma) {
  for (int64_t m : milestones) ++milestones_[m];
  initial_step();
}
std::vector<double> MultiStepLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  auto it = milestones_.find(last_epoch_);
  if (it == milestones_.end()) return lrs;
  for (double& lr : lrs) lr *= std::pow(gamma_, static_cast<double>(it->second));
  return lrs;
}
std::optional<std::vector<double>> MultiStepLR::closed_form_lrs() {
  int64_t passed = 0;
  for (const auto& [m, count] : milestones_)
    if (m <= last_epoch_) passed += count;
  std::vector<double> lrs;
  for (double b : base_lrs_) lrs.push_back(b * std::pow(gamma_, static_cast<double>(passed)));
  return lrs;
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), gamma_(gamma) {
  initial_step();
}
std::vector<double> ExponentialLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (is_initial_) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}
std::optional<std::vector<double>> ExponentialLR::closed_form_lrs() {
  std::vector<double> lrs;
  for (double b : base_lrs_) lrs.push_back(b * std::pow(gamma_, static_cast<double>(last_epoch_)));
  return lrs;
}

// ---- CosineAnnealingLR, LinearLR, LambdaLR ----

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), T_max_(T_max), eta_min_(eta_min) {
  EMBER_CHECK_VALUE(T_max > 0, "CosineAnnealingLR: T_max must be positive, got ", T_max);
  initial_step();
}
std::vector<double> CosineAnnealingLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (is_initial_) return lrs;
  const double pi = M_PI, T = static_cast<double>(T_max_), e = static_cast<double>(last_epoch_);
  if (step_count_ == 1 && last_epoch_ > 0) return *closed_form_lrs();
  // Python's % is a floor modulo: (last_epoch - 1 - T_max) may be negative.
  const int64_t period = 2 * T_max_, r = ((last_epoch_ - 1 - T_max_) % period + period) % period;
  for (size_t i = 0; i < lrs.size(); ++i) {
    if (r == 0)
      lrs[i] = lrs[i] + (base_lrs_[i] - eta_min_) * (1 - std::cos(pi / T)) / 2;
    else
      lrs[i] = (1 + std::cos(pi * e / T)) / (1 + std::cos(pi * (e - 1) / T)) * (lrs[i] - eta_min_) + eta_min_;
  }
  return lrs;
}
std::optional<std::vector<double>> CosineAnnealingLR::closed_form_lrs() {
  std::vector<double> lrs;
  for (double b : base_lrs_)
    lrs.push_back(eta_min_ + (b - eta_min_) * (1 + std::cos(M_PI * static_cast<double>(last_epoch_) /
                                                           static_cast<double>(T_max_))) / 2);
  return lrs;
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int64_t total_iters,
                   int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), start_factor_(start_factor), end_factor_(end_factor),
      total_iters_(total_iters) {
  EMBER_CHECK_VALUE(start_factor <= 1.0 && start_factor > 0,
                    "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
  EMBER_CHECK_VALUE(end_factor <= 1.0 && end_factor >= 0, "Ending multiplicative factor expected to be between 0 and 1.");
  initial_step();
}
std::vector<double> LinearLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr *= start_factor_;
    return lrs;
  }
  if (is_initial_ || last_epoch_ > total_iters_) return lrs;
  const double d = end_factor_ - start_factor_;
  for (double& lr : lrs)
    lr *= 1.0 + d / (static_cast<double>(total_iters_) * start_factor_ + static_cast<double>(last_epoch_ - 1) * d);
  return lrs;
}
std::optional<std::vector<double>> LinearLR::closed_form_lrs() {
  std::vector<double> lrs;
  const double t = static_cast<double>(std::min(total_iters_, last_epoch_));
  for (double b : base_lrs_)
    lrs.push_back(b * (start_factor_ + (end_factor_ - start_factor_) * t / static_cast<double>(total_iters_)));
  return lrs;
}

LambdaLR::LambdaLR(Optimizer& optimizer, Lambda lr_lambda, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), lr_lambdas_(optimizer.param_groups().size(), std::move(lr_lambda)) {
  initial_step();
}
LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas, int64_t last_epoch)
    : LRScheduler(optimizer, last_epoch), lr_lambdas_(std::move(lr_lambdas)) {
  EMBER_CHECK_VALUE(lr_lambdas_.size() == optimizer.param_groups().size(), "Expected ",
                    optimizer.param_groups().size(), " lr_lambdas, but got ", lr_lambdas_.size());
  initial_step();
}
std::vector<double> LambdaLR::get_lrs() {
  std::vector<double> lrs;
  for (size_t i = 0; i < base_lrs_.size(); ++i) lrs.push_back(base_lrs_[i] * lr_lambdas_[i](last_epoch_));
  return lrs;
}

}  // namespace ember::optim
