// datasets::TensorDataset (libtorch's torch/data/datasets/tensor.h): the rows of one tensor.
#pragma once
#include <vector>

#include "ember/data/datasets/base.h"
#include "ember/util/export.h"

namespace ember::data::datasets {

/// Example i is row i of `tensor` (a TensorExample, without a target).
struct EMBER_API TensorDataset : public Dataset<TensorDataset, TensorExample> {
  /// The tensors stacked along a new dim 0.
  explicit TensorDataset(const std::vector<Tensor>& tensors);
  explicit TensorDataset(Tensor tensor) : tensor(std::move(tensor)) {}
  /// Row index of the tensor.
  TensorExample get(size_t index) override;
  /// The tensor's size(0).
  std::optional<size_t> size() const override;

  Tensor tensor;
};

}  // namespace ember::data::datasets
