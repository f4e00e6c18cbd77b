// Shared by the advanced-indexing ops (src/ops/advanced_indexing.cpp) and Tensor indexing
// (src/ops/indexing.cpp).
#pragma once
#include "ember/core/tensor.h"

namespace ember::native {

/// Index tensors over self's leading dims made ready for _index_gather / _index_scatter_: bool masks
/// become their nonzero() columns, the rest are broadcast together, validated (PyTorch's IndexError
/// wording) and wrapped to non-negative; idx is a contiguous [k, n] int64 tensor, shape the broadcast
/// shape of the indices (n elements).
struct PreparedIndex {
  Tensor idx;
  DimVector shape;
  int64_t k = 0;
};
PreparedIndex prepare_index(const Tensor& self, ArrayRef<Tensor> indices);

}  // namespace ember::native
