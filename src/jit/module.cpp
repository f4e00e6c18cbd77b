// Script modules (include/ember/jit/module.h).
#include "ember/jit/module.h"

#include "ember/gen/functions.h"

namespace ember::jit {

struct Module::State {
  std::shared_ptr<ivalue::Object> obj;
  std::shared_ptr<CompilationUnit> unit;
  std::vector<std::pair<std::string, AttrKind>> kinds;  // registration order
  std::map<std::string, std::shared_ptr<State>> children;
};

Module::Module(const std::string& class_name, std::shared_ptr<CompilationUnit> unit) : s_(std::make_shared<State>()) {
  s_->obj = ivalue::Object::create(class_name);
  s_->unit = unit ? std::move(unit) : std::make_shared<CompilationUnit>();
  add("training", true, AttrKind::Attribute);
}

const std::string& Module::type_name() const { return s_->obj->name(); }
const std::shared_ptr<ivalue::Object>& Module::_ivalue() const { return s_->obj; }
const std::shared_ptr<CompilationUnit>& Module::_unit() const { return s_->unit; }

void Module::add(const std::string& name, IValue v, AttrKind kind) {
  for (auto& k : s_->kinds)
    if (k.first == name) {
      EMBER_CHECK_VALUE(k.second == kind || name == "training", "'", type_name(), "' already has an attribute '", name, "'");
      s_->obj->setAttr(name, std::move(v));
      return;
    }
  s_->kinds.emplace_back(name, kind);
  s_->obj->setAttr(name, std::move(v));
}

void Module::register_parameter(const std::string& name, Tensor t) { add(name, std::move(t), AttrKind::Parameter); }
void Module::register_buffer(const std::string& name, Tensor t) { add(name, std::move(t), AttrKind::Buffer); }
void Module::register_attribute(const std::string& name, IValue v) { add(name, std::move(v), AttrKind::Attribute); }
void Module::register_module(const std::string& name, const Module& m) {
  add(name, IValue(m.s_->obj), AttrKind::Module);
  s_->children[name] = m.s_;
}

void Module::setattr(const std::string& name, IValue v) {
  EMBER_CHECK_VALUE(hasattr(name), "'", type_name(), "' object has no attribute '", name, "'");
  s_->obj->setAttr(name, std::move(v));
}

IValue Module::attr(const std::string& name) const {
  EMBER_CHECK_VALUE(hasattr(name), "'", type_name(), "' object has no attribute '", name, "'");
  return s_->obj->getAttr(name);
}
IValue Module::attr(const std::string& name, IValue or_else) const {
  return hasattr(name) ? s_->obj->getAttr(name) : std::move(or_else);
}
bool Module::hasattr(const std::string& name) const { return attr_kind(name).has_value(); }

std::optional<AttrKind> Module::attr_kind(const std::string& name) const {
  for (const auto& k : s_->kinds)
    if (k.first == name) return k.second;
  return std::nullopt;
}

void Module::define_method(const std::string& name, std::shared_ptr<Graph> graph) {
  EMBER_CHECK_VALUE(!graph->inputs().empty(), "define_method: the graph of '", name, "' must take self first");
  s_->unit->define(type_name() + "." + name, std::move(graph));
}

std::optional<Method> Module::find_method(const std::string& name) const {
  Function* f = s_->unit->find_function(type_name() + "." + name);
  if (!f) return std::nullopt;
  return Method(s_->obj, f, s_->unit);
}

Method Module::get_method(const std::string& name) const {
  auto m = find_method(name);
  EMBER_CHECK_VALUE(m.has_value(), "'", type_name(), "' has no method '", name, "'");
  return *m;
}

std::vector<Method> Module::get_methods() const {
  std::vector<Method> out;
  std::string prefix = type_name() + ".";
  for (Function* f : s_->unit->functions())
    if (f->name().rfind(prefix, 0) == 0 && f->name().find('.', prefix.size()) == std::string::npos)
      out.emplace_back(s_->obj, f, s_->unit);
  return out;
}

IValue Method::operator()(std::vector<IValue> inputs) const {
  inputs.insert(inputs.begin(), IValue(self_));
  EMBER_CHECK_TYPE(inputs.size() == fn_->num_inputs(), fn_->name(), "() expected ", fn_->num_inputs() - 1,
                   " arguments but got ", inputs.size() - 1);
  return (*fn_)(std::move(inputs));
}

namespace {
void collect(const Module& m, const std::string& prefix, bool recurse, AttrKind want,
             std::vector<std::pair<std::string, Tensor>>& out) {
  for (const auto& kv : m._ivalue()->type()->attributeNames()) {
    auto k = m.attr_kind(kv);
    if (k == want) {
      IValue v = m.attr(kv);
      if (v.isTensor()) out.emplace_back(prefix + kv, v.toTensor());
    }
  }
  if (!recurse) return;
  for (const auto& c : m.named_children()) collect(c.second, prefix + c.first + ".", true, want, out);
}
}  // namespace

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect(*this, "", recurse, AttrKind::Parameter, out);
  return out;
}
std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect(*this, "", recurse, AttrKind::Buffer, out);
  return out;
}
std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& p : named_parameters(recurse)) out.push_back(p.second);
  return out;
}
std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& p : named_buffers(recurse)) out.push_back(p.second);
  return out;
}

