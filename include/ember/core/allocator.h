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

/// The allocator registered for a device type; throws if ember was built without that backend.
EMBER_API Allocator* get_allocator(DeviceType t);
/// Installs the allocator for a device type (the CUDA backend calls this when it loads).
EMBER_API void set_allocator(DeviceType t, Allocator* a);

}  // namespace ember
