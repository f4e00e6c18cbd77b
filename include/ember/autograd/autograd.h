// Reverse-mode automatic differentiation: per-tensor autograd state, graph recording helpers used by
// generated op bodies, and the engine entry points (ember::autograd::backward / grad).
#pragma once
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"

namespace ember::autograd {

/// Per-tensor autograd state beyond grad_fn/output_nr/requires_grad (which TensorImpl holds inline):
/// allocated only for tensors that get a .grad, hooks, or a grad accumulator.
struct EMBER_API AutogradMeta : AutogradMetaBase {
  /// Note [concurrent accumulation]: backward() may run into the same leaf from several threads at
  /// once (each graph task runs on its caller's thread); this serializes AccumulateGrad's update of
  /// grad_ and the creation of the grad accumulator, per leaf.
  std::mutex mutex_;
  Tensor grad_;
  std::weak_ptr<Node> grad_accumulator_;
  std::vector<PostAccumulateHook> post_acc_hooks_;
  std::vector<TensorHook> leaf_hooks_;  // tensor hooks of a leaf (run by the engine at its AccumulateGrad)

  bool retains_grad_ = false;
};

/// The meta of t, or nullptr.
inline AutogradMeta* meta(const Tensor& t) {
  return t.defined() ? static_cast<AutogradMeta*>(t.unsafeGetTensorImpl()->autograd_meta()) : nullptr;
}
/// The meta of t, created if absent.
EMBER_API AutogradMeta& materialize_meta(const Tensor& t);

/// Where gradients for t go: its grad_fn (non-leaf) or its grad accumulator (leaf requiring grad).
EMBER_API Edge gradient_edge_slow(const Tensor& t);
inline Edge gradient_edge(const Tensor& t) {
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  // The common case inline (a non-view with history); views may need their grad_fn regenerated.
  if (impl && impl->grad_fn() && impl->requires_grad() && !impl->view_base())
    return Edge{impl->grad_fn(), impl->output_nr()};
  return gradient_edge_slow(t);
}
/// The AccumulateGrad node of a leaf requiring grad (created on first use, shared afterwards).
EMBER_API std::shared_ptr<Node> grad_accumulator(const Tensor& t);
/// Makes fn the grad_fn of t (output number output_nr).
EMBER_API void set_history(const Tensor& t, const std::shared_ptr<Node>& fn, uint32_t output_nr = 0);
EMBER_API void set_history_finish(TensorImpl* impl);
/// The same, taking over the caller's reference (no refcount traffic: what generated ops use).
template <class T>
__attribute__((always_inline)) inline void set_history(const Tensor& t, std::shared_ptr<T>&& fn,
                                                       uint32_t output_nr = 0) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  impl->set_grad_fn(std::move(fn), output_nr);
  impl->set_requires_grad(true);
  if (impl->view_base() || impl->autograd_meta()) set_history_finish(impl);
}
/// Refuses in-place writes that autograd cannot track (leaf requiring grad under grad mode).
EMBER_API void check_inplace(const Tensor& t, const char* op);
/// Records an in-place op's node on t. When t is a view, the write is rebased onto the base
/// (Note [views and in-place ops]): the base gets a CopySlices node, t a view of the base's new history.
EMBER_API void set_history_inplace(const Tensor& t, const std::shared_ptr<Node>& fn);
/// Regenerates a view's grad_fn from its base's history when the base changed since it was set.
EMBER_API void refresh_view_grad_fn(TensorImpl* impl);
/// Refuses out= when recording would be needed (PyTorch doesn't differentiate out= functions).
EMBER_API void check_out_no_grad(const char* op, std::initializer_list<const Tensor*> inputs);

/// Whether any of the tensors requires grad (undefined ones don't).
inline bool any_requires_grad(std::initializer_list<const Tensor*> ts) {
  for (const Tensor* t : ts)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

/// Computes gradients of `tensors` w.r.t. the graph leaves and accumulates them into `.grad`.
/// grad_tensors default to ones for one-element outputs. `inputs` restricts accumulation.
/// Runs callback on this thread when the backward pass running now finishes (after every node), as
/// PyTorch's Variable._execution_engine.queue_callback; throws outside a backward pass (call it from
/// a hook). DDP uses it to wait for its gradient reductions. Note [final callbacks].
EMBER_API void queue_callback(std::function<void()> callback);
EMBER_API void backward(const variable_list& tensors, const variable_list& grad_tensors = {},
                        std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                        const variable_list& inputs = {});
/// Returns the gradients of `outputs` w.r.t. `inputs` (nothing is accumulated into .grad).
EMBER_API variable_list grad(const variable_list& outputs, const variable_list& inputs,
                             const variable_list& grad_outputs = {}, std::optional<bool> retain_graph = std::nullopt,
                             bool create_graph = false, bool allow_unused = false);

/// The node at a leaf that adds incoming gradients into the leaf's .grad (after its leaf hooks).
class EMBER_API AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor variable) : variable_(std::move(variable)) { set_num_inputs(1); }
  variable_list apply(variable_list&& grads) override;
  std::string name() const override { return "ember::autograd::AccumulateGrad"; }
  const Tensor& variable() const { return variable_; }

 private:
  Tensor variable_;
};

