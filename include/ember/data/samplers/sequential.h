// samplers::SequentialSampler (libtorch's torch/data/samplers/sequential.h): 0, 1, ..., size - 1.
#pragma once
#include "ember/data/samplers/base.h"
#include "ember/util/export.h"

namespace ember::data::samplers {

/// The indices in order.
class EMBER_API SequentialSampler : public Sampler<> {
 public:
  explicit SequentialSampler(size_t size) : size_(size) {}
  /// Back to index 0 (over new_size indices if given).
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  /// The next up to batch_size indices.
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  /// How many indices this epoch has handed out.
  size_t index() const noexcept { return index_; }

 private:
  size_t size_;
  size_t index_ = 0;
};

}  // namespace ember::data::samplers
