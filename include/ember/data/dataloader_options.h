// DataLoaderOptions (libtorch's torch/data/dataloader_options.h).
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>

#include "ember/arg.h"

namespace ember::data {

/// Options of make_data_loader: DataLoaderOptions().batch_size(64).workers(2).drop_last(true).
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  /*implicit*/ DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}  // NOLINT

  /// Examples per batch.
  EMBER_ARG(size_t, batch_size) = 1;
  /// Worker threads (0: batches are made in the iterating thread).
  EMBER_ARG(size_t, workers) = 0;
  /// Batches requested ahead at most (default 2 * workers).
  EMBER_ARG(std::optional<size_t>, max_jobs);
  /// How long to wait for a batch before throwing (default: forever).
  EMBER_ARG(std::optional<std::chrono::milliseconds>, timeout);
  /// Batches come in sampler order even with workers (else in completion order).
  EMBER_ARG(bool, enforce_ordering) = true;
  /// Drop the last batch when it is smaller than batch_size.
  EMBER_ARG(bool, drop_last) = false;
};

/// DataLoaderOptions with every default filled in.
struct FullDataLoaderOptions {
  explicit FullDataLoaderOptions(DataLoaderOptions options)
      : batch_size(options.batch_size()),
        workers(options.workers()),
        max_jobs(options.max_jobs().value_or(2 * workers)),
        timeout(options.timeout()),
        enforce_ordering(options.enforce_ordering()),
        drop_last(options.drop_last()) {}
  size_t batch_size;
  size_t workers;
  size_t max_jobs;
  std::optional<std::chrono::milliseconds> timeout;
  bool enforce_ordering;
  bool drop_last;
};

}  // namespace ember::data
