// OneCycleLR and SequentialLR (include/ember/optim/schedulers/one_cycle_lr.h), PyTorch's formulas.
#include "ember/optim/schedulers/one_cycle_lr.h"

#include <algorithm>
#include <cmath>

#include "ember/optim/adam.h"
#include "ember/optim/adamw.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"
#include "ember/util/error.h"

namespace ember::optim {

namespace {
/// The group's momentum (SGD, RMSprop) or beta1 (Adam, AdamW) setter; null when it has neither.
std::function<void(double)> momentum_setter(OptimizerOptions& o) {
  if (auto* s = dynamic_cast<SGDOptions*>(&o)) return [s](double m) { s->momentum(m); };
  if (auto* r = dynamic_cast<RMSpropOptions*>(&o)) return [r](double m) { r->momentum(m); };
  if (auto* a = dynamic_cast<AdamOptions*>(&o))
    return [a](double m) { a->betas(std::make_tuple(m, std::get<1>(a->betas()))); };
  if (auto* w = dynamic_cast<AdamWOptions*>(&o))
    return [w](double m) { w->betas(std::make_tuple(m, std::get<1>(w->betas()))); };
  return nullptr;
}
}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, OneCycleLROptions options)
    : OneCycleLR(optimizer, std::vector<double>(optimizer.param_groups().size(), max_lr), total_steps,
                 std::move(options)) {}

OneCycleLR::OneCycleLR(Optimizer& optimizer, std::vector<double> max_lrs, int64_t total_steps,
                       OneCycleLROptions options)
    : LRScheduler(optimizer, -1), total_steps_(total_steps), o_(std::move(options)) {
  EMBER_CHECK_VALUE(total_steps > 0, "Expected positive integer total_steps, but got ", total_steps);
  EMBER_CHECK_VALUE(o_.pct_start() >= 0 && o_.pct_start() <= 1, "Expected float between 0 and 1 pct_start, but got ",
                    o_.pct_start());
  EMBER_CHECK_VALUE(o_.anneal_strategy() == "cos" || o_.anneal_strategy() == "linear",
                    "anneal_strategy must be one of 'cos' or 'linear', instead got ", o_.anneal_strategy());
  auto& groups = optimizer.param_groups();
  EMBER_CHECK_VALUE(max_lrs.size() == groups.size(), "expected ", groups.size(), " values for max_lr, got ",
                    max_lrs.size());
  const double T = static_cast<double>(total_steps), up = o_.pct_start() * T - 1;
  if (o_.three_phase())
    phases_ = {{up, 0, 1, 0, 1}, {2 * o_.pct_start() * T - 2, 1, 0, 1, 0}, {T - 1, 0, 2, 0, 0}};
  else
    phases_ = {{up, 0, 1, 0, 1}, {T - 1, 1, 2, 1, 0}};
  for (size_t i = 0; i < groups.size(); ++i) {
    initial_lrs_.push_back(max_lrs[i] / o_.div_factor());
    max_lrs_.push_back(max_lrs[i]);
    min_lrs_.push_back(initial_lrs_.back() / o_.final_div_factor());
    groups[i].options().initial_lr() = initial_lrs_.back();  // as PyTorch overwrites group['initial_lr']
    base_lrs_[i] = initial_lrs_.back();
    if (o_.cycle_momentum()) {
      auto set = momentum_setter(groups[i].options());
      EMBER_CHECK_VALUE(set != nullptr, "optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
      set(o_.max_momentum());
    }
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (o_.anneal_strategy() == "cos") return end + (start - end) / 2.0 * (std::cos(M_PI * pct) + 1);
  return (end - start) * pct + start;
}

std::vector<double> OneCycleLR::get_lrs() {
  const int64_t step_num = last_epoch_;
  EMBER_CHECK_VALUE(step_num <= total_steps_, "Tried to step ", step_num,
                    " times. The specified number of total steps is ", total_steps_);
  auto& groups = optimizer_.param_groups();
  std::vector<double> lrs;
  for (size_t g = 0; g < groups.size(); ++g) {
    const double lr_at[3] = {initial_lrs_[g], max_lrs_[g], min_lrs_[g]};
    const double mom_at[2] = {o_.max_momentum(), o_.base_momentum()};
    double start_step = 0, lr = 0, mom = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& ph = phases_[i];
      if (static_cast<double>(step_num) <= ph.end_step || i == phases_.size() - 1) {
        const double pct = (static_cast<double>(step_num) - start_step) / (ph.end_step - start_step);
        lr = anneal(lr_at[ph.start_lr], lr_at[ph.end_lr], pct);
        mom = anneal(mom_at[ph.start_momentum], mom_at[ph.end_momentum], pct);
        break;
      }
      start_step = ph.end_step;
    }
    lrs.push_back(lr);
    if (o_.cycle_momentum()) momentum_setter(groups[g].options())(mom);
  }
  return lrs;
}

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones, int64_t last_epoch)
    : LRScheduler(optimizer, -1), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  EMBER_CHECK_VALUE(!schedulers_.empty(), "SequentialLR expects at least one scheduler, but got no scheduler.");
  for (size_t i = 0; i < schedulers_.size(); ++i)
    EMBER_CHECK_VALUE(&schedulers_[i]->optimizer() == &optimizer,
                      "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler at index ",
                      i, " with a different optimizer");
  EMBER_CHECK_VALUE(milestones_.size() == schedulers_.size() - 1,
                    "Sequential Schedulers expects number of schedulers provided to be one more than the number of "
                    "milestone points, but got number of schedulers ", schedulers_.size(),
                    " and the number of milestones to be equal to ", milestones_.size());
  last_epoch_ = last_epoch + 1;
  auto& groups = optimizer.param_groups();
  for (auto& g : groups) g.options().set_lr(*g.options().initial_lr());
  for (auto& s : schedulers_) s->last_epoch_ -= 1;  // undo their own initial steps
  const size_t idx = std::upper_bound(milestones_.begin(), milestones_.end(), 0) - milestones_.begin();
  schedulers_[idx]->initial_step();
  last_lr_ = schedulers_[idx]->get_last_lr();
}

void SequentialLR::step() {
  ++last_epoch_;
  const size_t idx = std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
  auto& s = schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_)
    s->update_lr(0);
  else
    s->step();
  last_lr_ = s->get_last_lr();
}

LRSchedulerState SequentialLR::state_dict() const {
  LRSchedulerState s = LRScheduler::state_dict();
  for (const auto& c : schedulers_) s.children.push_back(c->state_dict());
  return s;
}

void SequentialLR::load_state_dict(const LRSchedulerState& state) {
  EMBER_CHECK(state.children.size() == schedulers_.size(), "SequentialLR::load_state_dict: the state has ",
              state.children.size(), " schedulers, this one ", schedulers_.size());
  LRScheduler::load_state_dict(state);
  for (size_t i = 0; i < schedulers_.size(); ++i) schedulers_[i]->load_state_dict(state.children[i]);
}

}  // namespace ember::optim
