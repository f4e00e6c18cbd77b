// transforms::Collate (libtorch's torch/data/transforms/collate.h): a BatchLambda from a batch of
// examples to one value.
#pragma once
#include <vector>

#include "ember/data/example.h"
#include "ember/data/transforms/lambda.h"

namespace ember::data::transforms {

/// Turns a vector of examples into one batch value with a function.
template <typename T, typename BatchType = std::vector<T>>
using Collation = BatchTransform<BatchType, T>;

/// A Collation given as a function.
template <typename T, typename BatchType = std::vector<T>>
using Collate = BatchLambda<BatchType, T>;

}  // namespace ember::data::transforms
