// samplers::Sampler (libtorch's torch/data/samplers/base.h): hands out batch requests (lists of
// indices) until an epoch is over.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace ember::data::samplers {

/// Yields batch requests; reset() starts a new epoch (optionally over a new dataset size).
template <typename BatchRequest = std::vector<size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;
  virtual ~Sampler() = default;
  /// Starts over (with new_size examples if given).
  virtual void reset(std::optional<size_t> new_size) = 0;
  /// The next request of up to batch_size indices, or nullopt when the epoch is over.
  virtual std::optional<BatchRequest> next(size_t batch_size) = 0;
};

}  // namespace ember::data::samplers
