// Distributed samplers (libtorch's torch/data/samplers/distributed.h): replica `rank` of
// `num_replicas` gets its own share of the indices; set_epoch changes the shuffle.
#pragma once
#include <cstddef>
#include <vector>

#include "ember/data/samplers/base.h"
#include "ember/util/export.h"

namespace ember::data::samplers {

/// The share bookkeeping common to the distributed samplers. With allow_duplicates every replica
/// gets ceil(size / num_replicas) indices (the first ones repeat to fill up), else floor.
template <typename BatchRequest = std::vector<size_t>>
class DistributedSampler : public Sampler<BatchRequest> {
 public:
  DistributedSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true)
      : size_(size), num_replicas_(num_replicas), rank_(rank), epoch_(0), allow_duplicates_(allow_duplicates) {}
  /// Sets the epoch that seeds the next reset's shuffle.
  void set_epoch(size_t epoch) { epoch_ = epoch; }
  /// The current epoch.
  size_t epoch() const { return epoch_; }

 protected:
  size_t local_sample_count() {
    if (allow_duplicates_) return size_ / num_replicas_ + (size_ % num_replicas_ != 0);
    return size_ / num_replicas_;
  }

  size_t size_;
  size_t num_replicas_;
  size_t rank_;
  size_t epoch_;
  bool allow_duplicates_;
};

/// What both distributed samplers share: this replica's slice of the padded index list of every
/// replica, handed out in batches. A subclass says how that list is made (all_indices()).
class EMBER_API DistributedShareSampler : public DistributedSampler<> {
 public:
  using DistributedSampler<>::DistributedSampler;
  /// Rebuilds the share with the current epoch (over new_size indices if given).
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  /// The next up to batch_size indices of this replica's share.
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  /// Position in this replica's share.
  size_t index() const noexcept { return sample_index_ - begin_index_; }

 protected:
  /// The index list of every replica, local_sample_count() * num_replicas entries.
  virtual std::vector<size_t> all_indices() = 0;
  /// Fills the share from all_indices() (each subclass's constructor calls it).
  void populate_indices();

 private:
  size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
  std::vector<size_t> all_indices_;
};

/// This replica's share of a permutation seeded by the epoch (identical on every replica).
class EMBER_API DistributedRandomSampler : public DistributedShareSampler {
 public:
  DistributedRandomSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true);

 protected:
  std::vector<size_t> all_indices() override;
};

/// This replica's contiguous share of 0 .. size-1, in order.
class EMBER_API DistributedSequentialSampler : public DistributedShareSampler {
 public:
  DistributedSequentialSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true);

 protected:
  std::vector<size_t> all_indices() override;
};

}  // namespace ember::data::samplers
