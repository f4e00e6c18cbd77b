// The AVX2+FMA table of vector loops (vec_math.h), and F16C float16 conversions. This is the only
// translation unit built with -mavx2 -mfma -mf16c (CMakeLists.txt); nothing here may run before
// vec_math.cpp has checked the CPU.
#include "kernels/cpu/vec_avx2.h"
#include "kernels/cpu/vec_table.h"

namespace ember::cpu::vec {
namespace {

void half_to_float(float* out, const uint16_t* in, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
  if (i < n) {
    alignas(16) uint16_t b[8] = {};
    alignas(32) float f[8];
    for (int64_t j = 0; j < n - i; ++j) b[j] = in[i + j];
    _mm256_store_ps(f, _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(b))));
    for (int64_t j = 0; j < n - i; ++j) out[i + j] = f[j];
  }
}
void float_to_half(uint16_t* out, const float* in, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
  if (i < n) {
    alignas(32) float f[8] = {};
    alignas(16) uint16_t b[8];
    for (int64_t j = 0; j < n - i; ++j) f[j] = in[i + j];
    _mm_store_si128(reinterpret_cast<__m128i*>(b), _mm256_cvtps_ph(_mm256_load_ps(f), _MM_FROUND_TO_NEAREST_INT));
    for (int64_t j = 0; j < n - i; ++j) out[i + j] = b[j];
  }
}

}  // namespace

extern const Table kAvx2Table = make_table<avx2::VF, avx2::VD>("avx2", &half_to_float, &float_to_half);

}  // namespace ember::cpu::vec
