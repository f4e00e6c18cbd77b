// Note [small-object pool]: tensors, storages and autograd nodes are made and freed at every op.
// Their blocks are kept on thread-local free lists by 64-byte size class (up to 2 KiB), so the
// common path never reaches malloc; a block freed on another thread joins that thread's lists.
#pragma once
#include <cstddef>
#include <memory>

#include "ember/util/export.h"

namespace ember::internal {

EMBER_API void* pool_allocate(size_t bytes);
EMBER_API void pool_free(void* p, size_t bytes);

/// std allocator over the pool (for allocate_shared: one pooled block for object + refcount).
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT
  T* allocate(size_t n) { return static_cast<T*>(pool_allocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { pool_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const PoolAllocator<U>&) const { return false; }
};

template <class T, class... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace ember::internal
