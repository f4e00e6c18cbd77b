// nn::Cloneable<Derived>: libtorch's deep copy of a module. `clone()` copy-constructs the Derived object,
// clears its registries and calls its reset() (which registers fresh parameters, buffers and children,
// so member handles of the copy point at the copy's own tensors), then copies the original's values
// into the fresh tensors and clones every child into the copy's child in place. Every built-in layer
// derives from Cloneable; a user module does too by deriving `nn::Cloneable<NetImpl>` and
// registering everything in `reset()` (as libtorch requires).
#pragma once
#include <memory>
#include <optional>

#include "ember/core/grad_mode.h"
#include "ember/core/tensor.h"
#include "ember/nn/module.h"
#include "ember/util/error.h"

namespace ember::nn {

/// Base of modules that can be deep-copied with clone().
template <class Derived>
class Cloneable : public Module {
 public:
  using Module::Module;

  /// Creates and registers every parameter, buffer and child (constructors call it; clone() calls it on the copy).
  virtual void reset() = 0;

  /// A deep copy: same structure, tensors with equal values (and requires_grad) but their own memory.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override {
    NoGradGuard no_grad;
    const auto& self = static_cast<const Derived&>(*this);
    auto copy = std::make_shared<Derived>(self);
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    EMBER_CHECK(copy->parameters_.size() == parameters_.size(), name(), "::clone: the cloned module does not have "
                "the same number of parameters as the original module. Did you forget to call register_parameter() "
                "in reset()?");
    EMBER_CHECK(copy->buffers_.size() == buffers_.size(), name(), "::clone: the cloned module does not have the "
                "same number of buffers as the original module. Did you forget to call register_buffer() in reset()?");
    EMBER_CHECK(copy->children_.size() == children_.size(), name(), "::clone: the cloned module does not have the "
                "same number of child modules as the original module. Did you forget to call register_module() in "
                "reset()?");
    bool replaced = copy_tensors(parameters_, copy->parameters_, true) | copy_tensors(buffers_, copy->buffers_, false);
    if (replaced) static_cast<Module&>(*copy).on_tensors_replaced();
    for (const auto& child : children_) {
      EMBER_CHECK(copy->children_.contains(child.key()), name(), "::clone: reset() did not register the child '",
                  child.key(), "'");
      copy->children_[child.key()]->clone_(*child.value(), std::nullopt);
    }
    if (device) copy->to(*device);
    return copy;
  }

 private:
  // Copies src's values into dst's fresh tensors in place (their handles stay valid) when shape and dtype
  // agree; otherwise registers a copy in dst's place and returns true (on_tensors_replaced re-reads members).
  static bool copy_tensors(const OrderedDict<std::string, Tensor>& src, OrderedDict<std::string, Tensor>& dst,
                           bool parameters) {
    bool replaced = false;
    for (const auto& item : src) {
      EMBER_CHECK(dst.contains(item.key()), "clone: reset() did not register '", item.key(), "'");
      Tensor& to = dst[item.key()];
      const Tensor& from = item.value();
      if (!from.defined()) {
        replaced = replaced || to.defined();
        to = Tensor();
      } else if (to.defined() && to.unsafeGetTensorImpl() != from.unsafeGetTensorImpl() && to.sizes() == from.sizes() && to.dtype() == from.dtype() &&
                 to.device() == from.device()) {
        to.copy_(from);
        if (parameters) to.set_requires_grad(from.requires_grad());
      } else {
        Tensor fresh = from.detach().clone();
        if (parameters) fresh.set_requires_grad(from.requires_grad());
        to = fresh;
        replaced = true;
      }
    }
    return replaced;
  }

  // Makes this module a clone of other (same type): the copy's holders of this child stay valid.
  void clone_(Module& other, const std::optional<Device>& device) override {
    auto cloned = std::dynamic_pointer_cast<Derived>(other.clone(device));
    EMBER_CHECK(cloned != nullptr, name(), "::clone: the child's clone() returned a module of another type");
    static_cast<Derived&>(*this) = std::move(*cloned);
  }
};

}  // namespace ember::nn
