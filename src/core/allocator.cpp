#include "ember/core/allocator.h"

#include <atomic>
#include <cstdlib>
#include <new>

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

/// Plain aligned allocation; the caching allocator is Foundation III's work.
class CPUAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes, Device device) override {
    // Small blocks: malloc's 16-byte alignment is enough and much faster than aligned_alloc.
    void* p;
    if (nbytes <= kSmallBlock) {
      size_t total = nbytes + 16;
      char* base = static_cast<char*>(internal::pool_allocate(total));
      *reinterpret_cast<size_t*>(base) = total;
      p = base + 16;
      return DataPtr(p, p, &pooled_free, device);
    }
    size_t n = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    p = std::aligned_alloc(kAlignment, n);
    if (!p)
      throw Error(detail::str("CPU out of memory: tried to allocate ", nbytes, " bytes"));
    return DataPtr(p, p, &cpu_free, device);
  }
};

CPUAllocator g_cpu;
std::atomic<Allocator*> g_allocators[kNumDeviceTypes] = {&g_cpu, nullptr};

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

}  // namespace ember
