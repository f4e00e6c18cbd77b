// ExpandingArray<D>: libtorch's torch::ExpandingArray, the size arguments of the nn options. It is built
// from one integer (repeated D times) or a braced list / vector of exactly D values, so
// `Conv2dOptions(3, 8, 3)` and `Conv2dOptions(3, 8, {3, 5})` both work; it converts to IntArrayRef.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <vector>

#include "ember/util/array_ref.h"
#include "ember/util/error.h"

namespace ember {

/// D values of T given as one value or as a list of D values.
template <size_t D, class T = int64_t>
class ExpandingArray {
 public:
  /// D copies of single_size.
  /*implicit*/ ExpandingArray(T single_size) : single_(true) { values_.fill(single_size); }  // NOLINT
  /// Exactly D values.
  /*implicit*/ ExpandingArray(std::initializer_list<T> list) : ExpandingArray(ArrayRef<T>(list)) {}  // NOLINT
  /*implicit*/ ExpandingArray(std::vector<T> values) : ExpandingArray(ArrayRef<T>(values)) {}  // NOLINT
  /*implicit*/ ExpandingArray(ArrayRef<T> values) {  // NOLINT
    EMBER_CHECK_VALUE(values.size() == D, "Expected ", D, " values, but instead got ", values.size());
    for (size_t i = 0; i < D; ++i) values_[i] = values[i];
  }
  /*implicit*/ ExpandingArray(const std::array<T, D>& values) : values_(values) {}  // NOLINT

  std::array<T, D>& operator*() { return values_; }
  const std::array<T, D>& operator*() const { return values_; }
  std::array<T, D>* operator->() { return &values_; }
  const std::array<T, D>* operator->() const { return &values_; }
  /// The values as an ArrayRef (valid while this array lives).
  operator ArrayRef<T>() const { return ArrayRef<T>(values_.data(), D); }  // NOLINT
  /// The values as a vector.
  std::vector<T> vec() const { return std::vector<T>(values_.begin(), values_.end()); }
  static constexpr size_t size() noexcept { return D; }
  /// Whether it was given as one value (Python modules that store the argument as given print it so).
  bool is_single() const noexcept { return single_; }
  bool operator==(const ExpandingArray& o) const { return values_ == o.values_; }
  bool operator!=(const ExpandingArray& o) const { return values_ != o.values_; }

 protected:
  std::array<T, D> values_;
  bool single_ = false;
};

/// Python's tuple repr of the values: "(3, 3)", "(2,)".
template <size_t D, class T>
std::ostream& operator<<(std::ostream& stream, const ExpandingArray<D, T>& a) {
  stream << "(";
  for (size_t i = 0; i < D; ++i) stream << (i ? ", " : "") << (*a)[i];
  return stream << (D == 1 ? ",)" : ")");
}

/// An ExpandingArray whose values may be absent (adaptive pooling: None keeps the input's size).
template <size_t D, class T = int64_t>
class ExpandingArrayWithOptionalElem : public ExpandingArray<D, std::optional<T>> {
 public:
  using ExpandingArray<D, std::optional<T>>::ExpandingArray;
  /*implicit*/ ExpandingArrayWithOptionalElem(T single_size)  // NOLINT
      : ExpandingArray<D, std::optional<T>>(std::optional<T>(single_size)) {}
  /*implicit*/ ExpandingArrayWithOptionalElem(std::initializer_list<T> list)  // NOLINT
      : ExpandingArray<D, std::optional<T>>(std::optional<T>()) {
    this->single_ = false;
    EMBER_CHECK_VALUE(list.size() == D, "Expected ", D, " values, but instead got ", list.size());
    size_t i = 0;
    for (const T& v : list) this->values_[i++] = v;
  }
};

}  // namespace ember
