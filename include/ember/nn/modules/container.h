// Containers: Sequential, ModuleList, ModuleDict (libtorch's), with Python's child names ("0", "1"...).
#pragma once
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/nn/module.h"
#include "ember/nn/modules/any.h"
#include "ember/nn/pimpl.h"
#include "ember/ordered_dict.h"

namespace ember::nn {

/// A (name, module) pair for Sequential's named constructor: `Sequential({{"fc", Linear(3, 4)}, ...})`.
class NamedAnyModule {
 public:
  template <class M>
  NamedAnyModule(std::string name, std::shared_ptr<M> module) : name_(std::move(name)), module_(std::move(module)) {}
  template <class M>
  NamedAnyModule(std::string name, const ModuleHolder<M>& holder) : name_(std::move(name)), module_(holder) {}
  template <class M, class = std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>>>
  NamedAnyModule(std::string name, M&& module) : name_(std::move(name)), module_(std::forward<M>(module)) {}
  NamedAnyModule(std::string name, AnyModule module) : name_(std::move(name)), module_(std::move(module)) {}
  const std::string& name() const noexcept { return name_; }
  AnyModule& module() noexcept { return module_; }
  const AnyModule& module() const noexcept { return module_; }

 private:
  std::string name_;
  AnyModule module_;
};

/// Modules called in order, each on the previous one's output.
class EMBER_API SequentialImpl : public Module {
 public:
  SequentialImpl() : Module("Sequential") {}
  /// Modules in order (holders, shared_ptrs, module values or AnyModules), named "0", "1", ...
  template <class... Modules, class = std::enable_if_t<(sizeof...(Modules) > 0) &&
                                                       !(std::is_same_v<std::decay_t<Modules>, SequentialImpl> || ...)>>
  explicit SequentialImpl(Modules&&... modules) : SequentialImpl() {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  /// Named modules in order.
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named_modules);
  /// Named modules in order.
  explicit SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict);
  /// A deep copy: every module cloned, same names.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;

  /// Appends a module named by its position.
  template <class M>
  void push_back(M&& module) { push_back(std::to_string(modules_.size()), std::forward<M>(module)); }
  /// Appends a module under name.
  template <class M>
  void push_back(std::string name, M&& module) { push_back(std::move(name), to_any(std::forward<M>(module))); }
  void push_back(std::string name, AnyModule any_module);
  /// Appends every module of another Sequential (or any range of AnyModule-convertible modules).
  void extend(const SequentialImpl& other);

  /// Chains forward over the modules: the first gets args, each next the previous result.
  template <class ReturnType = Tensor, class... Args>
  ReturnType forward(Args&&... args) {
    EMBER_CHECK(!modules_.empty(), "Cannot call forward() on an empty Sequential");
    std::any value = modules_.front().any_forward(std::forward<Args>(args)...);
    for (size_t i = 1; i < modules_.size(); ++i) value = modules_[i].any_forward(std::move(value));
    if constexpr (std::is_same_v<ReturnType, std::any>) {
      return value;
    } else {
      auto* p = std::any_cast<ReturnType>(&value);
      EMBER_CHECK_TYPE(p != nullptr, "Sequential::forward: the last module returned ", value.type().name(),
                       ", not the requested ", typeid(ReturnType).name());
      return std::move(*p);
    }
  }

  /// The index-th module as T (`seq->at<LinearImpl>(0)`).
  template <class T>
  T& at(size_t index) { return modules_.at(check_index(index)).template get<T>(); }
  /// The index-th module.
  std::shared_ptr<Module> ptr(size_t index) const { return modules_.at(check_index(index)).ptr(); }
  template <class T>
  std::shared_ptr<T> ptr(size_t index) const { return modules_.at(check_index(index)).template ptr<T>(); }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  std::vector<AnyModule>::iterator begin() { return modules_.begin(); }
  std::vector<AnyModule>::iterator end() { return modules_.end(); }
  std::vector<AnyModule>::const_iterator begin() const { return modules_.begin(); }
  std::vector<AnyModule>::const_iterator end() const { return modules_.end(); }

