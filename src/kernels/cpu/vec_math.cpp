// Runtime selection of the vector loops (vec_math.h). This file is built without target flags, so the
// check itself runs on any x86-64. EMBER_NO_SIMD=1 forces the scalar loops; EMBER_SIMD=avx2 caps the
// choice at AVX2 (comparisons and tests on AVX-512 machines).
#include "kernels/cpu/vec_math.h"

#include <cstdlib>
#include <cstring>

namespace ember::cpu::vec {
#ifdef EMBER_HAVE_X86_SIMD
extern const Table kAvx2Table;
extern const Table kAvx512Table;
#endif

namespace {
const Table* choose() {
  const char* off = std::getenv("EMBER_NO_SIMD");
  if (off && *off && *off != '0') return nullptr;
#ifdef EMBER_HAVE_X86_SIMD
  const char* cap = std::getenv("EMBER_SIMD");
  const bool allow512 = !(cap && (std::strcmp(cap, "avx2") == 0 || std::strcmp(cap, "scalar") == 0));
  if (cap && std::strcmp(cap, "scalar") == 0) return nullptr;
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  if (avx512 && allow512) return &kAvx512Table;
  if (avx2) return &kAvx2Table;
#endif
  return nullptr;
}
}  // namespace

const Table* table() {
  static const Table* const t = choose();
  return t;
}

const char* isa() {
  const Table* t = table();
  return t ? t->isa : "scalar";
}

}  // namespace ember::cpu::vec
