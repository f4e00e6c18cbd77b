// The one way view ops make a view: shared storage, shared version counter, and a link to the base
// (Note [version counters]; autograd refuses in-place ops through views it cannot track).
#pragma once
#include "ember/core/tensor.h"

namespace ember::native {
Tensor make_view(const Tensor& self, IntArrayRef sizes, IntArrayRef strides, int64_t offset);
}  // namespace ember::native
