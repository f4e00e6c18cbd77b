// Runtime selection of the vector loops of vec_math_avx2.cpp (built with -mavx2 -mfma -mf16c; this file is
// not, so the check itself runs on any x86-64). EMBER_NO_SIMD=1 in the environment forces the scalar
// loops (for comparisons and debugging).
#include "kernels/cpu/vec_math.h"

#include <cstdlib>

namespace ember::cpu::vec {
#ifdef EMBER_HAVE_AVX2_SLEEF
namespace avx2 {
extern const F32Fn kF32[];
extern const F64Fn kF64[];
extern const SoftmaxF32 kSoftmaxF32;
extern const SoftmaxF64 kSoftmaxF64;
void half_to_float(float* out, const uint16_t* in, int64_t n);
void float_to_half(uint16_t* out, const float* in, int64_t n);
}  // namespace avx2
#endif

namespace {
bool use_avx2() {
  static const bool ok = [] {
    const char* off = std::getenv("EMBER_NO_SIMD");
    if (off && *off && *off != '0') return false;
#ifdef EMBER_HAVE_AVX2_SLEEF
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
  }();
  return ok;
}
}  // namespace

#ifdef EMBER_HAVE_AVX2_SLEEF
F32Fn f32(Fn fn) { return use_avx2() ? avx2::kF32[static_cast<int>(fn)] : nullptr; }
F64Fn f64(Fn fn) { return use_avx2() ? avx2::kF64[static_cast<int>(fn)] : nullptr; }
SoftmaxF32 softmax_f32() { return use_avx2() ? avx2::kSoftmaxF32 : nullptr; }
SoftmaxF64 softmax_f64() { return use_avx2() ? avx2::kSoftmaxF64 : nullptr; }
HalfToFloat half_to_float() { return use_avx2() ? &avx2::half_to_float : nullptr; }
FloatToHalf float_to_half() { return use_avx2() ? &avx2::float_to_half : nullptr; }
#else
HalfToFloat half_to_float() { return nullptr; }
FloatToHalf float_to_half() { return nullptr; }
SoftmaxF32 softmax_f32() { return nullptr; }
SoftmaxF64 softmax_f64() { return nullptr; }
F32Fn f32(Fn) { return nullptr; }
F64Fn f64(Fn) { return nullptr; }
#endif

}  // namespace ember::cpu::vec
