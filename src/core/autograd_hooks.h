// The hooks through which the autograd layer (libember) switches recording on in the runtime
// (libember_runtime). Note [autograd hooks].
//
// Note [autograd hooks]
//   The runtime holds the op bodies, but not autograd: no Node type, no engine. Each differentiable
//   op body asks `g_record.<op>_pre` (generated record_hooks.h) for a node before it computes
//   and hands the node and its outputs to `<op>_post` after; the hand-written sites (cat, `t[i] = v`,
//   the Tensor methods backward/grad/...) go through AutogradHooks below. Both tables are all null
//   until libember is loaded: its static initializer (src/autograd/install.cpp, generated
//   autograd_record.cpp) fills them, so a process that loads the runtime alone computes without
//   recording, and the same op bodies record once libember is loaded. The fast path pays one
//   load and one test of a global pointer (S1 `a + b` unchanged). docs/layers.md.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/grad_mode.h"
#include "ember/core/tensor.h"

namespace ember::indexing {
class TensorIndex;
}  // namespace ember::indexing

namespace ember::detail {

/// Hand-written sites of the runtime that need autograd; null until libember is loaded.
struct AutogradHooks {
  // Tensor methods (src/core/tensor_autograd.cpp forwards to these).
  const Tensor& (*grad)(const Tensor& t) = nullptr;
  void (*set_grad)(const Tensor& t, const Tensor& grad) = nullptr;
  void (*refresh_view_grad_fn)(TensorImpl* impl) = nullptr;
  void (*backward)(const Tensor& t, const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                   const std::vector<Tensor>& inputs) = nullptr;
  void (*retain_grad)(const Tensor& t) = nullptr;
  bool (*retains_grad)(const Tensor& t) = nullptr;
  unsigned (*register_hook)(const Tensor& t, std::function<Tensor(const Tensor&)> hook) = nullptr;
  void (*register_post_accumulate_grad_hook)(const Tensor& t, std::function<void(const Tensor&)> hook) = nullptr;
  // Ops whose recording is hand-written.
  std::vector<Tensor> (*delayed_error)(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                                       const std::string& msg) = nullptr;
  /// cat: out from tensors along dim; starts[i] is where tensors[i] begins (-1: skipped).
  void (*record_cat)(const Tensor& out, TensorList tensors, int64_t dim, const std::vector<int64_t>& starts) = nullptr;
  /// `self[indices] = value` (value null: a Scalar); value_stripped: value's shape as written.
  void (*record_index_put)(const Tensor& self, ArrayRef<indexing::TensorIndex> indices, const Tensor* value,
                           IntArrayRef value_stripped) = nullptr;
};

/// Filled by libember's static initializer.
EMBER_API extern AutogradHooks g_autograd_hooks;

/// Whether the autograd layer (libember) is loaded in this process.
EMBER_API bool autograd_loaded();

/// Throws: `what` needs the autograd layer, which is not loaded (a program linked to Ember::runtime alone).
[[noreturn]] EMBER_API void autograd_not_loaded(const char* what);

/// Whether any of the tensors requires grad (undefined ones don't).
inline bool any_requires_grad(std::initializer_list<const Tensor*> ts) {
  for (const Tensor* t : ts)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

}  // namespace ember::detail

namespace ember::autograd {
// Defined in the runtime (they read only TensorImpl's inline fields); also declared in ember/autograd/autograd.h.
/// Refuses in-place writes that autograd cannot track (leaf requiring grad under grad mode).
EMBER_API void check_inplace(const Tensor& t, const char* op);
/// Refuses out= when recording would be needed (PyTorch doesn't differentiate out= functions).
EMBER_API void check_out_no_grad(const char* op, std::initializer_list<const Tensor*> inputs);
}  // namespace ember::autograd