std::vector<std::pair<std::string, Module>> Module::named_children() const {
  std::vector<std::pair<std::string, Module>> out;
  for (const auto& k : s_->kinds)
    if (k.second == AttrKind::Module) out.emplace_back(k.first, Module(s_->children.at(k.first)));
  return out;
}
std::vector<Module> Module::children() const {
  std::vector<Module> out;
  for (auto& c : named_children()) out.push_back(c.second);
  return out;
}
std::vector<std::pair<std::string, Module>> Module::named_modules() const {
  std::vector<std::pair<std::string, Module>> out{{"", *this}};
  for (auto& c : named_children())
    for (auto& sub : c.second.named_modules()) out.emplace_back(sub.first.empty() ? c.first : c.first + "." + sub.first, sub.second);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::state_dict() const {
  // Per module: its parameters, then its buffers, then its children (nn.Module.state_dict's order).
  std::vector<std::pair<std::string, Tensor>> out;
  for (auto& m : named_modules()) {
    std::string prefix = m.first.empty() ? "" : m.first + ".";
    for (auto& p : m.second.named_parameters(false)) out.emplace_back(prefix + p.first, p.second);
    for (auto& b : m.second.named_buffers(false)) out.emplace_back(prefix + b.first, b.second);
  }
  return out;
}

void Module::train(bool on) {
  for (auto& m : named_modules()) m.second.s_->obj->setAttr("training", on);
}
bool Module::is_training() const { return attr("training").toBool(); }

void Module::apply(const std::function<Tensor(const Tensor&, bool)>& fn) {
  for (auto& m : named_modules()) {
    for (const auto& k : m.second.s_->kinds) {
      if (k.second != AttrKind::Parameter && k.second != AttrKind::Buffer) continue;
      IValue v = m.second.s_->obj->getAttr(k.first);
      if (!v.isTensor() || !v.toTensor().defined()) continue;
      m.second.s_->obj->setAttr(k.first, fn(v.toTensor(), k.second == AttrKind::Parameter));
    }
  }
}

void Module::to(Device device, bool non_blocking) {
  apply([&](const Tensor& t, bool is_param) {
    if (t.device() == device) return t;
    Tensor n = t.detach().to(device);
    if (is_param && t.requires_grad()) n.requires_grad_(true);
    return n;
  });
}
void Module::to(ScalarType dtype, bool non_blocking) {
  apply([&](const Tensor& t, bool is_param) {
    if (!t.is_floating_point() || t.dtype() == dtype) return t;
    Tensor n = t.detach().to(dtype);
    if (is_param && t.requires_grad()) n.requires_grad_(true);
    return n;
  });
}
void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  to(device, non_blocking);
  to(dtype, non_blocking);
}

}  // namespace ember::jit
