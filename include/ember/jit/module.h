// Script modules (libtorch's torch::jit::Module, docs/jit.md): an object (ivalue::Object) whose
// attributes are parameters, buffers, submodules and plain attributes, plus methods: graphs in a
// CompilationUnit named "<class name>.<method>", taking the object as their first input (`self`).
// A Module is a handle: copies share the object. The tracer (Python ember.jit.trace_module, C++
// ember::jit::trace_module in ember/jit_nn/trace.h) and, later, the loader make them.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/jit/function.h"

namespace ember::jit {

enum class AttrKind : uint8_t { Parameter, Buffer, Module, Attribute };

class Module;

/// A bound method: a Function called with the module as `self`.
class EMBER_API Method {
 public:
  Method(std::shared_ptr<ivalue::Object> self, Function* fn, std::shared_ptr<CompilationUnit> unit)
      : self_(std::move(self)), fn_(fn), unit_(std::move(unit)) {}
  /// Runs the method on inputs (self is prepended); the single output, or a tuple of several.
  IValue operator()(std::vector<IValue> inputs) const;
  const std::string& name() const { return fn_->name(); }
  const std::shared_ptr<Graph>& graph() const { return fn_->graph(); }
  Function& function() const { return *fn_; }

 private:
  std::shared_ptr<ivalue::Object> self_;
  Function* fn_;
  std::shared_ptr<CompilationUnit> unit_;  // keeps fn_ alive
};

class EMBER_API Module {
 public:
  /// A new module object of class `class_name` with its own compilation unit (or a shared one).
  explicit Module(const std::string& class_name, std::shared_ptr<CompilationUnit> unit = nullptr);
  /// The class name ("__module__.Net").
  const std::string& type_name() const;

  void register_parameter(const std::string& name, Tensor t);
  void register_buffer(const std::string& name, Tensor t);
  void register_module(const std::string& name, const Module& m);
  /// A plain attribute (a number, string, list ...); `training` is one.
  void register_attribute(const std::string& name, IValue v);
  /// Replaces the value of an existing attribute of any kind (a parameter's tensor, ...).
  void setattr(const std::string& name, IValue v);
  /// An attribute's value; ValueError "'Net' object has no attribute 'x'" when absent.
  IValue attr(const std::string& name) const;
  IValue attr(const std::string& name, IValue or_else) const;
  bool hasattr(const std::string& name) const;
  /// The kind of an attribute (nullopt when absent).
  std::optional<AttrKind> attr_kind(const std::string& name) const;

  /// Adds a method: a graph whose first input is self (typed Class[type_name()]).
  void define_method(const std::string& name, std::shared_ptr<Graph> graph);
  /// ValueError "... has no method 'x'" when absent.
  Method get_method(const std::string& name) const;
  std::optional<Method> find_method(const std::string& name) const;
  std::vector<Method> get_methods() const;
  /// Runs forward.
  IValue forward(std::vector<IValue> inputs) const { return get_method("forward")(std::move(inputs)); }
  IValue operator()(std::vector<IValue> inputs) const { return forward(std::move(inputs)); }

  /// Qualified names ("fc1.weight") and tensors, this module first, then children in order.
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, Module>> named_children() const;
  std::vector<Module> children() const;
  /// Every module below and including this one, with qualified names ("" for this one).
  std::vector<std::pair<std::string, Module>> named_modules() const;
  /// Parameters and buffers by qualified name (libtorch's named_parameters + named_buffers).
  std::vector<std::pair<std::string, Tensor>> state_dict() const;

  /// Sets `training` on this module and every submodule.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const;
  /// Moves parameters and buffers (floating point ones for a dtype) in place of the attributes;
  /// parameters keep requires_grad.
  void to(Device device, bool non_blocking = false);
  void to(ScalarType dtype, bool non_blocking = false);
  void to(Device device, ScalarType dtype, bool non_blocking = false);

  const std::shared_ptr<ivalue::Object>& _ivalue() const;
  const std::shared_ptr<CompilationUnit>& _unit() const;

 private:
  struct State;
  explicit Module(std::shared_ptr<State> s) : s_(std::move(s)) {}
  void add(const std::string& name, IValue v, AttrKind kind);
  void apply(const std::function<Tensor(const Tensor&, bool is_param)>& fn);
  std::shared_ptr<State> s_;
};

}  // namespace ember::jit
