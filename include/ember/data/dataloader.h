// The data loader (libtorch's torch/data/dataloader.h and dataloader/stateless.h):
// make_data_loader(dataset, options) or make_data_loader(dataset, sampler, options), then
// `for (auto& batch : *loader)`. With workers > 0, worker threads (each with its own copy of the
// dataset) make the batches; an exception in a worker is rethrown in the iterating thread; the
// loader joins its threads on destruction, also after an early break (docs/data.md).
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/data/dataloader_options.h"
#include "ember/data/iterator.h"
#include "ember/data/samplers/random.h"
#include "ember/util/error.h"

namespace ember::data {

/// A loader over a stateless dataset (one whose get_batch answers any request).
template <typename Dataset, typename Sampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;
  using BatchRequestType = typename Sampler::BatchRequestType;

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : options_(std::move(options)), sampler_(std::move(sampler)) {
    EMBER_CHECK(options_.batch_size > 0, "DataLoader: batch_size must be positive, got 0");
    if (options_.workers == 0) {
      main_thread_dataset_.emplace(std::move(dataset));
      return;
    }
    EMBER_CHECK(options_.max_jobs > 0, "DataLoader: max_jobs must be positive with workers > 0, got 0");
    for (size_t w = 0; w < options_.workers; ++w)
      workers_.emplace_back([this, dataset]() mutable { worker_thread(dataset); });
  }
  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;
  ~StatelessDataLoader() { join(); }

  /// Starts a new epoch (resetting the sampler, dropping what an earlier one left in flight) and
  /// returns an iterator to its first batch.
  Iterator<BatchType> begin() {
    reset();
    return Iterator<BatchType>([this] { return next(); });
  }
  /// The end sentinel.
  Iterator<BatchType> end() { return Iterator<BatchType>(); }

  /// Stops and joins the worker threads (the destructor does it too).
  void join() {
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (joined_) return;
      joined_ = true;
      jobs_.clear();
      quit_ = true;
    }
    job_cv_.notify_all();
    for (auto& t : workers_)
      if (t.joinable()) t.join();
  }

  /// The options, with defaults filled in.
  const FullDataLoaderOptions& options() const noexcept { return options_; }

 private:
  struct Job {
    size_t sequence;
    BatchRequestType request;
  };
  struct Result {
    size_t sequence;
    std::optional<BatchType> batch;
    std::exception_ptr exception;
  };

  std::optional<BatchRequestType> next_request() {
    auto indices = sampler_.next(options_.batch_size);
    if (!indices || (indices->size() < options_.batch_size && options_.drop_last)) return std::nullopt;
    return indices;
  }

  void reset() {
    EMBER_CHECK(!joined_, "DataLoader: cannot iterate after join()");
    if (!workers_.empty()) {
      std::unique_lock<std::mutex> lock(mutex_);
      jobs_.clear();
      in_flight_ -= queued_;  // cleared jobs never run
      queued_ = 0;
      result_cv_.wait(lock, [this] { return in_flight_ == results_.size(); });
      results_.clear();
      in_flight_ = 0;
      pending_.clear();
    }
    sampler_.reset(std::nullopt);
    next_sequence_ = send_sequence_ = 0;
    exhausted_ = false;
    for (size_t i = 0; i < options_.max_jobs; ++i) prefetch();
  }

  void prefetch() {
    if (workers_.empty() || exhausted_) return;
    auto request = next_request();
    if (!request) {
      exhausted_ = true;
      return;
    }
    {
      std::lock_guard<std::mutex> g(mutex_);
      jobs_.push_back(Job{send_sequence_++, std::move(*request)});
      ++in_flight_;
      ++queued_;
    }
    job_cv_.notify_one();
  }

  std::optional<BatchType> next() {
    if (workers_.empty()) {
      auto request = next_request();
      if (!request) return std::nullopt;
      return main_thread_dataset_->get_batch(std::move(*request));
    }
    Result r = pop_result();
    if (!r.batch && !r.exception) return std::nullopt;
    prefetch();
    if (r.exception) std::rethrow_exception(r.exception);
    return std::move(r.batch);
  }

  // The next result (in sequence order with enforce_ordering); an empty one when the epoch is over.
  Result pop_result() {
    while (true) {
      if (options_.enforce_ordering) {
        auto it = pending_.find(next_sequence_);
        if (it != pending_.end()) {
          Result r = std::move(it->second);
          pending_.erase(it);
          ++next_sequence_;
          return r;
        }
      }
      std::unique_lock<std::mutex> lock(mutex_);
      if (in_flight_ == 0) return Result{0, std::nullopt, nullptr};
      auto ready = [this] { return !results_.empty(); };
      if (options_.timeout) {
        EMBER_CHECK(result_cv_.wait_for(lock, *options_.timeout, ready), "Timeout in DataLoader queue while ",
                    "waiting for the next batch (timeout was ", options_.timeout->count(), " ms)");
      } else {
        result_cv_.wait(lock, ready);
      }
      Result r = std::move(results_.front());
      results_.pop_front();
      --in_flight_;
      lock.unlock();
      if (!options_.enforce_ordering) return r;
      if (r.sequence == next_sequence_) {
        ++next_sequence_;
        return r;
      }
      pending_.emplace(r.sequence, std::move(r));  // ahead of its turn
    }
  }

  void worker_thread(Dataset& dataset) {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        job_cv_.wait(lock, [this] { return quit_ || !jobs_.empty(); });
        if (quit_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        --queued_;
      }
      Result r{job.sequence, std::nullopt, nullptr};
      try {
        r.batch.emplace(dataset.get_batch(std::move(job.request)));
      } catch (...) {
        r.exception = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> g(mutex_);
        results_.push_back(std::move(r));
      }
      result_cv_.notify_all();
    }
  }

  FullDataLoaderOptions options_;
  Sampler sampler_;
  std::optional<Dataset> main_thread_dataset_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable job_cv_, result_cv_;
  std::deque<Job> jobs_;
  std::deque<Result> results_;
  std::map<size_t, Result> pending_;  // results ahead of their turn (iterating thread only)
  size_t in_flight_ = 0, queued_ = 0;
  size_t next_sequence_ = 0, send_sequence_ = 0;
  bool exhausted_ = false, quit_ = false, joined_ = false;
};

/// A loader over dataset with a Sampler made from the dataset's size (default: RandomSampler).
template <typename Sampler = samplers::RandomSampler, typename Dataset,
          typename = std::enable_if_t<std::is_constructible_v<Sampler, size_t>>>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                        DataLoaderOptions options = DataLoaderOptions()) {
  static_assert(!Dataset::is_stateful, "make_data_loader: stateful datasets (whose batches are std::optional) "
                                       "are not implemented in ember yet");
  const std::optional<size_t> size = dataset.size();
  EMBER_CHECK(size.has_value(), "Expected the dataset to be sized in order to construct the Sampler");
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), Sampler(*size), std::move(options));
}

/// A loader over dataset with the given sampler.
template <typename Dataset, typename Sampler, typename = std::enable_if_t<!std::is_arithmetic_v<Sampler>>>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset, Sampler sampler,
                                                                        DataLoaderOptions options = DataLoaderOptions()) {
  static_assert(!Dataset::is_stateful, "make_data_loader: stateful datasets (whose batches are std::optional) "
                                       "are not implemented in ember yet");
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), std::move(sampler),
                                                                 std::move(options));
}

}  // namespace ember::data
