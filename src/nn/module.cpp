// ember::nn::Module: registration, traversal, modes, conversion and printing.
#include "ember/nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <ostream>
#include <sstream>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>

#include "ember/autograd/grad_mode.h"
#include "ember/util/error.h"

namespace ember::nn {
namespace {

// "NetImpl" for a user's `struct NetImpl : Module`, "Net" after dropping the holder's "Impl" suffix:
// the name Python prints for the same class.
std::string type_name(const std::type_info& info) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(info.name(), nullptr, nullptr, &status);
  std::string name = (status == 0 && demangled) ? demangled : info.name();
  std::free(demangled);
  size_t angle = name.find('<');
  size_t colon = name.rfind("::", angle == std::string::npos ? std::string::npos : angle);
  if (colon != std::string::npos) name = name.substr(colon + 2);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, "Impl") == 0) name.resize(name.size() - 4);
  return name;
}

void check_name(const std::string& name, const char* kind) {
  EMBER_CHECK_VALUE(!name.empty(), kind, " name must not be empty");
  EMBER_CHECK_VALUE(name.find('.') == std::string::npos, kind, " name must not contain a dot (got \"", name, "\")");
}

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// Python's _addindent: every line after the first gains n spaces.
std::string add_indent(const std::string& s, int n) {
  std::string out;
  std::string pad(static_cast<size_t>(n), ' ');
  for (char c : s) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

}  // namespace

Module::Module(std::string name) : name_(std::move(name)) {}
Module::Module() = default;

const std::string& Module::name() const noexcept {
  if (!name_) name_ = type_name(typeid(*this));
  return *name_;
}

std::shared_ptr<Module> Module::clone(const std::optional<Device>&) const {
  throw NotImplementedError(detail::str(name(), "::clone: this module derives nn::Module directly; derive "
                                        "nn::Cloneable<", name(), "Impl> and register its state in reset() to clone it"));
}

void Module::clone_(Module&, const std::optional<Device>&) {
  throw NotImplementedError(detail::str(name(), "::clone: this child module cannot be cloned in place; derive "
                                        "nn::Cloneable<", name(), "Impl> and register its state in reset()"));
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (const auto& m : modules(false)) fn(*m);
}

void Module::apply(const std::function<void(const Module&)>& fn) const {
  fn(*this);
  for (const auto& m : modules(false)) fn(*m);
}

void Module::apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (const auto& item : named_modules(name_prefix, false)) fn(item.key(), *item.value());
}

void Module::apply(const std::function<void(const std::shared_ptr<Module>&)>& fn) {
  for (const auto& m : modules(true)) fn(m);
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) const {
  OrderedDict<std::string, std::shared_ptr<Module>> out("Module");
  std::unordered_set<const Module*> seen{this};
  if (include_self) {
    auto self = std::const_pointer_cast<Module>(weak_from_this().lock());
    EMBER_CHECK(self != nullptr, name(), ": modules() / named_modules() with include_self needs the module to be "
                "held by a std::shared_ptr (use a module holder or std::make_shared)");
    out.insert(name_prefix, self);
  }
  // pre-order walk (Python's named_modules), each module once
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& m, const std::string& prefix) {
    for (const auto& child : m.children_) {
      if (!child.value() || !seen.insert(child.value().get()).second) continue;
      std::string key = join(prefix, child.key());
      out.insert(key, child.value());
      walk(*child.value(), key);
    }
  };
  walk(*this, name_prefix);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) const {
  return named_modules("", include_self).values();
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const {
  OrderedDict<std::string, std::shared_ptr<Module>> out("Module");
  for (const auto& child : children_)
    if (child.value()) out.insert(child.key(), child.value());
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const { return named_children().values(); }

namespace {
// named_parameters / named_buffers: each module's own tensors in pre-order, a tensor reached twice once.
template <class Get>
OrderedDict<std::string, Tensor> named_tensors(const Module& root, bool recurse, const Get& get,
                                               const OrderedDict<std::string, std::shared_ptr<Module>>& mods) {
  OrderedDict<std::string, Tensor> out("Key");
  std::unordered_set<const TensorImpl*> seen;
  auto add = [&](const Module& m, const std::string& prefix) {
    for (const auto& item : get(m)) {
      const Tensor& t = item.value();
      if (!t.defined() || !seen.insert(t.unsafeGetTensorImpl()).second) continue;
      out.insert(join(prefix, item.key()), t);
    }
  };
  add(root, "");
  if (recurse)
    for (const auto& item : mods) add(*item.value(), item.key());
  return out;
}
}  // namespace

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  auto get = [](const Module& m) -> const OrderedDict<std::string, Tensor>& { return m.parameters_; };
  return named_tensors(*this, recurse, get, recurse ? named_modules("", false) : decltype(children_)("Module"));
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  auto get = [](const Module& m) -> const OrderedDict<std::string, Tensor>& { return m.buffers_; };
  return named_tensors(*this, recurse, get, recurse ? named_modules("", false) : decltype(children_)("Module"));
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }
std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

void Module::train(bool on) {
  is_training_ = on;
  for (const auto& child : children_)
    if (child.value()) child.value()->train(on);
}

void Module::eval() { train(false); }
bool Module::is_training() const noexcept { return is_training_; }

// Note [Module::to]: libtorch converts a parameter in place with set_data; an ember TensorImpl cannot
// change its storage or dtype, so to() registers a fresh leaf in the parameter's place (same
// requires_grad, its grad converted along) and calls on_tensors_replaced() on every module, where
// built-in layers re-read their `weight` / `bias` members. A tensor shared by two modules (tied
// weights) becomes one new tensor in both. Handles copied elsewhere before to() (an optimizer's
// parameter list) keep the old tensor: convert first, then build the optimizer, as PyTorch advises.
template <class Fn>
void Module::convert_tensors(const Fn& fn) {
  NoGradGuard no_grad;
  std::unordered_map<const TensorImpl*, Tensor> done;
  auto convert = [&](OrderedDict<std::string, Tensor>& dict, bool is_param) {
    for (auto& item : dict) {
      Tensor& t = item.value();
      if (!t.defined()) continue;
      auto it = done.find(t.unsafeGetTensorImpl());
      if (it != done.end()) {
        t = it->second;
        continue;
      }
      Tensor fresh = fn(t);
      if (fresh.is_same(t)) continue;
      fresh = fresh.detach();
      if (is_param) {
        fresh.set_requires_grad(t.requires_grad());
        const Tensor& g = t.grad();
        if (g.defined()) fresh.set_grad(fn(g).detach());
      }
      done.emplace(t.unsafeGetTensorImpl(), fresh);
      t = fresh;
    }
  };
  std::vector<Module*> all{this};
  for (const auto& m : modules(false)) all.push_back(m.get());
  for (Module* m : all) {
    convert(m->parameters_, true);
    convert(m->buffers_, false);
  }
  for (Module* m : all) m->on_tensors_replaced();
}

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  EMBER_CHECK_TYPE(ember::is_floating_point(dtype), name(), ".to only accepts floating point dtypes, but got desired "
                   "dtype=", dtype);
  convert_tensors([&](const Tensor& t) {
    return t.is_floating_point() ? t.to(device, dtype, non_blocking) : t.to(device, non_blocking);
  });
}

