// ember::tensor(...) and ember::from_blob(...): tensors from C++ values and from foreign memory.
#pragma once
#include <functional>
#include <initializer_list>
#include <vector>

#include "ember/gen/functions.h"

namespace ember {

namespace detail {
/// The dtype libtorch gives a C++ literal: the default dtype for floating ones, int64 for integers.
template <class T>
ScalarType literal_dtype() {
  if constexpr (std::is_same<T, bool>::value) return kBool;
  else if constexpr (std::is_floating_point<T>::value) return get_default_dtype();
  else return kInt64;
}
template <class T>
Tensor tensor_from(const T* data, IntArrayRef shape, const TensorOptions& options) {
  using E = std::conditional_t<std::is_floating_point<T>::value, double,
                               std::conditional_t<std::is_same<T, bool>::value, bool, int64_t>>;
  Tensor t = empty(shape, TensorOptions(CppToScalarType<E>::value));
  std::copy(data, data + t.numel(), t.data_ptr<E>());
  ScalarType dt = options.dtype_opt().value_or(literal_dtype<T>());
  t = t.to(options.device_opt(), dt);
  if (options.requires_grad()) t.set_requires_grad(true);
  return t;
}
}  // namespace detail

/// A 1-D tensor holding a copy of values. As in libtorch, floating literals give the default dtype,
/// integer literals int64 and bools bool, unless options say otherwise.
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
Tensor tensor(const std::vector<T>& values, const TensorOptions& options = {}) {
  if constexpr (std::is_same<T, bool>::value) {  // vector<bool> has no data()
    std::vector<char> tmp(values.begin(), values.end());
    Tensor t = empty({static_cast<int64_t>(values.size())}, TensorOptions(kBool));
    std::copy(tmp.begin(), tmp.end(), t.data_ptr<bool>());
    t = t.to(options.device_opt(), options.dtype_opt().value_or(kBool));
    if (options.requires_grad()) t.set_requires_grad(true);
    return t;
  } else {
    int64_t n = static_cast<int64_t>(values.size());
    return detail::tensor_from(values.data(), {n}, options);
  }
}
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
Tensor tensor(std::initializer_list<T> values, const TensorOptions& options = {}) {
  return tensor(std::vector<T>(values), options);
}
/// A 2-D tensor from nested lists: `tensor({{1., 2.}, {3., 4.}})`; rows must have equal lengths.
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
Tensor tensor(std::initializer_list<std::initializer_list<T>> rows, const TensorOptions& options = {}) {
  std::vector<T> flat;
  int64_t cols = rows.size() ? static_cast<int64_t>(rows.begin()->size()) : 0;
  for (const auto& r : rows) {
    EMBER_CHECK_VALUE(static_cast<int64_t>(r.size()) == cols, "tensor: expected rows of length ", cols,
                      " but got one of length ", r.size());
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return detail::tensor_from(flat.data(), {static_cast<int64_t>(rows.size()), cols}, options);
}
/// A 0-d tensor holding one value.
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
Tensor tensor(T value, const TensorOptions& options = {}) {
  return detail::tensor_from(&value, {}, options);
}

/// A tensor over memory ember does not own (no copy). `deleter(data)` runs when the last view of it
/// dies; strides default to contiguous.
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides,
                           std::function<void(void*)> deleter, const TensorOptions& options = {});
EMBER_API Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options = {});

}  // namespace ember
