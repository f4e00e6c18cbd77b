// Per-tensor autograd state: the meta, grad accumulators, gradient edges and history.
#include "ember/autograd/autograd.h"
#include "ember/util/pool.h"
#include "ember/gen/functions.h"
#include "ember/autograd/autograd.h"

namespace ember {
namespace autograd {

AutogradMeta& materialize_meta(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (auto* m = impl->autograd_meta()) return *static_cast<AutogradMeta*>(m);
  // Note [concurrent accumulation]: two threads may reach a leaf without meta at once; one makes it.
  static std::mutex create_mutex;
  std::lock_guard<std::mutex> g(create_mutex);
  if (!impl->autograd_meta()) impl->set_autograd_meta(std::make_unique<AutogradMeta>());
  return *static_cast<AutogradMeta*>(impl->autograd_meta());
}

std::shared_ptr<Node> grad_accumulator(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (!impl->requires_grad() || impl->grad_fn()) return nullptr;
  AutogradMeta& m = materialize_meta(t);
  std::lock_guard<std::mutex> g(m.mutex_);
  if (auto acc = m.grad_accumulator_.lock()) return acc;
  auto acc = make_node<AccumulateGrad>(t);
  m.grad_accumulator_ = acc;
  return acc;
}

Edge gradient_edge_slow(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (impl && impl->view_base()) refresh_view_grad_fn(impl);
  if (!impl || !impl->requires_grad()) return Edge{};
  if (impl->grad_fn()) return Edge{impl->grad_fn(), impl->output_nr()};
  return Edge{grad_accumulator(t), 0};
}

void set_history(const Tensor& t, const std::shared_ptr<Node>& fn, uint32_t output_nr) {
  set_history(t, std::shared_ptr<Node>(fn), output_nr);
}

void set_history_finish(TensorImpl* impl) {
  if (impl->view_base()) impl->set_view_grad_version(impl->version_counter().current());
  if (auto* m = static_cast<AutogradMeta*>(impl->autograd_meta())) m->grad_accumulator_.reset();
}

}  // namespace autograd

}  // namespace ember
