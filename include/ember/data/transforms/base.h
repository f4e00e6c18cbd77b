// Transforms (libtorch's torch/data/transforms/base.h): BatchTransform maps a whole batch,
// Transform<In, Out> maps each example of a std::vector batch.
#pragma once
#include <utility>
#include <vector>

namespace ember::data::transforms {

/// Maps a batch of type InputBatch to OutputBatch.
template <typename InputBatch, typename OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;
  virtual ~BatchTransform() = default;
  /// The transformed batch.
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;
};

/// Maps every example of a batch (a std::vector) one by one.
template <typename Input, typename Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;
  /// One transformed example.
  virtual OutputType apply(InputType input) = 0;
  /// apply() of every example.
  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> output_batch;
    output_batch.reserve(input_batch.size());
    for (auto&& input : input_batch) output_batch.push_back(apply(std::move(input)));
    return output_batch;
  }
};

}  // namespace ember::data::transforms
