// TensorDataset and the Stack transforms (include/ember/data/datasets/tensor.h, transforms/stack.h).
#include "ember/data/datasets/tensor.h"
#include "ember/data/transforms/stack.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::data {
namespace datasets {

TensorDataset::TensorDataset(const std::vector<Tensor>& tensors) : tensor(ember::stack(tensors)) {}

TensorExample TensorDataset::get(size_t index) {
  EMBER_CHECK_INDEX(tensor.dim() > 0, "TensorDataset: the tensor must have at least one dim, got a 0-d tensor");
  EMBER_CHECK_INDEX(static_cast<int64_t>(index) < tensor.size(0), "TensorDataset: index ", index,
                    " is out of range for a dataset of size ", tensor.size(0));
  return tensor.select(0, static_cast<int64_t>(index));
}

std::optional<size_t> TensorDataset::size() const { return static_cast<size_t>(tensor.size(0)); }

}  // namespace datasets

namespace transforms {

Example<> Stack<Example<>>::apply_batch(std::vector<Example<>> examples) {
  EMBER_CHECK(!examples.empty(), "Stack: cannot stack an empty batch");
  std::vector<Tensor> data, targets;
  data.reserve(examples.size());
  targets.reserve(examples.size());
  for (auto& example : examples) {
    data.push_back(std::move(example.data));
    targets.push_back(std::move(example.target));
  }
  return {ember::stack(data), ember::stack(targets)};
}

TensorExample Stack<TensorExample>::apply_batch(std::vector<TensorExample> examples) {
  EMBER_CHECK(!examples.empty(), "Stack: cannot stack an empty batch");
  std::vector<Tensor> data;
  data.reserve(examples.size());
  for (auto& example : examples) data.push_back(std::move(example.data));
  return ember::stack(data);
}

}  // namespace transforms
}  // namespace ember::data
