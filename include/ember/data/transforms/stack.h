// transforms::Stack (libtorch's torch/data/transforms/stack.h): a batch of examples becomes one
// example of tensors stacked along a new dim 0.
#pragma once
#include <vector>

#include "ember/data/example.h"
#include "ember/data/transforms/collate.h"
#include "ember/util/export.h"

namespace ember::data::transforms {

template <typename T = Example<>>
struct Stack;

/// Stacks the data and the targets of Example<> batches.
template <>
struct EMBER_API Stack<Example<>> : public Collation<Example<>> {
  /// {stack(data...), stack(target...)}; an empty batch is an error.
  Example<> apply_batch(std::vector<Example<>> examples) override;
};

/// Stacks the data of TensorExample batches.
template <>
struct EMBER_API Stack<TensorExample> : public Collation<TensorExample> {
  /// stack(data...); an empty batch is an error.
  TensorExample apply_batch(std::vector<TensorExample> examples) override;
};

}  // namespace ember::data::transforms
