// ParameterList and ParameterDict (libtorch's classes): parameters registered under "0", "1", ... or
// under string keys, so they appear in named_parameters() (Python's state_dict keys "0", "name").
// pretty_print is Python's repr ("  (0): Parameter containing: [ember.float32 of size 2x3]" per entry).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/pimpl.h"
#include "ember/ordered_dict.h"

namespace ember::nn {

/// A list of parameters.
class EMBER_API ParameterListImpl : public Cloneable<ParameterListImpl> {
 public:
  ParameterListImpl() : Cloneable("ParameterList") {}
  /// The given tensors, registered in order as parameters "0", "1", ...
  template <class... Tensors, class = std::enable_if_t<(sizeof...(Tensors) > 0) &&
                                                       (std::is_convertible_v<Tensors, Tensor> && ...)>>
  explicit ParameterListImpl(Tensors&&... params) : ParameterListImpl() {
    (append(std::forward<Tensors>(params)), ...);
  }
  void reset() override {}
  /// Registers param (requires_grad kept when it is already a leaf requiring grad; else set true).
  void append(const Tensor& param);
  /// Appends every tensor of a container.
  template <class Container>
  void extend(const Container& container) {
    for (const auto& p : container) append(p);
  }
  Tensor& at(size_t index);
  const Tensor& at(size_t index) const;
  Tensor& operator[](size_t index) { return at(index); }
  const Tensor& operator[](size_t index) const { return at(index); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
  /// Iterates (name, tensor) items.
  auto begin() { return parameters_.begin(); }
  auto end() { return parameters_.end(); }
  auto begin() const { return parameters_.begin(); }
  auto end() const { return parameters_.end(); }
  void pretty_print(std::ostream& stream) const override;
};
EMBER_MODULE(ParameterList);

/// Parameters under string keys, in insertion order.
class EMBER_API ParameterDictImpl : public Cloneable<ParameterDictImpl> {
 public:
  ParameterDictImpl() : Cloneable("ParameterDict") {}
  explicit ParameterDictImpl(const OrderedDict<std::string, Tensor>& params);
  void reset() override {}
  /// Adds or replaces (same position) the parameter under key.
  void insert(const std::string& key, const Tensor& param);
  /// insert() of each item.
  void update(const OrderedDict<std::string, Tensor>& params);
  /// Removes key and returns its parameter; throws when absent.
  Tensor pop(const std::string& key);
  void clear();
  Tensor& get(const std::string& key);
  Tensor& operator[](const std::string& key) { return get(key); }
  bool contains(const std::string& key) const { return parameters_.contains(key); }
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  auto begin() { return parameters_.begin(); }
  auto end() { return parameters_.end(); }
  auto begin() const { return parameters_.begin(); }
  auto end() const { return parameters_.end(); }
  void pretty_print(std::ostream& stream) const override;
};
EMBER_MODULE(ParameterDict);

}  // namespace ember::nn