/// Anomaly detection: a NaN produced in backward raises naming the forward op and its creation trace.
struct EMBER_API AnomalyMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};
/// Installs the function that describes where an op is being created (the Python layer installs one
/// returning the Python stack); used for nodes created while anomaly mode is on.
EMBER_API void set_trace_provider(std::string (*provider)());
EMBER_API std::string current_trace();

// ---- helpers used by the schema's backward formulas ------------------------------------------------
/// Sums t down to shape (undoing broadcasting).
EMBER_API Tensor sum_to(const Tensor& t, IntArrayRef shape);
/// Shapes and casts a computed input gradient to the input's metadata (sum_to, then dtype).
EMBER_API Tensor reduce_grad(const Tensor& g, IntArrayRef shape, ScalarType dtype);
/// g in `dtype` (the gradient of a shape-preserving unary op's input).
inline Tensor cast_grad(const Tensor& g, ScalarType dtype) {
  return !g.defined() || g.dtype() == dtype ? g : g.to(std::nullopt, dtype);
}
EMBER_API Tensor sum_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor mean_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim);
EMBER_API Tensor log_softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim);
EMBER_API Tensor matmul_backward_self(const Tensor& grad, const Tensor& self, const Tensor& other);
EMBER_API Tensor matmul_backward_other(const Tensor& grad, const Tensor& self, const Tensor& other);
EMBER_API Tensor permute_backward(const Tensor& grad, IntArrayRef dims);
// Reductions (src/autograd/reduction_backward.cpp): amax/amin/max()/min() share the gradient among
// ties; max(dim)/min(dim) route it to the returned index; prod is correct with zeros.
EMBER_API Tensor amax_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                               std::optional<IntArrayRef> dim = std::nullopt, bool keepdim = false);
EMBER_API Tensor index_reduction_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, bool keepdim,
                                          const Tensor& indices);
EMBER_API Tensor norm_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                               const std::optional<Scalar>& p, std::optional<IntArrayRef> dim, bool keepdim);
EMBER_API Tensor cumsum_backward(const Tensor& grad, int64_t dim);
EMBER_API Tensor cumprod_backward(const Tensor& grad, const Tensor& self, const Tensor& result, int64_t dim);
EMBER_API Tensor cum_index_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& indices);
EMBER_API Tensor prod_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                               std::optional<int64_t> dim, bool keepdim);
// View ops' backward formulas (src/autograd/view_backward.cpp).
EMBER_API Tensor select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t index);
EMBER_API Tensor narrow_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t start, int64_t length);
EMBER_API Tensor diagonal_backward(const Tensor& grad, IntArrayRef sizes, int64_t offset, int64_t dim1, int64_t dim2);
EMBER_API Tensor unfold_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t size, int64_t step);
EMBER_API Tensor as_strided_backward(const Tensor& grad, const Tensor& self, IntArrayRef size, IntArrayRef stride,
                                     std::optional<int64_t> storage_offset);
EMBER_API Tensor slice_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, std::optional<int64_t> start,
                                std::optional<int64_t> end, int64_t step);
/// sort / topk: grad scattered along dim to the positions in indices, in zeros(sizes) (differentiable
/// again: its backward gathers by the same indices).
EMBER_API Tensor value_selecting_backward(const Tensor& grad, int64_t dim, const Tensor& indices, IntArrayRef sizes);
EMBER_API Tensor roll_backward(const Tensor& grad, IntArrayRef shifts, std::optional<IntArrayRef> dims);
/// The gradient of clamp: grad where min <= self <= max (bounds that are None don't limit), else 0.
EMBER_API Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                                const std::optional<Scalar>& max);
/// The gradient of gelu(self, approximate) ("none": the erf form; "tanh"), built from ops (twice
/// differentiable).
EMBER_API Tensor gelu_backward(const Tensor& grad, const Tensor& self, const std::string& approximate);

}  // namespace ember::autograd
