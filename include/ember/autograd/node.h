// The autograd graph: Node (one backward function), Edge (which input of which Node a gradient
// flows to), SavedVariable (a tensor saved for backward, checked against in-place changes).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::autograd {

class Node;
using variable_list = std::vector<Tensor>;

/// A gradient's destination: input `input_nr` of `function` (null: nowhere).
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool is_valid() const { return function != nullptr; }
};

/// Called with the gradient flowing into a tensor; may return a replacement (undefined: keep).
using TensorHook = std::function<Tensor(const Tensor&)>;
/// Called with a leaf after its .grad was accumulated.
using PostAccumulateHook = std::function<void(const Tensor&)>;

/// One backward function: maps gradients w.r.t. its forward outputs (its inputs here) to gradients
/// w.r.t. its forward inputs, sent along next_edges().
class EMBER_API Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Computes input gradients from output gradients.
  virtual variable_list apply(variable_list&& grads) = 0;
  /// PyTorch-style name ("MulBackward0").
  virtual std::string name() const = 0;
  /// Frees saved tensors (after a backward without retain_graph).
  virtual void release_variables() {}

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  void add_next_edge(Edge e) { next_edges_.push_back(std::move(e)); }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  /// Whether input i of the forward op needs a gradient.
  bool should_compute_output(size_t i) const { return i < next_edges_.size() && next_edges_[i].is_valid(); }
  /// Number of forward outputs (= gradients this node receives).
  uint32_t num_inputs() const { return num_inputs_; }
  void set_num_inputs(uint32_t n) { num_inputs_ = n; }
  /// Creation order; later nodes run first when several are ready.
  uint64_t sequence_nr() const { return sequence_nr_; }

  /// Hooks on the gradient arriving at input `input_nr` (the forward output's grad).
  void add_tensor_pre_hook(uint32_t input_nr, TensorHook h) { pre_hooks_.push_back({input_nr, std::move(h)}); }
  const std::vector<std::pair<uint32_t, TensorHook>>& tensor_pre_hooks() const { return pre_hooks_; }
  std::vector<std::pair<uint32_t, TensorHook>>& mutable_tensor_pre_hooks() { return pre_hooks_; }

  /// Where the forward op was created (filled by the Python layer in anomaly mode).
  const std::string& creation_trace() const { return trace_; }
  void set_creation_trace(std::string t) { trace_ = std::move(t); }

 private:
  std::vector<Edge> next_edges_;
  std::vector<std::pair<uint32_t, TensorHook>> pre_hooks_;
  std::string trace_;
  uint64_t sequence_nr_;
  uint32_t num_inputs_ = 1;
};

/// Creates a node with a deleter that frees long chains iteratively (no deep recursion).
template <class T, class... Args>
std::shared_ptr<T> make_node(Args&&... args);

/// Note [saved variables]: a tensor saved for backward remembers its version counter's value; if
/// anything writes the tensor (or any view of it) in place before backward, unpack() raises.
/// A saved forward *output* is stored without its grad_fn (that would be a reference cycle
/// node -> tensor -> node) and gets it back, as a weak link, on unpack.
class EMBER_API SavedVariable {
 public:
  SavedVariable() = default;
  SavedVariable(const Tensor& t, bool is_output);
  /// The saved tensor; throws if it was freed or modified in place since.
  Tensor unpack(const std::shared_ptr<Node>& owner = nullptr) const;
  void reset();
  bool defined() const { return saved_ || was_defined_; }

 private:
  Tensor data_;
  std::weak_ptr<Node> grad_fn_;  // for outputs
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool saved_ = false;
  bool was_defined_ = false;
  bool is_output_ = false;
  bool requires_grad_ = false;
  bool released_ = false;
  std::string op_name_;
  friend class Node;
};

namespace internal {
EMBER_API void delete_node(Node* n);
}

template <class T, class... Args>
std::shared_ptr<T> make_node(Args&&... args) {
  return std::shared_ptr<T>(new T(std::forward<Args>(args)...), [](T* p) { internal::delete_node(p); });
}

}  // namespace ember::autograd
