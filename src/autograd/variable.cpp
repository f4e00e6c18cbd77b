// Per-tensor autograd state and the Tensor methods that read or change it.
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

void check_inplace(const Tensor& t, const char* op) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (impl && impl->is_inference()) impl->check_inference_write();  // before the write, not at its version bump
  if (!GradMode::is_enabled()) return;
  const auto& base = impl->view_base();
  if (base && base->requires_grad() && !base->grad_fn())
    throw Error(detail::str(op, ": a view of a leaf Variable that requires grad is being used in an in-place "
                                "operation."));
  if (impl->requires_grad() && !impl->grad_fn())
    throw Error(detail::str(op, ": a leaf Variable that requires grad is being used in an in-place operation."));
}

void check_out_no_grad(const char* op, std::initializer_list<const Tensor*> inputs) {
  if (!GradMode::is_enabled()) return;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad())
      throw Error(detail::str(op, "(): functions with out=... arguments don't support automatic differentiation, "
                              "but one of the arguments requires grad."));
}

}  // namespace autograd

using autograd::AutogradMeta;
using autograd::meta;

const Tensor& Tensor::set_requires_grad(bool requires_grad) const {
  check_defined("requires_grad_");
  if (impl_->grad_fn()) {
    EMBER_CHECK(requires_grad, "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return *this;
  }
  if (requires_grad) {
    EMBER_CHECK(ember::is_floating_point(dtype()), "only Tensors of floating point dtype can require gradients (got ",
                dtype(), ")");
    EMBER_CHECK(!impl_->is_inference() || autograd::InferenceMode::is_enabled(), "Setting requires_grad=True on "
                "inference tensor outside InferenceMode is not allowed.");
  }
  impl_->set_requires_grad(requires_grad);
  return *this;
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  AutogradMeta* m = meta(*this);
  return m ? m->grad_ : undefined;
}

void Tensor::set_grad(const Tensor& grad) const {
  check_defined("grad");
  if (grad.defined()) {
    EMBER_CHECK(grad.sizes().equals(sizes()), "assigned grad has data of a different size (", grad.sizes(),
                " vs ", sizes(), ")");
    EMBER_CHECK(grad.dtype() == dtype(), "assigned grad has data of a different type (", grad.dtype(), " vs ",
                dtype(), ")");
    EMBER_CHECK(grad.device() == device(), "assigned grad has data located on a different device");
  } else if (!meta(*this)) {
    return;
  }
  autograd::materialize_meta(*this).grad_ = grad;
}

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const {
  static const std::shared_ptr<autograd::Node> none;
  if (!impl_) return none;
  autograd::refresh_view_grad_fn(impl_.get());
  return impl_->grad_fn();
}

bool Tensor::is_leaf() const { return !impl_ || !impl_->grad_fn(); }

uint32_t Tensor::output_nr() const { return impl_ ? impl_->output_nr() : 0; }

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      const std::vector<Tensor>& inputs) const {
  autograd::backward({*this}, gradient.defined() ? autograd::variable_list{gradient} : autograd::variable_list{},
                     retain_graph, create_graph, inputs);
}

void Tensor::retain_grad() const {
  check_defined("retain_grad");
  EMBER_CHECK(requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  if (is_leaf()) return;  // leaves keep .grad anyway
  AutogradMeta& m = autograd::materialize_meta(*this);
  if (m.retains_grad_) return;
  m.retains_grad_ = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  impl_->grad_fn()->add_tensor_pre_hook(impl_->output_nr(), [weak](const Tensor& g) -> Tensor {
    auto impl = weak.lock();
    if (!impl || !g.defined()) return Tensor();
    Tensor self(impl);
    const Tensor& cur = self.grad();
    if (!cur.defined()) self.set_grad(g.detach().clone());
    else self.set_grad(cur + g.detach());
    return Tensor();
  });
}

bool Tensor::retains_grad() const {
  AutogradMeta* m = meta(*this);
  return m && m->retains_grad_;
}

Tensor Tensor::detach() const {
  check_defined("detach");
  auto impl = internal::make_pooled<TensorImpl>(impl_->storage(), dtype(), DimVector(sizes()), DimVector(strides()),
                                           storage_offset());
  impl->share_version_counter(*impl_);
  return Tensor(std::move(impl));
}

const Tensor& Tensor::detach_() const {
  check_defined("detach_");
  impl_->set_grad_fn(nullptr, 0);
  impl_->set_requires_grad(false);
  return *this;
}

unsigned Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  check_defined("register_hook");
  EMBER_CHECK(requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  if (const auto& fn = grad_fn()) {
    fn->add_tensor_pre_hook(output_nr(), std::move(hook));
    return static_cast<unsigned>(fn->tensor_pre_hooks().size() - 1);
  }
  // A leaf keeps its hooks itself: its AccumulateGrad node lives only as long as a graph uses it.
  auto& hooks = autograd::materialize_meta(*this).leaf_hooks_;
  hooks.push_back(std::move(hook));
  return static_cast<unsigned>(hooks.size() - 1);
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const {
  check_defined("register_post_accumulate_grad_hook");
  EMBER_CHECK(is_leaf(), "post accumulate grad hooks cannot be registered on non-leaf tensors");
  EMBER_CHECK(requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  autograd::materialize_meta(*this).post_acc_hooks_.push_back(std::move(hook));
}

}  // namespace ember
