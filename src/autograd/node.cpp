#include <atomic>

#include "ember/autograd/autograd.h"

namespace ember::autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
}

Node::Node() : sequence_nr_(g_next_sequence_nr.fetch_add(1, std::memory_order_relaxed)) {}
Node::~Node() = default;

void internal::delete_node(Node* n) {
  // Note [iterative node deletion]: destroying the last node of a long chain would recurse through
  // every shared_ptr in next_edges; instead steal the edges of nodes about to die into a stack.
  thread_local bool deleting = false;
  thread_local std::vector<std::shared_ptr<Node>>* pending = nullptr;
  auto steal = [](Node* node, std::vector<std::shared_ptr<Node>>& out) {
    for (Edge& e : node->mutable_next_edges())
      if (e.function && e.function.use_count() == 1) out.push_back(std::move(e.function));
  };
  if (deleting) {
    steal(n, *pending);
    delete n;
    return;
  }
  deleting = true;
  std::vector<std::shared_ptr<Node>> stack;
  pending = &stack;
  steal(n, stack);
  delete n;
  while (!stack.empty()) {
    std::shared_ptr<Node> next = std::move(stack.back());
    stack.pop_back();
    next.reset();  // its deleter re-enters above and pushes its own edges
  }
  pending = nullptr;
  deleting = false;
}

SavedVariable::SavedVariable(const Tensor& t, bool is_output) {
  was_defined_ = t.defined();
  if (!t.defined()) return;
  saved_ = true;
  is_output_ = is_output;
  version_ = t._version();
  requires_grad_ = t.requires_grad();
  if (is_output && requires_grad_) {
    // Save a grad_fn-less alias (Note [saved variables]); same storage and version counter.
    auto impl = std::make_shared<TensorImpl>(t.impl()->storage(), t.dtype(), DimVector(t.sizes()),
                                             DimVector(t.strides()), t.storage_offset());
    impl->set_version_counter(t.impl()->shared_version_counter());
    data_ = Tensor(std::move(impl));
    grad_fn_ = t.grad_fn();
    output_nr_ = t.output_nr();
    if (t.grad_fn()) op_name_ = t.grad_fn()->name();
  } else {
    data_ = t;
    if (t.grad_fn()) op_name_ = t.grad_fn()->name();
  }
}

void SavedVariable::reset() {
  if (saved_) released_ = true;
  data_ = Tensor();
  saved_ = false;
}

Tensor SavedVariable::unpack(const std::shared_ptr<Node>& owner) const {
  if (!was_defined_) return Tensor();
  if (released_)
    throw Error("Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.");
  if (data_._version() != version_) {
    throw Error(detail::str(
        "one of the variables needed for gradient computation has been modified by an inplace operation: [",
        scalar_type_name(data_.dtype()), " ", data_.sizes(), "]",
        op_name_.empty() ? std::string() : ", which is output " + std::to_string(output_nr_) + " of " + op_name_,
        ", is at version ", data_._version(), "; expected version ", version_,
        " instead. Hint: the backtrace further above can help find the operation that modified it in place."));
  }
  if (!is_output_ || !requires_grad_) return data_;
  // Re-attach the output's grad_fn (weakly held) so create_graph can differentiate through it.
  Tensor t(std::make_shared<TensorImpl>(data_.impl()->storage(), data_.dtype(), DimVector(data_.sizes()),
                                        DimVector(data_.strides()), data_.storage_offset()));
  t.impl()->set_version_counter(data_.impl()->shared_version_counter());
  std::shared_ptr<Node> fn = grad_fn_.lock();
  if (!fn) fn = owner;
  if (fn) set_history(t, fn, output_nr_);
  else materialize_meta(t).requires_grad_ = true;
  return t;
}

}  // namespace ember::autograd
