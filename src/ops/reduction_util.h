// Dim handling shared by the reductions (src/ops/reduction*.cpp).
#pragma once
#include <algorithm>
#include <vector>

#include "ember/core/grad_mode.h"
#include "ember/gen/functions.h"

namespace ember::native {

/// A reduction recorded for autograd must produce a floating result: sum(dtype=int) of a tensor that
/// requires grad raises, as in PyTorch (outside no_grad; GradMode::outer_enabled is the call's mode).
inline void check_grad_dtype(const Tensor& self, std::optional<ScalarType> dtype) {
  if (dtype && !is_floating_point(*dtype) && self.requires_grad() && autograd::GradMode::outer_enabled())
    throw Error(detail::str("Autograd not support dtype: ", scalar_type_name(*dtype)));
}

/// Normalized, sorted, de-duplicated reduction dims (all dims when none are given).
inline DimVector reduce_dims(const char* op, const Tensor& self, const std::optional<IntArrayRef>& dim) {
  int64_t n = self.dim();
  DimVector out;
  if (!dim || dim->empty()) {
    for (int64_t d = 0; d < n; ++d) out.push_back(d);
    return out;
  }
  std::vector<bool> seen(std::max<int64_t>(n, 1), false);
  for (int64_t d : *dim) {
    int64_t m = std::max<int64_t>(n, 1);
    EMBER_CHECK_INDEX(d >= -m && d < m, op, ": dimension out of range (expected to be in range of [", -m, ", ",
                      m - 1, "], but got ", d, ")");
    int64_t w = d < 0 ? d + m : d;
    EMBER_CHECK(!seen[w], op, ": dim ", w, " appears multiple times in the list of dims");
    seen[w] = true;
  }
  for (int64_t d = 0; d < n; ++d)
    if (seen[d]) out.push_back(d);
  return out;
}

/// One dim, wrapped (a 0-d tensor accepts 0 and -1).
inline int64_t wrap_dim(const char* op, const Tensor& self, int64_t d) {
  int64_t m = std::max<int64_t>(self.dim(), 1);
  EMBER_CHECK_INDEX(d >= -m && d < m, op, ": dimension out of range (expected to be in range of [", -m, ", ", m - 1,
                    "], but got ", d, ")");
  return d < 0 ? d + m : d;
}

inline DimVector reduced_shape(const Tensor& self, const DimVector& dims, bool keepdim) {
  DimVector shape;
  size_t j = 0;
  for (int64_t d = 0; d < self.dim(); ++d) {
    if (j < dims.size() && dims[j] == d) {
      ++j;
      if (keepdim) shape.push_back(1);
    } else {
      shape.push_back(self.sizes()[d]);
    }
  }
  return shape;
}

}  // namespace ember::native
