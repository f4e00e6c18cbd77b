// The machinery shared by C++ (Function<T>) and Python (ember.autograd.Function) custom functions.
#include "ember/autograd/function.h"

#include <algorithm>

#include "ember/gen/functions.h"

namespace ember::autograd {

variable_list AutogradContext::get_saved_variables() const {
  variable_list out;
  auto node = node_.lock();
  for (const SavedVariable& s : saved_) out.push_back(s.unpack(node));
  return out;
}

void AutogradContext::mark_dirty(const variable_list& inputs) {
  for (const Tensor& t : inputs) dirty_.push_back(t.unsafeGetTensorImpl());
}

void AutogradContext::mark_non_differentiable(const variable_list& outputs) {
  for (const Tensor& t : outputs) non_differentiable_.push_back(t.unsafeGetTensorImpl());
}

static bool contains(const std::vector<const TensorImpl*>& v, const TensorImpl* p) {
  return std::find(v.begin(), v.end(), p) != v.end();
}

variable_list wrap_function(const std::shared_ptr<Node>& node, AutogradContext& ctx, const variable_list& args,
                            variable_list outputs, bool record) {
  std::vector<const TensorImpl*> original;
  for (const Tensor& o : outputs) original.push_back(o.defined() ? o.unsafeGetTensorImpl() : nullptr);
  if (record) {
    for (const Tensor& a : args) node->add_next_edge(a.defined() ? gradient_edge(a) : Edge{});
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& o = outputs[i];
    if (!o.defined()) continue;
    const TensorImpl* impl = o.unsafeGetTensorImpl();
    bool is_input = std::any_of(args.begin(), args.end(),
                                [&](const Tensor& a) { return a.defined() && a.unsafeGetTensorImpl() == impl; });
    bool dirty = contains(ctx.dirty_, impl);
    if (is_input && !dirty) o = o.detach();  // an input returned unchanged becomes a new alias
    if (!record || contains(ctx.non_differentiable_, impl) || !is_floating_point(o.dtype())) {
      if (!dirty && !is_input) o.unsafeGetTensorImpl()->set_requires_grad(false);
      continue;
    }
    if (dirty) check_inplace(o, "custom Function (mark_dirty)");
    set_history(o, node, static_cast<uint32_t>(i));
  }
  if (record) {
    for (const Tensor& t : ctx.to_save_) {
      if (!t.defined()) {
        ctx.saved_.emplace_back();
        continue;
      }
      auto it = std::find(original.begin(), original.end(), t.unsafeGetTensorImpl());
      if (it != original.end())
        ctx.saved_.emplace_back(outputs[it - original.begin()], true);
      else
        ctx.saved_.emplace_back(t, false);
    }
  } else {
    for (const Tensor& t : ctx.to_save_) ctx.saved_.emplace_back(t, false);
  }
  ctx.to_save_.clear();
  return outputs;
}

variable_list delayed_error(const variable_list& outputs, const variable_list& inputs, const std::string& msg) {
  auto node = make_node<DelayedError>(msg);
  for (const Tensor& in : inputs) node->add_next_edge(in.defined() ? gradient_edge(in) : Edge{});
  node->set_num_inputs(static_cast<uint32_t>(outputs.size()));
  variable_list out;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].defined() || !is_floating_point(outputs[i].dtype())) {
      out.push_back(outputs[i]);
      continue;
    }
    Tensor alias = outputs[i].detach();
    set_history(alias, node, static_cast<uint32_t>(i));
    out.push_back(alias);
  }
  return out;
}

}  // namespace ember::autograd
