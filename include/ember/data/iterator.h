// data::Iterator (libtorch's torch/data/iterator.h): an input iterator over a loader's batches,
// for `for (auto& batch : *loader)`.
#pragma once
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>

#include "ember/util/error.h"

namespace ember::data {

/// Fetches batches lazily from its loader; the default-constructed iterator is the end sentinel.
template <typename Batch>
class Iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Batch;
  using difference_type = std::ptrdiff_t;
  using pointer = Batch*;
  using reference = Batch&;

  /// The end sentinel.
  Iterator() = default;
  /// An iterator that calls next_batch for each batch (nullopt: the epoch is over).
  explicit Iterator(std::function<std::optional<Batch>()> next_batch)
      : state_(std::make_shared<State>(State{std::move(next_batch), std::nullopt, false})) {}

  /// Moves to the next batch.
  Iterator& operator++() {
    EMBER_CHECK(state_ != nullptr, "Incrementing the DataLoader's sentinel iterator is not allowed");
    fetch();  // the current batch, if not fetched yet
    EMBER_CHECK(state_->batch.has_value(), "Attempted to increment iterator past the end");
    state_->batch = state_->next();
    return *this;
  }
  /// The current batch.
  Batch& operator*() {
    EMBER_CHECK(state_ != nullptr, "Dereferencing the DataLoader's sentinel iterator is not allowed");
    fetch();
    EMBER_CHECK(state_->batch.has_value(), "Attempted to dereference iterator that was past the end");
    return *state_->batch;
  }
  Batch* operator->() { return &**this; }
  /// True when both are the sentinel, or one is and the other is exhausted.
  bool operator==(const Iterator& other) const {
    if (state_ == nullptr && other.state_ == nullptr) return true;
    if (state_ != nullptr && other.state_ != nullptr) {
      EMBER_CHECK(state_ == other.state_, "Cannot compare two DataLoader iterators that are not sentinels");
      return true;
    }
    const auto& s = state_ != nullptr ? state_ : other.state_;
    const_cast<Iterator&>(state_ != nullptr ? *this : other).fetch();
    return !s->batch.has_value();
  }
  bool operator!=(const Iterator& other) const { return !(*this == other); }

 private:
  struct State {
    std::function<std::optional<Batch>()> next;
    std::optional<Batch> batch;
    bool started;
  };
  void fetch() {
    if (!state_->started) {
      state_->started = true;
      state_->batch = state_->next();
    }
  }
  std::shared_ptr<State> state_;
};

}  // namespace ember::data
