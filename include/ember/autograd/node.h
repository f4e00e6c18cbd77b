// The autograd graph: Node (one backward function), Edge (which input of which Node a gradient
// flows to), SavedVariable (a tensor saved for backward, checked against in-place changes).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/dispatch/thread_local_state.h"
#include "ember/util/pool.h"

namespace ember::autograd {

class Node;
using variable_list = std::vector<Tensor>;
/// libtorch's other name for a list of tensors (torch::autograd::tensor_list).
using tensor_list = std::vector<Tensor>;

/// A gradient's destination: input `input_nr` of `function` (null: nowhere).
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool is_valid() const { return function != nullptr; }
};

/// next_edges storage: two edges inline (most ops take one or two tensors: unary and binary math,
/// reductions, views), more on the heap (where, addmm, lerp, scatter, cat, custom Functions).
class EdgeList {
 public:
  EdgeList() = default;
  EdgeList(const EdgeList&) = delete;
  EdgeList& operator=(const EdgeList&) = delete;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Edge* begin() { return data(); }
  Edge* end() { return data() + size_; }
  const Edge* begin() const { return data(); }
  const Edge* end() const { return data() + size_; }
  Edge& operator[](size_t i) { return data()[i]; }
  const Edge& operator[](size_t i) const { return data()[i]; }
  void reserve(size_t n) {
    if (n > kInline && heap_.capacity() < n) heap_.reserve(n);
  }
  void push_back(Edge&& e) {
    if (size_ < kInline && heap_.empty()) {
      inline_[size_++] = std::move(e);
      return;
    }
    push_back_slow(std::move(e));
  }

 private:
  static constexpr size_t kInline = 2;
  __attribute__((noinline)) void push_back_slow(Edge&& e) {
    if (heap_.empty())
      for (size_t i = 0; i < size_; ++i) heap_.push_back(std::move(inline_[i]));
    heap_.push_back(std::move(e));
    ++size_;
  }
  Edge* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const Edge* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  Edge inline_[kInline];
  std::vector<Edge> heap_;
  size_t size_ = 0;
};

/// Called with the gradient flowing into a tensor; may return a replacement (undefined: keep).
using TensorHook = std::function<Tensor(const Tensor&)>;
/// Called with a leaf after its .grad was accumulated.
using PostAccumulateHook = std::function<void(const Tensor&)>;
/// Node pre-hook: called with the gradients a node receives (w.r.t. its forward outputs) before it
/// runs; may return replacements (an empty list: keep them).
using FunctionPreHook = std::function<variable_list(const variable_list& grad_outputs)>;
/// Node post-hook: called after a node ran with the gradients it produced (w.r.t. its forward inputs)
/// and those it received; may return replacements for the produced ones (an empty list: keep them).
using FunctionPostHook = std::function<variable_list(const variable_list& grad_inputs, const variable_list& grad_outputs)>;

/// One backward function: maps gradients w.r.t. its forward outputs (its inputs here) to gradients
/// w.r.t. its forward inputs, sent along next_edges().
class EMBER_API Node {
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

  const EdgeList& next_edges() const { return next_edges_; }
  void add_next_edge(Edge e) { next_edges_.push_back(std::move(e)); }
  void reserve_next_edges(size_t n) { next_edges_.reserve(n); }
  EdgeList& mutable_next_edges() { return next_edges_; }
  /// Whether input i of the forward op needs a gradient.
  bool should_compute_output(size_t i) const { return i < next_edges_.size() && next_edges_[i].is_valid(); }
  /// Number of forward outputs (= gradients this node receives).
  uint32_t num_inputs() const { return num_inputs_; }
  void set_num_inputs(uint32_t n) { num_inputs_ = n; }
  /// Creation order; later nodes run first when several are ready.
  uint64_t sequence_nr() const { return sequence_nr_; }

  /// Hooks on the gradient arriving at input `input_nr` (the forward output's grad).
  void add_tensor_pre_hook(uint32_t input_nr, TensorHook h) { extras().pre_hooks.push_back({input_nr, std::move(h)}); }
  const std::vector<std::pair<uint32_t, TensorHook>>& tensor_pre_hooks() const {
    return extras_ ? extras_->pre_hooks : kNoExtras.pre_hooks;
  }
  std::vector<std::pair<uint32_t, TensorHook>>& mutable_tensor_pre_hooks() { return extras().pre_hooks; }

