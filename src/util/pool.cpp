// The small-object pool (Note [small-object pool], ember/util/pool.h).
#include "ember/util/pool.h"

#include <cstdlib>
#include <new>
#include <vector>

namespace ember {
namespace internal {
namespace {
constexpr size_t kClass = 64, kClasses = 32;  // up to 2 KiB; larger blocks use malloc
thread_local bool t_pool_dead = false;  // trivially destructible: safe to read during thread exit
struct FreeList {
  std::vector<void*> lists[kClasses];
  ~FreeList() {
    t_pool_dead = true;  // nodes freed later (static tensors at exit) go straight to free()
    for (auto& l : lists)
      for (void* p : l) std::free(p);
  }
};
thread_local FreeList t_pool;
}  // namespace

void* pool_allocate(size_t bytes) {
  size_t c = (bytes + kClass - 1) / kClass;
  if (!t_pool_dead && c < kClasses && !t_pool.lists[c].empty()) {
    void* p = t_pool.lists[c].back();
    t_pool.lists[c].pop_back();
    return p;
  }
  void* p = std::malloc(c < kClasses ? c * kClass : bytes);
  if (!p) throw std::bad_alloc();
  return p;
}

void pool_free(void* p, size_t bytes) {
  size_t c = (bytes + kClass - 1) / kClass;
  if (!t_pool_dead && c < kClasses && t_pool.lists[c].size() < 4096) {
    t_pool.lists[c].push_back(p);
    return;
  }
  std::free(p);
}
}  // namespace internal

}  // namespace ember