void Module::to(ScalarType dtype, bool non_blocking) {
  EMBER_CHECK_TYPE(ember::is_floating_point(dtype), name(), ".to only accepts floating point dtypes, but got desired "
                   "dtype=", dtype);
  convert_tensors([&](const Tensor& t) {
    return t.is_floating_point() ? t.to(std::nullopt, dtype, non_blocking) : t;
  });
}

void Module::to(Device device, bool non_blocking) {
  convert_tensors([&](const Tensor& t) { return t.to(device, non_blocking); });
}

void Module::zero_grad(bool set_to_none) {
  for (const Tensor& p : parameters()) {
    const Tensor& g = p.grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      p.set_grad(Tensor());
    } else {
      NoGradGuard no_grad;
      g.zero_();
    }
  }
}

void Module::pretty_print(std::ostream& stream) const { stream << name(); }

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_name(name, "parameter");
  EMBER_CHECK(!buffers_.contains(name) && !children_.contains(name), "attribute '", name, "' already exists");
  if (tensor.defined()) {
    // a parameter is a leaf: a tensor with history is registered as its detached value (libtorch does the same)
    if (!tensor.is_leaf()) tensor = tensor.detach();
    tensor.set_requires_grad(requires_grad);
  }
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_name(name, "buffer");
  EMBER_CHECK(!parameters_.contains(name) && !children_.contains(name), "attribute '", name, "' already exists");
  return buffers_.insert(std::move(name), std::move(tensor));
}

void Module::register_module_impl(std::string name, std::shared_ptr<Module> module) {
  check_name(name, "module");
  EMBER_CHECK(module != nullptr, this->name(), ": cannot register an empty module as '", name, "'");
  EMBER_CHECK(!parameters_.contains(name) && !buffers_.contains(name), "attribute '", name, "' already exists");
  children_.insert(std::move(name), std::move(module));
}

void Module::replace_module_impl(const std::string& name, std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, this->name(), ": cannot replace '", name, "' by an empty module");
  auto* slot = children_.find(name);
  EMBER_CHECK_INDEX(slot != nullptr, this->name(), " has no submodule named '", name, "'");
  *slot = std::move(module);
}

void Module::unregister_module(const std::string& name) {
  EMBER_CHECK_INDEX(children_.contains(name), "No Module with name `", name, "` is registered");
  children_.erase(name);
}

std::shared_ptr<Module> Module::named_child(const std::string& name) const {
  const auto* slot = children_.find(name);
  return slot ? *slot : nullptr;
}

std::ostream& operator<<(std::ostream& stream, const Module& module) {
  std::ostringstream own;
  module.pretty_print(own);
  std::string head = own.str();
  const std::string& name = module.name();
  auto children = module.named_children();
  if (children.is_empty()) return stream << (head == name ? name + "()" : head);
  // Python: Name(\n  extra lines\n  (child): repr\n) once there are children
  std::vector<std::string> lines;
  std::string title = name;
  if (head.size() > name.size() + 1 && head.compare(0, name.size() + 1, name + "(") == 0 && head.back() == ')') {
    std::string extra = head.substr(name.size() + 1, head.size() - name.size() - 2);
    std::istringstream in(extra);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  } else if (head != name && head != name + "()") {
    title = head;
  }
  std::vector<std::string> reprs;
  for (const auto& child : children) reprs.push_back(repr(*child.value()));
  if (module.fold_repeated_children()) {
    size_t start = 0;
    for (size_t i = 1; i <= reprs.size(); ++i) {
      if (i < reprs.size() && reprs[i] == reprs[start]) continue;
      size_t end = i - 1;
      std::string line = start == end ? detail::str("(", start, "): ", reprs[start])
                                      : detail::str("(", start, "-", end, "): ", end - start + 1, " x ", reprs[start]);
      lines.push_back(add_indent(line, 2));
      start = i;
    }
  } else {
    size_t i = 0;
    for (const auto& child : children) lines.push_back("(" + child.key() + "): " + add_indent(reprs[i++], 2));
  }
  stream << title << "(";
  for (const auto& line : lines) stream << "\n  " << line;
  return stream << "\n)";
}

std::string repr(const Module& module) {
  std::ostringstream os;
  os << module;
  return os.str();
}

}  // namespace ember::nn