  /// Hooks on the whole node (PyTorch's grad_fn.register_prehook / register_hook); the returned id
  /// removes it (remove_hook). Run by the engine in registration order.
  uint64_t register_prehook(FunctionPreHook h);
  uint64_t register_hook(FunctionPostHook h);
  /// Removes a hook registered on this node; false when it is not there (already removed).
  bool remove_hook(uint64_t id);
  const std::vector<std::pair<uint64_t, FunctionPreHook>>& prehooks() const {
    return extras_ ? extras_->node_pre_hooks : kNoExtras.node_pre_hooks;
  }
  const std::vector<std::pair<uint64_t, FunctionPostHook>>& posthooks() const {
    return extras_ ? extras_->node_post_hooks : kNoExtras.node_post_hooks;
  }

  /// Where the forward op was created (filled by the Python layer in anomaly mode).
  const std::string& creation_trace() const { return extras_ ? extras_->trace : kNoExtras.trace; }
  void set_creation_trace(std::string t) { extras().trace = std::move(t); }

 private:
  // What few nodes have (hooks, anomaly traces) lives out of line: a recorded op's node stays small.
  struct Extras {
    std::vector<std::pair<uint32_t, TensorHook>> pre_hooks;
    std::vector<std::pair<uint64_t, FunctionPreHook>> node_pre_hooks;
    std::vector<std::pair<uint64_t, FunctionPostHook>> node_post_hooks;
    std::string trace;
  };
  static const Extras kNoExtras;
  Extras& extras() {
    if (!extras_) extras_ = std::make_unique<Extras>();
    return *extras_;
  }
  EdgeList next_edges_;
  std::unique_ptr<Extras> extras_;
  uint64_t sequence_nr_;
  uint32_t num_inputs_ = 1;
};



/// Creates a node: one pooled block holds the node and its reference count, so recording an op
/// does not go to malloc once the pool is warm.
template <class T, class... Args>
std::shared_ptr<T> make_node(Args&&... args) {
  return internal::make_pooled<T>(std::forward<Args>(args)...);
}

// SavedTensorHookState, SavedTensorPackHook and the pack-hook stack: ember/dispatch/thread_local_state.h.

/// Note [saved variables]: a tensor saved for backward remembers its version counter's value; if
/// anything writes the tensor (or any view of it) in place before backward, unpack() raises.
/// A saved forward *output* is stored without its grad_fn (that would be a reference cycle
/// node -> tensor -> node): as its parts in one pooled block, and either a raw pointer to the node
/// holding this SavedVariable (the usual case: the output's grad_fn is that node, see
/// save_output_of) or a weak link to another grad_fn (an in-place op on a view, whose grad_fn is
/// CopySlices). Recording stays free of refcount traffic on the node itself.
class EMBER_API SavedVariable {
 public:
  SavedVariable() = default;
  SavedVariable(const Tensor& t, bool is_output);
  SavedVariable(SavedVariable&& o) noexcept;
  SavedVariable& operator=(SavedVariable&& o) noexcept;
  SavedVariable(const SavedVariable&) = delete;
  SavedVariable& operator=(const SavedVariable&) = delete;
  ~SavedVariable();
  /// Saves t in place (what the constructor does, without building a temporary).
  void save(const Tensor& t, bool is_output);
  /// Saves `t`, an output of the op recorded by `owner` (the node holding this SavedVariable),
  /// *before* the op sets t's history to `owner`. unpack() gives t back with `owner` as grad_fn:
  /// the node passed to unpack, or the node the engine is running.
  void save_output_of(const Tensor& t, const Node* owner);
  /// The saved tensor; throws if it was freed or modified in place since.
  Tensor unpack(const std::shared_ptr<Node>& owner = nullptr) const;
  void reset();
  bool defined() const { return was_defined_; }

 private:
  struct OutputParts;  // an output is held as its parts: no TensorImpl, hence no grad_fn, no cycle
  struct PartsDeleter {
    void operator()(OutputParts* p) const noexcept;
  };
  struct Hooked {  // what a pack hook returned (rare: kept out of line, the node stays small)
    std::shared_ptr<SavedTensorHookState> state;
    std::weak_ptr<Node> grad_fn;
    uint32_t output_nr = 0;
    bool needs_history = false;
  };
  void save_parts(const TensorImpl* impl, uint32_t output_nr);
  Tensor data_;                                      // an input is held as is
  std::unique_ptr<OutputParts, PartsDeleter> out_;   // an output's parts (pooled)
  const Node* owner_ = nullptr;  // the output's grad_fn is the node holding this (no reference kept)
  std::unique_ptr<Hooked> hooked_;                   // set instead when a pack hook was active
  Scalar number_;                                    // a saved Python number (wrapped 0-d tensor)
  uint32_t version_ = 0;
  ScalarType number_dtype_ = ScalarType::Undefined;
  bool was_defined_ = false;
  bool released_ = false;
};

/// The node the engine is running on this thread (null outside backward); lets a saved output
/// whose grad_fn is its own node get that node back without the node referencing itself.
EMBER_API const std::shared_ptr<Node>* current_engine_node();

}  // namespace ember::autograd
