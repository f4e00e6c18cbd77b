// Random number generation: one documented counter-based generator (Philox4x32-10), identical in
// C++ and Python and stable across versions (docs/random.md).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>

#include "ember/core/device.h"
#include "ember/util/export.h"

namespace ember {

/// The state of a generator: a 64-bit seed (the Philox key) and a 64-bit counter offset.
struct EMBER_API GeneratorImpl {
  explicit GeneratorImpl(uint64_t seed = 67280421310721ULL, Device device = Device(kCPU))
      : seed_(seed), initial_seed_(seed), device_(device) {}
  /// Reserves n counter values for one op and returns the first (thread-safe).
  uint64_t reserve(uint64_t n) {
    std::lock_guard<std::mutex> g(mutex_);
    uint64_t start = offset_;
    offset_ += n;
    return start;
  }
  uint64_t seed() const { return seed_; }
  uint64_t initial_seed() const { return initial_seed_; }
  uint64_t offset() const { return offset_; }
  void set_seed(uint64_t s) {
    std::lock_guard<std::mutex> g(mutex_);
    seed_ = initial_seed_ = s;
    offset_ = 0;
  }
  void set_state(uint64_t seed, uint64_t offset) {
    std::lock_guard<std::mutex> g(mutex_);
    seed_ = seed;
    offset_ = offset;
  }
  Device device() const { return device_; }

 private:
  uint64_t seed_, initial_seed_;
  uint64_t offset_ = 0;
  Device device_;
  std::mutex mutex_;
};

/// A shared handle to a generator's state (copies alias, as in libtorch).
class EMBER_API Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ULL, Device device = Device(kCPU))
      : impl_(std::make_shared<GeneratorImpl>(seed, device)) {}
  explicit Generator(std::shared_ptr<GeneratorImpl> impl) : impl_(std::move(impl)) {}
  GeneratorImpl* operator->() const { return impl_.get(); }
  const std::shared_ptr<GeneratorImpl>& impl() const { return impl_; }
  /// Sets the seed and rewinds the counter.
  void set_current_seed(uint64_t seed) { impl_->set_seed(seed); }
  uint64_t current_seed() const { return impl_->initial_seed(); }
  bool operator==(const Generator& o) const { return impl_ == o.impl_; }

 private:
  std::shared_ptr<GeneratorImpl> impl_;
};

/// The default CPU generator (ember.manual_seed / ember.default_generator).
EMBER_API Generator& default_generator();
/// Seeds the default generator.
EMBER_API void manual_seed(uint64_t seed);
/// Seeds the default generator non-deterministically and returns the seed.
EMBER_API uint64_t seed();
/// The seed the default generator was last seeded with.
EMBER_API uint64_t initial_seed();

}  // namespace ember
