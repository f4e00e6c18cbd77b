// The samplers (include/ember/data/samplers/): sequential, random (ember::randperm, so seeded by
// ember::manual_seed or a Generator) and the distributed ones.
#include <algorithm>
#include <numeric>

#include "ember/data/samplers/distributed.h"
#include "ember/data/samplers/random.h"
#include "ember/data/samplers/sequential.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::data::samplers {

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  const size_t remaining = size_ - index_;
  if (remaining == 0) return std::nullopt;
  std::vector<size_t> batch(std::min(batch_size, remaining));
  std::iota(batch.begin(), batch.end(), index_);
  index_ += batch.size();
  return batch;
}

RandomSampler::RandomSampler(int64_t size, DType index_dtype) : index_dtype_(index_dtype) {
  EMBER_CHECK(size >= 0, "RandomSampler: size must be non-negative, got ", size);
  indices_ = ember::randperm(size, TensorOptions(index_dtype_));
}

RandomSampler::RandomSampler(int64_t size, Generator generator, DType index_dtype)
    : generator_(std::move(generator)), index_dtype_(index_dtype) {
  EMBER_CHECK(size >= 0, "RandomSampler: size must be non-negative, got ", size);
  indices_ = ember::randperm(size, generator_, TensorOptions(index_dtype_));
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  const int64_t size = new_size ? static_cast<int64_t>(*new_size) : indices_.numel();
  indices_ = ember::randperm(size, generator_, TensorOptions(index_dtype_));
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  const size_t total = static_cast<size_t>(indices_.numel());
  if (index_ >= total) return std::nullopt;
  const size_t n = std::min(batch_size, total - index_);
  Tensor slice = indices_.narrow(0, static_cast<int64_t>(index_), static_cast<int64_t>(n)).to(kInt64).contiguous();
  const int64_t* p = slice.data_ptr<int64_t>();
  std::vector<size_t> batch(p, p + n);
  index_ += n;
  return batch;
}

namespace {
// The indices 0 .. size-1, extended by repeating the first ones up to `count` (allow_duplicates).
std::vector<size_t> padded_iota(size_t size, size_t count) {
  std::vector<size_t> all(std::max(size, count));
  std::iota(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(size), size_t{0});
  for (size_t i = size; i < count; ++i) all[i] = size == 0 ? 0 : (i - size) % size;
  return all;
}

void check_replicas(const char* who, size_t num_replicas, size_t rank) {
  EMBER_CHECK(num_replicas > 0, who, ": num_replicas must be positive, got 0");
  EMBER_CHECK_AS(ValueError, rank < num_replicas, who, ": invalid rank ", rank, ", rank should be in the interval [0, ",
                 num_replicas - 1, "]");
}
}  // namespace

DistributedRandomSampler::DistributedRandomSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates)
    : DistributedShareSampler(size, num_replicas, rank, allow_duplicates) {
  check_replicas("DistributedRandomSampler", num_replicas, rank);
  populate_indices();
}

std::vector<size_t> DistributedRandomSampler::all_indices() {
  const size_t local = local_sample_count();
  // Note: the permutation comes from ember::randperm seeded with the epoch (libtorch uses
  // std::minstd_rand), identical on every replica; padding repeats the shuffled first indices.
  Generator g(static_cast<uint64_t>(epoch_));
  Tensor perm = ember::randperm(static_cast<int64_t>(size_), g, TensorOptions(kInt64));
  const int64_t* p = perm.data_ptr<int64_t>();
  std::vector<size_t> shuffled(p, p + size_);
  std::vector<size_t> all = padded_iota(size_, local * num_replicas_);
  for (size_t& i : all) i = size_ == 0 ? 0 : shuffled[i];
  return all;
}

DistributedSequentialSampler::DistributedSequentialSampler(size_t size, size_t num_replicas, size_t rank,
                                                           bool allow_duplicates)
    : DistributedShareSampler(size, num_replicas, rank, allow_duplicates) {
  check_replicas("DistributedSequentialSampler", num_replicas, rank);
  populate_indices();
}

std::vector<size_t> DistributedSequentialSampler::all_indices() {
  return padded_iota(size_, local_sample_count() * num_replicas_);
}

void DistributedShareSampler::populate_indices() {
  const size_t local = local_sample_count();
  all_indices_ = all_indices();
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

void DistributedShareSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  populate_indices();
}

std::optional<std::vector<size_t>> DistributedShareSampler::next(size_t batch_size) {
  if (sample_index_ >= end_index_) return std::nullopt;
  const size_t end = std::min(end_index_, sample_index_ + batch_size);
  std::vector<size_t> batch(all_indices_.begin() + static_cast<std::ptrdiff_t>(sample_index_),
                            all_indices_.begin() + static_cast<std::ptrdiff_t>(end));
  sample_index_ = end;
  return batch;
}

}  // namespace ember::data::samplers
