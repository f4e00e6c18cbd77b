// ember::nn::Module: libtorch's torch::nn::Module. A module owns named parameters, buffers and child
// modules in registration order; named_parameters() keys equal Python's state_dict keys ("fc.weight").
#pragma once
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/ordered_dict.h"
#include "ember/util/export.h"

namespace ember::nn {

template <class Contained>
class ModuleHolder;
template <class Derived>
class Cloneable;

/// The base of every module (layers, containers, user networks). Held by std::shared_ptr.
class EMBER_API Module : public std::enable_shared_from_this<Module> {
 public:
  /// A module printed as name (Python's class name: "Linear", "Sequential").
  explicit Module(std::string name);
  /// A module named after its dynamic type, demangled, without namespaces and without a trailing "Impl".
  Module();
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  /// The name printed by pretty_print and operator<< (Python's class name).
  const std::string& name() const noexcept;
  /// A deep copy (libtorch's Cloneable): built-in modules and modules deriving nn::Cloneable<Derived> have
  /// it; a module deriving Module directly throws NotImplementedError.
  virtual std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const;

  /// Calls fn on this module and every descendant (pre-order, each once).
  void apply(const std::function<void(Module&)>& fn);
  void apply(const std::function<void(const Module&)>& fn) const;
  /// As apply, with each module's dotted name ("" for this module, name_prefix prepended).
  void apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix = "");
  /// As apply, with shared pointers (this module included: it must be held by a shared_ptr).
  void apply(const std::function<void(const std::shared_ptr<Module>&)>& fn);

  /// Parameters of this module and (recurse) its descendants, each once.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// Parameters by dotted name ("0.weight", "fc.bias"), Python's state_dict keys and order.
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  /// Buffers of this module and (recurse) its descendants, each once.
  std::vector<Tensor> buffers(bool recurse = true) const;
  /// Buffers by dotted name.
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  /// This module (include_self) and every descendant, pre-order, each once.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true) const;
  /// As modules(), keyed by dotted name ("" or name_prefix for this module).
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = "",
                                                                  bool include_self = true) const;
  /// The direct children, in registration order.
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;

  /// Sets training mode on this module and every descendant.
  virtual void train(bool on = true);
  /// train(false).
  void eval();
  virtual bool is_training() const noexcept;

  /// Converts floating-point parameters and buffers to dtype and every tensor to device. Note [Module::to].
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);
  virtual void to(ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);

  /// Drops (set_to_none) or zeroes every parameter's gradient.
  virtual void zero_grad(bool set_to_none = true);

  /// Prints this module's own line, libtorch's hook: "Linear(in_features=3, out_features=4, bias=True)".
  /// The default prints name(); operator<< adds the children as Python's repr does.
  virtual void pretty_print(std::ostream& stream) const;

  /// Registers a parameter (a leaf; requires_grad set as given). An undefined tensor registers "no
  /// parameter" (Python's register_parameter(name, None)), skipped by parameters().
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  /// Registers a buffer (state that is not a parameter: running statistics, masks).
  Tensor& register_buffer(std::string name, Tensor tensor);
  /// Registers a child module; returns it.
  template <class ModuleType>
  std::shared_ptr<ModuleType> register_module(std::string name, std::shared_ptr<ModuleType> module) {
    register_module_impl(std::move(name), module);
    return module;
  }
  /// Registers the module a holder holds; returns it (assignable to a holder member).
  template <class ModuleType>
  std::shared_ptr<ModuleType> register_module(std::string name, ModuleHolder<ModuleType> module_holder) {
    return register_module(std::move(name), module_holder.ptr());
  }
  /// Replaces an already registered child; returns the new one.
  template <class ModuleType>
  std::shared_ptr<ModuleType> replace_module(const std::string& name, std::shared_ptr<ModuleType> module) {
    replace_module_impl(name, module);
    return module;
  }
  template <class ModuleType>
  std::shared_ptr<ModuleType> replace_module(const std::string& name, ModuleHolder<ModuleType> module_holder) {
    return replace_module(name, module_holder.ptr());
  }
  /// Removes a registered child; throws when absent.
  void unregister_module(const std::string& name);

  /// The child registered as name, or nullptr.
  std::shared_ptr<Module> named_child(const std::string& name) const;

 protected:
  /// Called by to() after it replaced registered tensors (Note [Module::to]): a module that keeps
  /// copies of its parameter or buffer handles in members re-reads them here.
  virtual void on_tensors_replaced() {}
  /// Whether operator<< folds runs of identical children ("(0-2): 3 x Linear(...)"), as ModuleList.
  virtual bool fold_repeated_children() const { return false; }

  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};
  bool is_training_ = true;

 private:
  template <class Derived>
  friend class Cloneable;
  friend EMBER_API std::ostream& operator<<(std::ostream& stream, const Module& module);
  /// Turns this module into a clone of other (Cloneable implements it; the default throws).
  virtual void clone_(Module& other, const std::optional<Device>& device);
  void register_module_impl(std::string name, std::shared_ptr<Module> module);
  void replace_module_impl(const std::string& name, std::shared_ptr<Module> module);
  template <class Fn>
  void convert_tensors(const Fn& fn);
  mutable std::optional<std::string> name_;
};

/// Python's nested repr: pretty_print, then each child as "(name): ..." indented by two spaces.
EMBER_API std::ostream& operator<<(std::ostream& stream, const Module& module);

/// The nested repr as a string (operator<<).
EMBER_API std::string repr(const Module& module);

}  // namespace ember::nn
