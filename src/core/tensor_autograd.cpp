// The Tensor methods about autograd, in the runtime: those that read TensorImpl's inline fields work
// everywhere; the rest forward to the autograd layer through AutogradHooks (Note [autograd hooks]) and
// raise a clear error when it is not loaded.
#include "ember/util/error.h"
#include "ember/util/pool.h"
#include "core/autograd_hooks.h"

namespace ember {
namespace detail {

AutogradHooks g_autograd_hooks;

bool autograd_loaded() { return g_autograd_hooks.backward != nullptr; }

void autograd_not_loaded(const char* what) {
  throw NotImplementedError(detail::str(what, ": autograd is not available in this process: libember_runtime is "
                                              "loaded without libember (link Ember::ember, not Ember::runtime "
                                              "alone, or load libember.so before using autograd)"));
}

}  // namespace detail

namespace autograd {

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

using detail::g_autograd_hooks;

const Tensor& Tensor::set_requires_grad(bool requires_grad) const {
  check_defined("requires_grad_");
  if (impl_->grad_fn()) {
    EMBER_CHECK(requires_grad, "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return *this;
  }
  if (requires_grad) {
    if (!detail::autograd_loaded()) detail::autograd_not_loaded("requires_grad_");
    EMBER_CHECK(ember::is_floating_point(dtype()), "only Tensors of floating point dtype can require gradients (got ",
                dtype(), ")");
    EMBER_CHECK(!impl_->is_inference() || autograd::InferenceMode::is_enabled(), "Setting requires_grad=True on "
                "inference tensor outside InferenceMode is not allowed.");
  }
  impl_->set_requires_grad(requires_grad);
  return *this;
}

const Tensor& Tensor::grad() const {
  if (!g_autograd_hooks.grad) detail::autograd_not_loaded("grad");
  return g_autograd_hooks.grad(*this);
}

void Tensor::set_grad(const Tensor& grad) const {
  if (!g_autograd_hooks.set_grad) detail::autograd_not_loaded("grad");
  g_autograd_hooks.set_grad(*this, grad);
}

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const {
  static const std::shared_ptr<autograd::Node> none;
  if (!impl_) return none;
  if (g_autograd_hooks.refresh_view_grad_fn) g_autograd_hooks.refresh_view_grad_fn(impl_.get());
  return impl_->grad_fn();
}

bool Tensor::is_leaf() const { return !impl_ || !impl_->grad_fn(); }

uint32_t Tensor::output_nr() const { return impl_ ? impl_->output_nr() : 0; }

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      const std::vector<Tensor>& inputs) const {
  if (!g_autograd_hooks.backward) detail::autograd_not_loaded("backward");
  g_autograd_hooks.backward(*this, gradient, retain_graph, create_graph, inputs);
}

void Tensor::retain_grad() const {
  if (!g_autograd_hooks.retain_grad) detail::autograd_not_loaded("retain_grad");
  g_autograd_hooks.retain_grad(*this);
}

bool Tensor::retains_grad() const { return g_autograd_hooks.retains_grad && g_autograd_hooks.retains_grad(*this); }

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
  if (!g_autograd_hooks.register_hook) detail::autograd_not_loaded("register_hook");
  return g_autograd_hooks.register_hook(*this, std::move(hook));
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const {
  if (!g_autograd_hooks.register_post_accumulate_grad_hook)
    detail::autograd_not_loaded("register_post_accumulate_grad_hook");
  g_autograd_hooks.register_post_accumulate_grad_hook(*this, std::move(hook));
}

}  // namespace ember
