// Datasets (libtorch's torch/data/datasets/base.h): BatchDataset answers a batch request,
// Dataset<Self, Example> answers single indices and builds batches from them.
#pragma once
#include <cstddef>
#include <optional>
#include <type_traits>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/data/example.h"

namespace ember::data {
namespace detail {
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

namespace datasets {

template <typename S, typename T>
class MapDataset;
template <typename D, typename T>
MapDataset<D, T> map(D, T);  // NOLINT

/// A dataset that returns a whole batch for a request (by default a list of indices).
template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = ArrayRef<size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  /// Stateful datasets return std::optional batches and are not supported by ember's loaders yet.
  constexpr static bool is_stateful = detail::is_optional<BatchType>::value;

  virtual ~BatchDataset() = default;
  /// The batch for a request.
  virtual Batch get_batch(BatchRequest request) = 0;
  /// The number of examples, if known.
  virtual std::optional<size_t> size() const = 0;

  /// This dataset with `transform` applied to every batch.
  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) & {
    return datasets::map(static_cast<Self&>(*this), std::move(transform));
  }
  /// This dataset (moved) with `transform` applied to every batch.
  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) && {
    return datasets::map(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

/// A map-style dataset: get(index) returns one example; get_batch calls it for every index.
template <typename Self, typename SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  /// The example at index.
  virtual ExampleType get(size_t index) = 0;

  /// get(i) for every index of the request.
  std::vector<ExampleType> get_batch(ArrayRef<size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (const auto i : indices) batch.push_back(get(i));
    return batch;
  }
};

}  // namespace datasets
}  // namespace ember::data
