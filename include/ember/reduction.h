// libtorch's overloads over schema ops: max / min (max(t) is the schema op max(), max(t, dim, keepdim)
// gives (values, indices) through max_dim, max(t, other) is maximum) and clamp with tensor bounds.
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

/// clamp with tensor bounds that broadcast (min(max(x, min), max)); at least one must be given.
inline Tensor clamp(const Tensor& self, const std::optional<Tensor>& min, const std::optional<Tensor>& max) {
  EMBER_CHECK((min && min->defined()) || (max && max->defined()),
              "torch.clamp: At least one of 'min' or 'max' must not be None");
  Tensor r = self;
  if (min && min->defined()) r = maximum(r, *min);
  if (max && max->defined()) r = minimum(r, *max);
  return r;
}

}  // namespace ember
