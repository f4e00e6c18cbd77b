// libtorch's overloads of max / min: max(t) is the schema op max(), max(t, dim, keepdim) gives
// (values, indices) (the schema op max_dim), max(t, other) is maximum.
#pragma once
#include <tuple>

#include "ember/gen/functions.h"

namespace ember {

inline std::tuple<Tensor, Tensor> max(const Tensor& self, int64_t dim, bool keepdim = false) {
  return max_dim(self, dim, keepdim);
}
inline std::tuple<Tensor, Tensor> min(const Tensor& self, int64_t dim, bool keepdim = false) {
  return min_dim(self, dim, keepdim);
}
inline Tensor max(const Tensor& self, const Tensor& other) { return maximum(self, other); }
inline Tensor min(const Tensor& self, const Tensor& other) { return minimum(self, other); }

}  // namespace ember
