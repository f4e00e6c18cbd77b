// Dimension wrapping shared by the native ops (PyTorch's "Dimension out of range" IndexError).
#pragma once
#include <algorithm>
#include <cstdint>

#include "ember/util/error.h"

namespace ember::native {

/// dim in [-ndim, ndim) mapped to [0, ndim); a 0-d tensor accepts -1 and 0.
inline int64_t wrap_dim(int64_t dim, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);
  EMBER_CHECK_INDEX(dim >= -n && dim < n, "Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                    "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

}  // namespace ember::native
