// ember::optim::Optimizer (include/ember/optim/optimizer.h): groups, state, zero_grad.
#include "ember/optim/optimizer.h"

#include <unordered_set>

#include "ember/autograd/grad_mode.h"
#include "ember/util/error.h"

namespace ember::optim {

std::unique_ptr<OptimizerParamState> OptimizerParamState::clone() const {
  throw NotImplementedError("OptimizerParamState::clone: subclasses of OptimizerParamState should implement clone() "
                            "(derive from OptimizerCloneableParamState<Derived>)");
}

std::unique_ptr<OptimizerOptions> OptimizerOptions::clone() const {
  throw NotImplementedError("OptimizerOptions::clone: subclasses of OptimizerOptions should implement clone() "
                            "(derive from OptimizerCloneableOptions<Derived>)");
}
double OptimizerOptions::get_lr() const {
  throw NotImplementedError("OptimizerOptions::get_lr: this optimizer's options do not implement get_lr()");
}
void OptimizerOptions::set_lr(double) {
  throw NotImplementedError("OptimizerOptions::set_lr: this optimizer's options do not implement set_lr()");
}

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& g)
    : params_(g.params_), options_(g.options_ ? g.options_->clone() : nullptr) {}
OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& g) {
  params_ = g.params_;
  options_ = g.options_ ? g.options_->clone() : nullptr;
  return *this;
}
OptimizerParamGroup::OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
OptimizerParamGroup::OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
    : params_(std::move(params)), options_(std::move(options)) {}

OptimizerOptions& OptimizerParamGroup::options() {
  EMBER_CHECK(options_ != nullptr, "OptimizerParamGroup: the group has no options");
  return *options_;
}
const OptimizerOptions& OptimizerParamGroup::options() const {
  EMBER_CHECK(options_ != nullptr, "OptimizerParamGroup: the group has no options");
  return *options_;
}

Optimizer::Optimizer(const std::vector<OptimizerParamGroup>& param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  size_t n = 0;
  for (const auto& g : param_groups) n += g.params().size();
  EMBER_CHECK_VALUE(n > 0, "optimizer got an empty parameter list");
  for (const auto& g : param_groups) add_param_group(g);
}

Optimizer::Optimizer(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> defaults)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  std::unordered_set<const void*> seen;
  for (const auto& g : param_groups_)
    for (const Tensor& p : g.params()) seen.insert(p.unsafeGetTensorImpl());
  for (const Tensor& p : param_group.params()) {
    EMBER_CHECK(p.defined(), "optimizer can only optimize defined Tensors");
    EMBER_CHECK_VALUE(p.is_leaf(), "can't optimize a non-leaf Tensor");
    EMBER_CHECK_VALUE(seen.insert(p.unsafeGetTensorImpl()).second,
                      "some parameters appear in more than one parameter group");
  }
  OptimizerParamGroup g(param_group.params(),
                        param_group.has_options() ? param_group.options().clone() : defaults_->clone());
  param_groups_.push_back(std::move(g));
}

void Optimizer::add_parameters(const std::vector<Tensor>& params) {
  EMBER_CHECK(!param_groups_.empty(), "add_parameters: the optimizer has no param group");
  std::unordered_set<const void*> seen;
  for (const auto& g : param_groups_)
    for (const Tensor& p : g.params()) seen.insert(p.unsafeGetTensorImpl());
  for (const Tensor& p : params) {
    EMBER_CHECK_VALUE(p.is_leaf(), "can't optimize a non-leaf Tensor");
    EMBER_CHECK_VALUE(seen.insert(p.unsafeGetTensorImpl()).second,
                      "some parameters appear in more than one parameter group");
  }
  auto& ps = param_groups_[0].params();
  ps.insert(ps.end(), params.begin(), params.end());
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& g : param_groups_)
    for (Tensor& p : g.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      if (set_to_none) {
        p.set_grad(Tensor());
      } else {
        NoGradGuard no_grad;
        if (grad.grad_fn()) grad.detach_();
        else grad.requires_grad_(false);
        grad.zero_();
      }
    }
}

size_t Optimizer::size() const noexcept {
  size_t n = 0;
  for (const auto& g : param_groups_) n += g.params().size();
  return n;
}

Tensor Optimizer::closure_loss(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable(true);
  return closure();
}

std::vector<Tensor> Optimizer::params_with_grad(const OptimizerParamGroup& group) {
  std::vector<Tensor> out;
  for (const Tensor& p : group.params())
    if (p.grad().defined()) out.push_back(p);
  return out;
}

}  // namespace ember::optim
