// Sequential, ModuleList, ModuleDict, Functional.
#include "ember/nn/modules/container.h"

#include "ember/nn/modules/functional.h"
#include "ember/util/error.h"

namespace ember::nn {

SequentialImpl::SequentialImpl(std::initializer_list<NamedAnyModule> named_modules) : SequentialImpl() {
  for (const auto& m : named_modules) push_back(m.name(), m.module());
}

SequentialImpl::SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict) : SequentialImpl() {
  for (auto& item : ordered_dict) push_back(item.key(), std::move(item.value()));
}

void SequentialImpl::push_back(std::string name, AnyModule any_module) {
  EMBER_CHECK(!any_module.is_empty(), "Sequential: cannot add an empty module as '", name, "'");
  register_module(std::move(name), any_module.ptr());
  modules_.push_back(std::move(any_module));
}

void SequentialImpl::extend(const SequentialImpl& other) {
  for (const auto& m : other.modules_) push_back(m);
}

size_t SequentialImpl::check_index(size_t index) const {
  EMBER_CHECK_INDEX(index < modules_.size(), "index ", index, " is out of range for a Sequential of size ",
                    modules_.size());
  return index;
}

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, "ModuleList: cannot add an empty module");
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleListImpl::insert(size_t index, std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, "ModuleList: cannot insert an empty module");
  EMBER_CHECK_INDEX(index <= modules_.size(), "ModuleList::insert: index ", index,
                    " is out of range for a ModuleList of size ", modules_.size());
  modules_.insert(modules_.begin() + static_cast<std::ptrdiff_t>(index), std::move(module));
  rename_children();
}

void ModuleListImpl::rename_children() {
  children_.clear();
  for (size_t i = 0; i < modules_.size(); ++i) register_module(std::to_string(i), modules_[i]);
}

void ModuleListImpl::extend(const ModuleListImpl& other) {
  for (const auto& m : other.modules_) push_back(m);
}

std::shared_ptr<Module> ModuleListImpl::ptr(size_t index) const {
  EMBER_CHECK_INDEX(index < modules_.size(), "index ", index, " is out of range for a ModuleList of size ",
                    modules_.size());
  return modules_[index];
}

ModuleDictImpl::ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules)
    : ModuleDictImpl() {
  update(modules);
}

ModuleDictImpl::ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) : ModuleDictImpl() {
  for (const auto& item : modules) insert(item.key(), item.value());
}

void ModuleDictImpl::insert(const std::string& key, std::shared_ptr<Module> module) {
  if (children_.contains(key)) replace_module(key, std::move(module));
  else register_module(key, std::move(module));
}

void ModuleDictImpl::update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  for (const auto& [key, module] : modules) insert(key, module);
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string& key) {
  auto m = (*this)[key];
  unregister_module(key);
  return m;
}

void ModuleDictImpl::clear() { children_.clear(); }

std::shared_ptr<Module> ModuleDictImpl::operator[](const std::string& key) const {
  const auto* m = children_.find(key);
  EMBER_CHECK_INDEX(m != nullptr, "ModuleDict has no module named '", key, "'");
  return *m;
}

FunctionalImpl::FunctionalImpl(Function function) : Module("Functional"), function_(std::move(function)) {
  EMBER_CHECK(static_cast<bool>(function_), "Functional: the function is empty");
}

Tensor FunctionalImpl::forward(Tensor input) { return function_(std::move(input)); }

// Containers clone their children one by one (they are not Cloneable: their children are not made by a
// reset()); clone_ (a container that is the child of a Cloneable module) copies a clone into this one.
std::shared_ptr<Module> SequentialImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<SequentialImpl>();
  auto names = children_.keys();
  for (size_t i = 0; i < modules_.size(); ++i) copy->push_back(names[i], modules_[i].clone(device));
  copy->is_training_ = is_training_;
  return copy;
}

void SequentialImpl::clone_(Module& other, const std::optional<Device>& device) {
  *this = static_cast<SequentialImpl&>(*other.clone(device));
}

std::shared_ptr<Module> ModuleListImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& m : modules_) copy->push_back(m->clone(device));
  copy->is_training_ = is_training_;
  return copy;
}

void ModuleListImpl::clone_(Module& other, const std::optional<Device>& device) {
  *this = static_cast<ModuleListImpl&>(*other.clone(device));
}

std::shared_ptr<Module> ModuleDictImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& item : children_) copy->insert(item.key(), item.value()->clone(device));
  copy->is_training_ = is_training_;
  return copy;
}

void ModuleDictImpl::clone_(Module& other, const std::optional<Device>& device) {
  *this = static_cast<ModuleDictImpl&>(*other.clone(device));
}

}  // namespace ember::nn
