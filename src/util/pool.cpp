// The small-object pool (Note [small-object pool], ember/util/pool.h).
//
// Thread-locals on hot paths use the initial-exec TLS model: a plain offset from the thread
// pointer, where the default model calls __tls_get_addr (measured at ~10% of an op's time in the
// autograd benchmark). Only a pointer and a flag live in static TLS; the lists themselves are on
// the heap.
#include "ember/util/pool.h"

#include <cstdlib>
#include <new>
#include <vector>

#define EMBER_TLS_FAST __attribute__((tls_model("initial-exec")))

namespace ember {
namespace internal {
namespace {
constexpr size_t kClass = 64, kClasses = 32;  // up to 2 KiB; larger blocks use malloc
struct FreeList {
  std::vector<void*> lists[kClasses];
  ~FreeList() {
    for (auto& l : lists)
      for (void* p : l) std::free(p);
  }
};
EMBER_TLS_FAST thread_local FreeList* t_pool = nullptr;
EMBER_TLS_FAST thread_local bool t_pool_dead = false;  // after thread exit began: go straight to free()
struct PoolOwner {
  bool registered = false;
  ~PoolOwner() {
    t_pool_dead = true;
    delete t_pool;
    t_pool = nullptr;
  }
};
thread_local PoolOwner t_owner;

FreeList* pool() {
  if (t_pool) return t_pool;
  if (t_pool_dead) return nullptr;
  t_owner.registered = true;  // first use on this thread: registers the owner's destructor
  t_pool = new FreeList();
  return t_pool;
}
}  // namespace

void* pool_allocate(size_t bytes) {
  size_t c = (bytes + kClass - 1) / kClass;
  if (c < kClasses) {
    if (FreeList* f = pool(); f && !f->lists[c].empty()) {
      void* p = f->lists[c].back();
      f->lists[c].pop_back();
      return p;
    }
  }
  void* p = std::malloc(c < kClasses ? c * kClass : bytes);
  if (!p) throw std::bad_alloc();
  return p;
}

void pool_free(void* p, size_t bytes) {
  size_t c = (bytes + kClass - 1) / kClass;
  if (c < kClasses) {
    if (FreeList* f = pool(); f && f->lists[c].size() < 4096) {
      f->lists[c].push_back(p);
      return;
    }
  }
  std::free(p);
}
}  // namespace internal

}  // namespace ember
