// Storage: reference-counted bytes on one device. Views share one Storage.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

#include "ember/core/allocator.h"

namespace ember {

/// Note [version counters]: every in-place write bumps the version of the tensor it writes, and a
/// base shares one counter with all its views, so autograd can detect that a tensor saved for
/// backward was modified, whichever alias the write went through. The counter lives inside the
/// Storage (no extra allocation, no extra reference: TensorImpl keeps a plain pointer, its storage
/// reference keeps the counter alive); `.data`, which must NOT share it, gets a fresh counter of its
/// own, held by shared_ptr (TensorImpl::set_version_counter).
struct VersionCounter {
  std::atomic<uint32_t> version{0};
  void bump() { version.fetch_add(1, std::memory_order_relaxed); }
  uint32_t current() const { return version.load(std::memory_order_relaxed); }
};

class EMBER_API StorageImpl {
 public:
  StorageImpl(DataPtr data, size_t nbytes) : data_(std::move(data)), nbytes_(nbytes) {}
  /// Allocates nbytes on device with its device's allocator.
  static std::shared_ptr<StorageImpl> allocate(size_t nbytes, Device device);
  /// Wraps foreign memory; `deleter(ctx)` runs when the last user lets go.
  static std::shared_ptr<StorageImpl> wrap(void* data, size_t nbytes, Device device, void* ctx,
                                           DataPtr::Deleter deleter);
  void* data() const { return data_.get(); }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return data_.device(); }
  const DataPtr& data_ptr() const { return data_; }
  VersionCounter& version_counter() { return version_; }
  /// Note [inference tensors]: memory allocated under inference mode. Tensors on it (the tensor
  /// made there and its views) are inference tensors: outside inference mode they cannot be updated
  /// in place, saved for backward or made to require grad, as in PyTorch.
  bool is_inference() const { return inference_; }
  void set_inference(bool v) { inference_ = v; }
  /// Whether resize() may replace the memory: true for memory ember allocated, false for memory
  /// wrapped from elsewhere (numpy, DLPack, from_blob), as PyTorch's "not resizable" storages.
  bool resizable() const { return resizable_; }
  /// Reallocates to nbytes, keeping the first min(old, new) bytes; every tensor on this storage sees
  /// the new memory (out= resizing, Tensor::resize_). Throws for a storage that is not resizable.
  void resize(size_t nbytes);

 private:
  DataPtr data_;
  size_t nbytes_;
  VersionCounter version_;
  bool inference_ = false;
  bool resizable_ = false;
};

using Storage = std::shared_ptr<StorageImpl>;

}  // namespace ember
