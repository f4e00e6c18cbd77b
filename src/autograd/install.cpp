// The autograd layer plugs into the runtime (Note [autograd hooks], src/core/autograd_hooks.h): the
// Tensor methods that need autograd, and the hand-written recording of cat and `t[key] = value`.
// A static initializer fills detail::g_autograd_hooks when libember is loaded; the generated
// autograd_record.cpp fills the per-op table the same way.
#include "ember/autograd/autograd.h"
#include "ember/autograd/function.h"
#include "ember/gen/functions.h"
#include "ember/ops/indexing.h"
#include "core/autograd_hooks.h"

namespace ember::autograd {
namespace {

/// cat's gradient: each input gets its slice of grad (skipped inputs get zeros of their shape).
struct CatBackward final : Node {
  std::vector<DimVector> sizes;
  std::vector<ScalarType> dtypes;
  std::vector<int64_t> starts;  // -1: skipped
  int64_t dim = 0;
  std::string name() const override { return "CatBackward0"; }
  variable_list apply(variable_list&& grads) override {
    const Tensor& g = grads[0];
    variable_list out(sizes.size());
    if (!g.defined()) return out;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (!should_compute_output(i)) continue;
      if (starts[i] < 0) {
        out[i] = ember::zeros(sizes[i], g.options().dtype(dtypes[i]));
        continue;
      }
      Tensor gi = g.narrow(dim, starts[i], sizes[i][dim]);
      out[i] = reduce_grad(gi, sizes[i], dtypes[i]);
    }
    return out;
  }
};

void record_cat(const Tensor& out, TensorList tensors, int64_t dim, const std::vector<int64_t>& starts) {
  auto node = make_node<CatBackward>();
  node->dim = dim;
  node->starts = starts;
  node->reserve_next_edges(tensors.size());
  for (const Tensor& t : tensors) {
    node->add_next_edge(gradient_edge(t));
    node->sizes.emplace_back(t.sizes());
    node->dtypes.push_back(t.dtype());
  }
  set_history(out, node);
  if (AnomalyMode::is_enabled()) node->set_creation_trace(current_trace());
}

/// The node that `t[indices] = value` records on t: t's old graph gets grad with the written
/// region zeroed, value gets that region (summed to its shape). It reports PyTorch's name for this
/// write, CopySlices; unlike autograd's CopySlices (Note [views and in-place ops], an in-place op on
/// any view) it is built from ops, so it is twice differentiable.
struct SliceAssignBackward final : Node {
  std::vector<indexing::TensorIndex> indices;
  DimVector self_sizes, value_sizes, value_stripped;
  ScalarType value_dtype = kFloat32;
  bool has_value = false;
  std::string name() const override { return "CopySlices"; }
  variable_list apply(variable_list&& grads) override {
    const Tensor& g = grads[0];
    variable_list out(has_value ? 2 : 1);
    if (!g.defined()) return out;
    if (should_compute_output(0)) {
      Tensor mask = ones(self_sizes, g.options());
      mask.index(indices).fill_(0);
      out[0] = g * mask;
    }
    if (has_value && should_compute_output(1)) {
      Tensor gv = sum_to(g.index(indices), value_stripped);
      out[1] = reduce_grad(gv.reshape(value_sizes), value_sizes, value_dtype);
    }
    return out;
  }
};

void record_index_put(const Tensor& self, ArrayRef<indexing::TensorIndex> indices, const Tensor* value,
                      IntArrayRef value_stripped) {
  auto node = make_node<SliceAssignBackward>();
  node->indices.assign(indices.begin(), indices.end());
  node->self_sizes = self.sizes();
  node->has_value = value != nullptr;
  node->reserve_next_edges(node->has_value ? 2 : 1);
  node->add_next_edge(gradient_edge(self));
  if (value) {
    node->add_next_edge(gradient_edge(*value));
    node->value_sizes = value->sizes();
    node->value_stripped = value_stripped;
    node->value_dtype = value->dtype();
  }
  set_history_inplace(self, node);
  if (AnomalyMode::is_enabled()) node->set_creation_trace(current_trace());
}

const Tensor& grad(const Tensor& t) {
  static const Tensor undefined;
  AutogradMeta* m = meta(t);
  return m ? m->grad_ : undefined;
}

void set_grad(const Tensor& t, const Tensor& grad) {
  t.check_defined("grad");
  if (grad.defined()) {
    EMBER_CHECK(grad.sizes().equals(t.sizes()), "assigned grad has data of a different size (", grad.sizes(),
                " vs ", t.sizes(), ")");
    EMBER_CHECK(grad.dtype() == t.dtype(), "assigned grad has data of a different type (", grad.dtype(), " vs ",
                t.dtype(), ")");
    EMBER_CHECK(grad.device() == t.device(), "assigned grad has data located on a different device");
  } else if (!meta(t)) {
    return;
  }
  materialize_meta(t).grad_ = grad;
}

void tensor_backward(const Tensor& t, const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                     const std::vector<Tensor>& inputs) {
  backward({t}, gradient.defined() ? variable_list{gradient} : variable_list{}, retain_graph, create_graph, inputs);
}

void retain_grad(const Tensor& t) {
  t.check_defined("retain_grad");
  EMBER_CHECK(t.requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  if (t.is_leaf()) return;  // leaves keep .grad anyway
  AutogradMeta& m = materialize_meta(t);
  if (m.retains_grad_) return;
  m.retains_grad_ = true;
  TensorImpl* impl = t.unsafeGetTensorImpl();
  std::weak_ptr<TensorImpl> weak = t.impl();
  impl->grad_fn()->add_tensor_pre_hook(impl->output_nr(), [weak](const Tensor& g) -> Tensor {
    auto impl = weak.lock();
    if (!impl || !g.defined()) return Tensor();
    Tensor self(impl);
    const Tensor& cur = self.grad();
    if (!cur.defined()) self.set_grad(g.detach().clone());
    else self.set_grad(cur + g.detach());
    return Tensor();
  });
}

bool retains_grad(const Tensor& t) {
  AutogradMeta* m = meta(t);
  return m && m->retains_grad_;
}

unsigned register_hook(const Tensor& t, std::function<Tensor(const Tensor&)> hook) {
  t.check_defined("register_hook");
  EMBER_CHECK(t.requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  if (const auto& fn = t.grad_fn()) {
    fn->add_tensor_pre_hook(t.output_nr(), std::move(hook));
    return static_cast<unsigned>(fn->tensor_pre_hooks().size() - 1);
  }
  // A leaf keeps its hooks itself: its AccumulateGrad node lives only as long as a graph uses it.
  auto& hooks = materialize_meta(t).leaf_hooks_;
  hooks.push_back(std::move(hook));
  return static_cast<unsigned>(hooks.size() - 1);
}

void register_post_accumulate_grad_hook(const Tensor& t, std::function<void(const Tensor&)> hook) {
  t.check_defined("register_post_accumulate_grad_hook");
  EMBER_CHECK(t.is_leaf(), "post accumulate grad hooks cannot be registered on non-leaf tensors");
  EMBER_CHECK(t.requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  materialize_meta(t).post_acc_hooks_.push_back(std::move(hook));
}

const bool installed = [] {
  ember::detail::AutogradHooks& h = ember::detail::g_autograd_hooks;
  h.grad = &grad;
  h.set_grad = &set_grad;
  h.refresh_view_grad_fn = &refresh_view_grad_fn;
  h.retain_grad = &retain_grad;
  h.retains_grad = &retains_grad;
  h.register_hook = &register_hook;
  h.register_post_accumulate_grad_hook = &register_post_accumulate_grad_hook;
  h.delayed_error = &delayed_error;
  h.record_cat = &record_cat;
  h.record_index_put = &record_index_put;
  h.backward = &tensor_backward;  // last: autograd_loaded() tests it
  return true;
}();

}  // namespace
}  // namespace ember::autograd
