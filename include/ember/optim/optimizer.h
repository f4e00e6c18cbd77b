// ember::optim::Optimizer, as libtorch's torch::optim::Optimizer: param groups with per-group options,
// per-param state keyed by the param's TensorImpl, zero_grad, step(closure). The update math of the
// optimizers is the fused schema ops (_fused_adam_, ...; docs/optim.md), shared with Python's ember.optim.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ember/arg.h"
#include "ember/core/tensor.h"
#include "ember/util/export.h"


namespace ember {
class GenericDict;
}

namespace ember::optim {

/// Per-param state of an optimizer (momentum buffers, moments, step counters).
class EMBER_API OptimizerParamState {
 public:
  OptimizerParamState() = default;
  OptimizerParamState(const OptimizerParamState&) = default;
  OptimizerParamState& operator=(const OptimizerParamState&) = default;
  virtual ~OptimizerParamState() = default;
  /// A copy of the state object (its tensors are shared, not copied).
  virtual std::unique_ptr<OptimizerParamState> clone() const;
  /// Writes the state into d under its Python names ("step", "exp_avg"; undefined tensors left out),
  /// for Optimizer::state_dict() and ember::save(optimizer). The base throws NotImplementedError.
  virtual void serialize(GenericDict& d) const;
  /// Reads what serialize() writes; names absent from d leave their fields as they are.
  virtual void deserialize(const GenericDict& d);
};

/// CRTP helper implementing clone() for a state type.
template <class Derived>
class OptimizerCloneableParamState : public OptimizerParamState {
 public:
  std::unique_ptr<OptimizerParamState> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

/// Per-group options of an optimizer (lr and the optimizer's own hyperparameters).
class EMBER_API OptimizerOptions {
 public:
  OptimizerOptions() = default;
  OptimizerOptions(const OptimizerOptions&) = default;
  OptimizerOptions& operator=(const OptimizerOptions&) = default;
  virtual ~OptimizerOptions() = default;
  /// A copy of the options.
  virtual std::unique_ptr<OptimizerOptions> clone() const;
  /// The learning rate (what lr schedulers read and write).
  virtual double get_lr() const;
  /// Sets the learning rate.
  virtual void set_lr(double lr);
  /// The lr when the first lr scheduler was attached (PyTorch's group['initial_lr']); unset before.
  std::optional<double>& initial_lr() noexcept { return initial_lr_; }
  const std::optional<double>& initial_lr() const noexcept { return initial_lr_; }
  /// Writes the options into d under Python's param_group keys ("lr", "betas", ...). The base writes
  /// initial_lr when set; a subclass without serialize() throws NotImplementedError.
  virtual void serialize(GenericDict& d) const;
  /// Reads what serialize() writes (keys absent from d keep their values; unknown keys are ignored).
  virtual void deserialize(const GenericDict& d);

 private:
  std::optional<double> initial_lr_;
};

/// CRTP helper implementing clone() for an options type.
template <class Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

/// A group of params sharing options (unset options: the optimizer's defaults).
class EMBER_API OptimizerParamGroup {
 public:
  OptimizerParamGroup(const OptimizerParamGroup& g);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& g);
  OptimizerParamGroup(std::vector<Tensor> params);  // NOLINT: implicit, as in libtorch
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options);
  /// Whether the group has its own options (every group does once it is in an optimizer).
  bool has_options() const { return options_ != nullptr; }
  /// The group's options; throws when it has none.
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  /// Replaces the group's options.
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  /// The group's params.
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// Base class of the optimizers: subclasses implement step().
class EMBER_API Optimizer {
 public:
  /// A function that recomputes the loss (forward and backward) and returns it.
  using LossClosure = std::function<Tensor()>;

  Optimizer(const Optimizer&) = delete;
  Optimizer(Optimizer&&) = default;
  /// Param groups without options get a copy of defaults. Errors: no params at all, a non-leaf param,
  /// a param in two groups.
  Optimizer(const std::vector<OptimizerParamGroup>& param_groups, std::unique_ptr<OptimizerOptions> defaults);
  /// One group holding params.
  Optimizer(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;

  /// Adds a group (options default to a copy of the optimizer's defaults).
  void add_param_group(const OptimizerParamGroup& param_group);
  /// Performs one step; with a closure, calls it (under grad mode) first and returns its loss.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  /// Adds params to the first group.
  void add_parameters(const std::vector<Tensor>& params);
  /// Resets every param's gradient: undefined (default) or zeros.
  void zero_grad(bool set_to_none = true);
  /// The first group's params.
  const std::vector<Tensor>& parameters() const noexcept { return param_groups_.at(0).params(); }
  std::vector<Tensor>& parameters() noexcept { return param_groups_.at(0).params(); }
  /// The number of params over all groups.
  size_t size() const noexcept;
  /// The options that new groups copy.
  OptimizerOptions& defaults() noexcept { return *defaults_; }
  const OptimizerOptions& defaults() const noexcept { return *defaults_; }
  /// The param groups.
  std::vector<OptimizerParamGroup>& param_groups() noexcept { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const noexcept { return param_groups_; }
  /// Per-param state, keyed by the param's TensorImpl (as libtorch's).
  std::unordered_map<void*, std::unique_ptr<OptimizerParamState>>& state() noexcept { return state_; }
  const std::unordered_map<void*, std::unique_ptr<OptimizerParamState>>& state() const noexcept { return state_; }
  /// Python's layout: {"state": {index: {name: tensor}}, "param_groups": [{key: option, ..., "params":
  /// [index, ...]}]}, params numbered in order over the groups; tensors are references, not copies.
  GenericDict state_dict() const;
  /// Loads a state_dict() (from C++ or Python) of an optimizer of the same type over as many groups of
  /// as many params; ValueError when the groups differ, as PyTorch.
  void load_state_dict(const GenericDict& state_dict);

 protected:
  /// A fresh per-param state of this optimizer's type (load_state_dict); the base throws.
  virtual std::unique_ptr<OptimizerParamState> make_param_state() const;
  /// closure() under grad mode, or an undefined tensor.
  static Tensor closure_loss(const LossClosure& closure);
  /// The params of group that have a gradient.
  static std::vector<Tensor> params_with_grad(const OptimizerParamGroup& group);
  /// The state of param as a T, made by make() the first time.
  template <class T, class Make>
  T& state_of(const Tensor& p, const Make& make) {
    auto& s = state_[p.unsafeGetTensorImpl()];
    if (!s) s = make();
    return static_cast<T&>(*s);
  }

  std::vector<OptimizerParamGroup> param_groups_;
  std::unordered_map<void*, std::unique_ptr<OptimizerParamState>> state_;
  std::unique_ptr<OptimizerOptions> defaults_;
};

}  // namespace ember::optim
