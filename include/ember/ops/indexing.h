// Basic indexing from C++, as libtorch's torch::indexing:
//   using namespace ember::indexing;
//   Tensor v = t.index({Slice(1, None, 2), 0, None, Ellipsis});   // t[1::2, 0, None, ...]
//   t.index_put_({Slice(), -1}, 0.0);                              // t[:, -1] = 0
// Integers select (negative count from the end), Slice(start, stop, step) follows Python's slice rules
// with any nonzero step (a negative step gives a view with negative strides, as numpy does), None
// inserts a size-1 dim, Ellipsis stands for the remaining dims. The result is a view built from the
// view ops (select, slice, unsqueeze), so autograd records it. Tensor indices (int64/int32 or bool masks,
// e.g. t.index({Slice(), tensor({2, 0})})) follow numpy's advanced-indexing rules and give a copy
// (docs/views_and_indexing.md); a bool (t.index({true})) adds a size-1 dim indexed by [0] / by nothing.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::indexing {

/// `None` as an index inserts a new axis; as a Slice bound it means "not given".
constexpr std::nullopt_t None = std::nullopt;
struct EllipsisIndexType {};
constexpr EllipsisIndexType Ellipsis{};

class EMBER_API Slice {
 public:
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt);
  std::optional<int64_t> start() const { return start_; }
  std::optional<int64_t> stop() const { return stop_; }
  int64_t step() const { return step_; }

 private:
  std::optional<int64_t> start_, stop_;
  int64_t step_;
};

class EMBER_API TensorIndex {
 public:
  enum class Kind { None, Ellipsis, Integer, Boolean, Slice, Tensor };
  TensorIndex(std::nullopt_t) : kind_(Kind::None) {}          // NOLINT: implicit, as libtorch
  TensorIndex(EllipsisIndexType) : kind_(Kind::Ellipsis) {}   // NOLINT
  TensorIndex(const char* s);                                 // NOLINT: "..." only
  template <class T, std::enable_if_t<std::is_integral<T>::value && !std::is_same<T, bool>::value, int> = 0>
  TensorIndex(T i) : kind_(Kind::Integer), integer_(static_cast<int64_t>(i)) {}  // NOLINT
  TensorIndex(bool b) : kind_(Kind::Boolean), boolean_(b) {}  // NOLINT
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}     // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}  // NOLINT

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  bool boolean() const { return boolean_; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
};

/// self[indices]: a view for basic indices, a copy with tensor indices (PyTorch's IndexError wording).
EMBER_API Tensor get(const Tensor& self, ArrayRef<TensorIndex> indices);
/// self[indices] = value: value is broadcast (leading size-1 dims of value dropped first, as
/// PyTorch does) and converted to self's dtype. Recorded by autograd when self or value requires grad.
EMBER_API void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& value);
EMBER_API void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Scalar& value);

}  // namespace ember::indexing
