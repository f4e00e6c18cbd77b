#include "ember/core/allocator.h"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "ember/util/error.h"
#include "ember/util/pool.h"

namespace ember {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kSmallBlock = 256;

void cpu_free(void* p) { std::free(p); }

/// Small blocks come from the pool; the size class is kept in a 16-byte header (alignment 16).
void pooled_free(void* p) {
  char* base = static_cast<char*>(p) - 16;
  internal::pool_free(base, *reinterpret_cast<size_t*>(base));
}

// Note [CPU caching allocator]: a fresh big tensor used to page-fault on every first touch of its
// 4 KiB pages (a new 64 MiB output costs more than the add that fills it). Blocks above the pool's
// size are rounded to a size class (powers of two up to 1 MiB, then multiples of 2 MiB), and freed
// blocks are kept per class for reuse, up to a cap; blocks of 2 MiB and more are 2 MiB aligned and
// advised to use transparent huge pages, as numpy does. empty_cache() returns the cache to the OS.
constexpr size_t kHuge = size_t(2) << 20;
// Large idle blocks go back to the OS (CPUCachePolicy): reuse within a loop is kept, a peak's memory
// is not held forever. Idle time is measured on a monotonic clock and checked at allocator calls
// (no background thread); a scan happens only once the oldest large block can have expired.

size_t size_class(size_t n) {
  if (n <= (size_t(1) << 20)) {
    size_t c = 512;
    while (c < n) c <<= 1;
    return c;
  }
  return (n + kHuge - 1) / kHuge * kHuge;
}

using Clock = std::chrono::steady_clock;
struct FreeBlock {
  void* ptr;
  Clock::time_point since;  // when it was freed
};

size_t env_size(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<FreeBlock>> free;  // per size class, oldest first
  CPUMemoryStats stats;
  CPUCachePolicy policy;
  Clock::time_point next_scan = Clock::time_point::max();  // no large block can expire before this

  /// Frees large blocks idle for longer than the policy allows (mutex held).
  void release_idle(Clock::time_point now) {
    if (now < next_scan) return;
    Clock::duration idle = to_duration(policy.large_idle_seconds);
    Clock::time_point earliest = Clock::time_point::max();
    for (auto& [size, blocks] : free) {
      if (size < policy.large_block_bytes || blocks.empty()) continue;
      size_t keep = 0;
      for (FreeBlock& b : blocks) {
        if (now - b.since >= idle) {
          std::free(b.ptr);
          stats.cached_bytes -= size;
        } else {
          earliest = std::min(earliest, b.since + idle);
          blocks[keep++] = b;
        }
      }
      blocks.resize(keep);
    }
    next_scan = earliest;
  }
  /// Frees the oldest blocks, largest classes first, until at most `cap` bytes stay cached.
  void shrink_to(size_t cap) {
    while (stats.cached_bytes > cap) {
      auto victim = free.end();
      for (auto it = free.begin(); it != free.end(); ++it)
        if (!it->second.empty() && (victim == free.end() || it->first > victim->first)) victim = it;
      if (victim == free.end()) break;
      std::free(victim->second.front().ptr);
      victim->second.erase(victim->second.begin());
      stats.cached_bytes -= victim->first;
    }
  }
};
Cache& cache() {
  static Cache* c = [] {
    auto* x = new Cache();  // never destroyed: tensors may die during static destruction
    CPUCachePolicy& p = x->policy;
    p.max_cached_bytes = env_size("EMBER_CPU_CACHE_MAX_BYTES", p.max_cached_bytes);
    p.large_block_bytes = env_size("EMBER_CPU_CACHE_LARGE_BLOCK_BYTES", p.large_block_bytes);
    if (const char* v = std::getenv("EMBER_CPU_CACHE_LARGE_IDLE_MS"); v && *v)
      p.large_idle_seconds = std::strtod(v, nullptr) / 1000.0;
    // A child process after fork() gets a fresh lock (a parent thread may have held it).
    pthread_atfork(nullptr, nullptr, [] { new (&cache().mutex) std::mutex(); });
    return x;
  }();
  return *c;
}

struct BlockCtx {
  void* ptr;
  size_t size;
};

void cached_free(void* ctx) {
  auto* b = static_cast<BlockCtx*>(ctx);
  void* p = b->ptr;
  size_t size = b->size;
  internal::pool_free(b, sizeof(BlockCtx));
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mutex);
  c.stats.allocated_bytes -= size;
  Clock::time_point now = Clock::now();
  c.release_idle(now);
  if (c.stats.cached_bytes + size <= c.policy.max_cached_bytes) {
    c.free[size].push_back({p, now});
    c.stats.cached_bytes += size;
    if (size >= c.policy.large_block_bytes && c.policy.large_idle_seconds >= 0)
      c.next_scan = std::min(c.next_scan, now + to_duration(c.policy.large_idle_seconds));
  } else {
    std::free(p);
  }
}

class CPUAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes, Device device) override {
    if (nbytes <= kSmallBlock) {  // small blocks: the thread-local pool, size in a 16-byte header
      size_t total = nbytes + 16;
      char* base = static_cast<char*>(internal::pool_allocate(total));
      *reinterpret_cast<size_t*>(base) = total;
      void* p = base + 16;
      return DataPtr(p, p, &pooled_free, device);
    }
    size_t size = size_class(nbytes);
    void* p = nullptr;
    Cache& c = cache();
    {
      std::lock_guard<std::mutex> g(c.mutex);
      auto it = c.free.find(size);
      if (it != c.free.end() && !it->second.empty()) {
        p = it->second.back().ptr;  // the most recently freed: likely still in cache and mapped
        it->second.pop_back();
        c.stats.cached_bytes -= size;
        c.stats.cache_hits += 1;
      }
    }
    if (!p) {
      p = std::aligned_alloc(size >= kHuge ? kHuge : kAlignment, size);
      if (!p) {
        empty_cpu_cache();  // the cache may be what is in the way
        p = std::aligned_alloc(size >= kHuge ? kHuge : kAlignment, size);
      }
      if (!p) throw Error(detail::str("CPU out of memory: tried to allocate ", nbytes, " bytes"));
      if (size >= kHuge) madvise(p, size, MADV_HUGEPAGE);
      std::lock_guard<std::mutex> g(c.mutex);
      c.stats.cache_misses += 1;
    }
    {
      std::lock_guard<std::mutex> g(c.mutex);
      c.release_idle(Clock::now());
      c.stats.allocated_bytes += size;
      if (c.stats.allocated_bytes > c.stats.peak_allocated_bytes) c.stats.peak_allocated_bytes = c.stats.allocated_bytes;
    }
    auto* ctx = static_cast<BlockCtx*>(internal::pool_allocate(sizeof(BlockCtx)));
    ctx->ptr = p;
    ctx->size = size;
    return DataPtr(p, ctx, &cached_free, device);
  }
};

// Meta tensors have a storage with a size but no memory (docs/meta_device.md).
class MetaAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t, Device device) override { return DataPtr(nullptr, nullptr, nullptr, device); }
};

// Memory that faults on any host access (PROT_NONE pages): what a device's memory is to the host.
class NoAccessAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes, Device device) override {
    size_t len = std::max<size_t>(nbytes, 1);
    void* p = mmap(nullptr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw Error(detail::str("no-access allocator: cannot reserve ", nbytes, " bytes"));
    auto* ctx = static_cast<size_t*>(internal::pool_allocate(sizeof(size_t) * 2));
    ctx[0] = reinterpret_cast<size_t>(p);
    ctx[1] = len;
    return DataPtr(p, ctx, &unmap, device);
  }

 private:
  static void unmap(void* c) {
    auto* ctx = static_cast<size_t*>(c);
    munmap(reinterpret_cast<void*>(ctx[0]), ctx[1]);
    internal::pool_free(ctx, sizeof(size_t) * 2);
  }
};

CPUAllocator g_cpu;
MetaAllocator g_meta;
NoAccessAllocator g_no_access;
std::atomic<Allocator*> g_allocators[kNumDeviceTypes] = {&g_cpu, nullptr, &g_meta, nullptr};

}  // namespace

Allocator* get_allocator(DeviceType t) {
  Allocator* a = g_allocators[static_cast<int>(t)].load(std::memory_order_acquire);
  if (!a) {
    if (t == DeviceType::CUDA)
      throw Error("ember was built without CUDA support: cannot allocate on a cuda device "
                  "(ember.cuda.is_available() is False)");
    throw Error(detail::str("no allocator for device type ", device_type_name(t)));
  }
  return a;
}

void set_allocator(DeviceType t, Allocator* a) { g_allocators[static_cast<int>(t)].store(a); }

Allocator* no_access_allocator() { return &g_no_access; }

CPUMemoryStats cpu_memory_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mutex);
  return c.stats;
}

void empty_cpu_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mutex);
  for (auto& [size, blocks] : c.free)
    for (FreeBlock& b : blocks) std::free(b.ptr);
  c.free.clear();
  c.stats.cached_bytes = 0;
  c.next_scan = Clock::time_point::max();
}

CPUCachePolicy cpu_cache_policy() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mutex);
  return c.policy;
}

void set_cpu_cache_policy(const CPUCachePolicy& policy) {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mutex);
  c.policy = policy;
  c.shrink_to(policy.max_cached_bytes);
  // Rescan with the new rule: large blocks idle longer than the new limit go now.
  c.next_scan = policy.large_idle_seconds < 0 ? Clock::time_point::max() : Clock::time_point::min();
  c.release_idle(Clock::now());
}

}  // namespace ember