 private:
  template <class M>
  static AnyModule to_any(M&& module) {
    if constexpr (std::is_same_v<std::decay_t<M>, AnyModule>) return std::forward<M>(module);
    else return AnyModule(std::forward<M>(module));
  }
  size_t check_index(size_t index) const;
  void clone_(Module& other, const std::optional<Device>& device) override;
  std::vector<AnyModule> modules_;
};
/// A shared handle to a SequentialImpl; also constructible from named modules:
/// `Sequential({{"fc", Linear(3, 4)}, {"act", ReLU()}})`.
class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  using ModuleHolder<SequentialImpl>::get;
  Sequential() = default;
  Sequential(std::initializer_list<NamedAnyModule> named_modules)
      : ModuleHolder(std::make_shared<SequentialImpl>(named_modules)) {}
};

/// A list of modules, registered as "0", "1", ...; it has no forward.
class EMBER_API ModuleListImpl : public Module {
 public:
  ModuleListImpl() : Module("ModuleList") {}
  template <class... Modules, class = std::enable_if_t<(sizeof...(Modules) > 0) &&
                                                       !(std::is_same_v<std::decay_t<Modules>, ModuleListImpl> || ...)>>
  explicit ModuleListImpl(Modules&&... modules) : ModuleListImpl() {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  /// Appends a module.
  void push_back(std::shared_ptr<Module> module);
  template <class M>
  void push_back(const ModuleHolder<M>& holder) { push_back(std::static_pointer_cast<Module>(holder.ptr())); }
  template <class M, class = std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>>>
  void push_back(M&& module) { push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(module))); }
  /// Inserts a module before position index (later modules are renamed).
  void insert(size_t index, std::shared_ptr<Module> module);
  template <class M>
  void insert(size_t index, const ModuleHolder<M>& holder) { insert(index, std::static_pointer_cast<Module>(holder.ptr())); }
  /// Appends every module of other.
  void extend(const ModuleListImpl& other);
  /// A deep copy: every module cloned.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;

  std::shared_ptr<Module> ptr(size_t index) const;
  template <class T>
  std::shared_ptr<T> ptr(size_t index) const {
    auto p = std::dynamic_pointer_cast<T>(ptr(index));
    EMBER_CHECK_TYPE(p != nullptr, "ModuleList: module ", index, " is not of the requested type");
    return p;
  }
  template <class T>
  T& at(size_t index) { return *ptr<T>(index); }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  std::vector<std::shared_ptr<Module>>::const_iterator begin() const { return modules_.begin(); }
  std::vector<std::shared_ptr<Module>>::const_iterator end() const { return modules_.end(); }

 protected:
  bool fold_repeated_children() const override { return true; }

 private:
  void rename_children();
  void clone_(Module& other, const std::optional<Device>& device) override;
  std::vector<std::shared_ptr<Module>> modules_;
};
EMBER_MODULE(ModuleList);

/// Modules by name, in insertion order; it has no forward.
class EMBER_API ModuleDictImpl : public Module {
 public:
  ModuleDictImpl() : Module("ModuleDict") {}
  /// Modules from (name, module) pairs.
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules);

  /// Adds or replaces (same position) the module under key.
  void insert(const std::string& key, std::shared_ptr<Module> module);
  template <class M>
  void insert(const std::string& key, const ModuleHolder<M>& holder) {
    insert(key, std::static_pointer_cast<Module>(holder.ptr()));
  }
  /// insert() of each pair.
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  /// Removes key and returns its module.
  std::shared_ptr<Module> pop(const std::string& key);
  void clear();

  std::shared_ptr<Module> operator[](const std::string& key) const;
  template <class T>
  T& at(const std::string& key) {
    auto p = std::dynamic_pointer_cast<T>((*this)[key]);
    EMBER_CHECK_TYPE(p != nullptr, "ModuleDict: module '", key, "' is not of the requested type");
    return *p;
  }
  bool contains(const std::string& key) const { return children_.contains(key); }
  std::vector<std::string> keys() const { return children_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return children_.values(); }
  const std::vector<OrderedDict<std::string, std::shared_ptr<Module>>::Item>& items() const {
    return children_.items();
  }
  size_t size() const noexcept { return children_.size(); }
  bool empty() const noexcept { return children_.is_empty(); }
  /// A deep copy: every module cloned, same keys.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;

 private:
  void clone_(Module& other, const std::optional<Device>& device) override;
};
EMBER_MODULE(ModuleDict);

}  // namespace ember::nn
