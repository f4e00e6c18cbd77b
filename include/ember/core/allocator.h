// Allocators, one per device type, and DataPtr: a pointer with the deleter that frees it.
#pragma once
#include <cstddef>
#include <utility>

#include "ember/core/device.h"

namespace ember {

/// Owning pointer to device memory: `deleter(ctx)` runs when it is released.
class EMBER_API DataPtr {
 public:
  using Deleter = void (*)(void* ctx);
  DataPtr() = default;
  DataPtr(void* data, void* ctx, Deleter deleter, Device device)
      : data_(data), ctx_(ctx), deleter_(deleter), device_(device) {}
  DataPtr(const DataPtr&) = delete;
  DataPtr& operator=(const DataPtr&) = delete;
  DataPtr(DataPtr&& o) noexcept { swap(o); }
  DataPtr& operator=(DataPtr&& o) noexcept {
    DataPtr tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~DataPtr() {
    if (deleter_) deleter_(ctx_);
  }
  void* get() const { return data_; }
  void* context() const { return ctx_; }
  Deleter deleter() const { return deleter_; }
  Device device() const { return device_; }

 private:
  void swap(DataPtr& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(ctx_, o.ctx_);
    std::swap(deleter_, o.deleter_);
    std::swap(device_, o.device_);
  }
  void* data_ = nullptr;
  void* ctx_ = nullptr;
  Deleter deleter_ = nullptr;
  Device device_;
};

/// Allocates memory on one device type.
class EMBER_API Allocator {
 public:
  virtual ~Allocator() = default;
  /// Returns nbytes of memory (aligned to 64 bytes on CPU); nbytes may be 0.
  virtual DataPtr allocate(size_t nbytes, Device device) = 0;
};

/// What the CPU caching allocator holds (Note [CPU caching allocator]); small pooled blocks excluded.
struct CPUMemoryStats {
  size_t allocated_bytes = 0;       // in live tensors (size-class rounded)
  size_t cached_bytes = 0;          // freed and kept for reuse
  size_t peak_allocated_bytes = 0;
  size_t cache_hits = 0, cache_misses = 0;
};
EMBER_API CPUMemoryStats cpu_memory_stats();
/// Returns every cached block to the OS.
EMBER_API void empty_cpu_cache();

/// What the CPU caching allocator keeps (Note [CPU caching allocator]). Defaults: 1 GiB cached at
/// most; blocks of 32 MiB and more go back to the OS once idle for 1 s (checked at every allocation
/// and free: a loop that reuses its big blocks keeps them, memory left after a peak is returned by
/// the next allocator call past the idle time). Environment: EMBER_CPU_CACHE_MAX_BYTES,
/// EMBER_CPU_CACHE_LARGE_BLOCK_BYTES, EMBER_CPU_CACHE_LARGE_IDLE_MS, read once at start-up.
struct CPUCachePolicy {
  size_t max_cached_bytes = size_t(1) << 30;    // 0: cache nothing (every block back to the OS)
  size_t large_block_bytes = size_t(32) << 20;  // blocks this big or bigger are released when idle
  double large_idle_seconds = 1.0;              // how long a large block may stay idle; < 0: forever
};
EMBER_API CPUCachePolicy cpu_cache_policy();
/// Sets the policy (and applies it to what is cached now).
EMBER_API void set_cpu_cache_policy(const CPUCachePolicy& policy);

/// The allocator registered for a device type; throws if ember was built without that backend.
EMBER_API Allocator* get_allocator(DeviceType t);
/// Installs the allocator for a device type (the CUDA backend calls this when it loads).
EMBER_API void set_allocator(DeviceType t, Allocator* a);
/// An allocator whose memory faults on any host access (PROT_NONE pages). Tests install it for
/// kPrivateUse1, a device with no kernels, to prove that no op reads a tensor's memory outside the
/// kernels (docs/cpu_kernels.md, "Device-safe ops").
EMBER_API Allocator* no_access_allocator();

}  // namespace ember
