// Custom autograd functions in C++ (libtorch's torch::autograd::Function<T>): a forward and a
// backward written by hand, recorded as one node.
//
//   struct MulConst : ember::autograd::Function<MulConst> {
//     static ember::Tensor forward(ember::autograd::AutogradContext* ctx, ember::Tensor x, double c) {
//       ctx->saved_data["c"] = c;
//       return x * c;
//     }
//     static ember::autograd::variable_list backward(ember::autograd::AutogradContext* ctx,
//                                                    ember::autograd::variable_list g) {
//       return {g[0] * ctx->saved_data["c"].toDouble(), ember::Tensor()};  // one per forward argument
//     }
//   };
//   auto y = MulConst::apply(x, 2.0);
#pragma once
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "ember/autograd/autograd.h"
#include "ember/dispatch/ivalue.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

/// What a custom function's forward and backward share.
struct EMBER_API AutogradContext {
  /// Tensors the backward needs (checked against in-place changes, like ops' saved tensors).
  void save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }
  /// The saved tensors (in backward).
  variable_list get_saved_variables() const;
  /// Inputs the forward modified in place (their history is rebased onto this function).
  void mark_dirty(const variable_list& inputs);
  /// Outputs that are not differentiable (they never require grad).
  void mark_non_differentiable(const variable_list& outputs);
  /// Whether undefined output gradients reach backward as zeros (default) or as undefined tensors.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  /// Whether forward argument i needs a gradient.
  bool needs_input_grad(size_t i) const { return i < needs_.size() && needs_[i]; }
  /// Non-tensor values for backward.
  std::unordered_map<std::string, IValue> saved_data;

  // Used by the machinery below and by the Python binding.
  variable_list to_save_;
  std::vector<SavedVariable> saved_;
  std::vector<const TensorImpl*> dirty_, non_differentiable_;
  std::vector<bool> needs_;
  bool materialize_grads_ = true;
  std::weak_ptr<Node> node_;
};

/// Connects a custom function's node: one edge per forward argument (`args_requiring` gives the
/// tensor of each argument, undefined for non-tensors), history on the outputs (dirty inputs
/// rebased, non-differentiable outputs skipped, inputs returned unchanged aliased), and saves
/// ctx.to_save_. Returns the outputs the caller must hand back.
EMBER_API variable_list wrap_function(const std::shared_ptr<Node>& node, AutogradContext& ctx,
                                      const variable_list& args, variable_list outputs, bool record);

/// A node whose backward raises (for backwards that cannot be differentiated again).
class EMBER_API DelayedError final : public Node {
 public:
  explicit DelayedError(std::string msg) : msg_(std::move(msg)) {}
  variable_list apply(variable_list&&) override { throw Error(msg_); }
  std::string name() const override { return "DelayedError"; }

 private:
  std::string msg_;
};
/// Aliases of outputs whose grad_fn is a DelayedError connected to inputs (those requiring grad):
/// differentiating through them raises msg.
EMBER_API variable_list delayed_error(const variable_list& outputs, const variable_list& inputs,
                                      const std::string& msg);

template <class T>
class CppNode final : public Node {
 public:
  variable_list apply(variable_list&& grads) override {
    if (ctx_.materialize_grads_)
      for (size_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined() && i < out_meta_.size()) grads[i] = ember::zeros(out_meta_[i].first, out_meta_[i].second);
    variable_list r = T::backward(&ctx_, std::move(grads));
    // As libtorch: extra trailing gradients are accepted when undefined (e.g. one per declared
    // parameter of a forward whose last parameters were left at their defaults).
    while (r.size() > num_args_ && !r.back().defined()) r.pop_back();
    EMBER_CHECK(r.size() == num_args_, "function ", name(), " returned an incorrect number of gradients (expected ",
                num_args_, ", got ", r.size(), ")");
    return r;
  }
  std::string name() const override { return std::string("CppNode<") + typeid(T).name() + ">"; }
  void release_variables() override { ctx_.saved_.clear(); }
  AutogradContext ctx_;
  size_t num_args_ = 0;
  std::vector<std::pair<DimVector, TensorOptions>> out_meta_;
};

namespace internal {
template <class A>
Tensor as_tensor_arg(const A& a) {
  if constexpr (std::is_same<std::decay_t<A>, Tensor>::value) return a;
  else return Tensor();
}
inline variable_list to_list(const Tensor& t) { return {t}; }
inline variable_list to_list(const variable_list& v) { return v; }
}  // namespace internal

/// Base of custom functions: T provides static forward(AutogradContext*, args...) returning a
/// Tensor or variable_list, and static backward(AutogradContext*, variable_list) returning one
/// gradient per forward argument (undefined for non-tensors or inputs without a gradient).
template <class T>
struct Function {
  template <class... Args>
  static auto apply(Args&&... args) {
    auto node = std::make_shared<CppNode<T>>();
    variable_list targs = {internal::as_tensor_arg(args)...};
    node->num_args_ = targs.size();
    bool record = GradMode::is_enabled();
    bool any = false;
    for (const Tensor& t : targs) {
      node->ctx_.needs_.push_back(t.defined() && t.requires_grad());
      any |= node->ctx_.needs_.back();
    }
    record &= any;
    node->ctx_.node_ = node;
    using Out = decltype(T::forward(&node->ctx_, std::forward<Args>(args)...));
    Out out;
    {
      NoGradGuard no_grad;
      out = T::forward(&node->ctx_, std::forward<Args>(args)...);
    }
    variable_list outs = wrap_function(node, node->ctx_, targs, internal::to_list(out), record);
    for (const Tensor& o : outs) node->out_meta_.push_back({DimVector(o.sizes()), o.options()});
    node->set_num_inputs(static_cast<uint32_t>(outs.size()));
    if constexpr (std::is_same<Out, Tensor>::value) return outs[0];
    else return outs;
  }
};

}  // namespace ember::autograd
