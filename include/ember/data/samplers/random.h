// samplers::RandomSampler (libtorch's torch/data/samplers/random.h): a random permutation per epoch,
// drawn with ember::randperm from the default generator (ember::manual_seed) or a given one.
#pragma once
#include "ember/core/generator.h"
#include "ember/core/tensor.h"
#include "ember/data/samplers/base.h"
#include "ember/util/export.h"

namespace ember::data::samplers {

/// A new random permutation of 0 .. size-1 at every reset.
class EMBER_API RandomSampler : public Sampler<> {
 public:
  /// Permutations from the default generator (index_dtype: kInt64 or kInt32, as libtorch).
  explicit RandomSampler(int64_t size, DType index_dtype = kInt64);
  /// Permutations from `generator` (an ember extension: a seeded sampler independent of the default).
  RandomSampler(int64_t size, Generator generator, DType index_dtype = kInt64);
  /// A new permutation (over new_size indices if given).
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  /// The next up to batch_size indices of the permutation.
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  /// How many indices this epoch has handed out.
  size_t index() const noexcept { return index_; }

 private:
  std::optional<Generator> generator_;
  DType index_dtype_;
  Tensor indices_;
  size_t index_ = 0;
};

}  // namespace ember::data::samplers
