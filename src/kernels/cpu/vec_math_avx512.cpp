// The AVX-512 table of vector loops (vec_math.h), and float16 conversions. This is the only
// translation unit built with -mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma -mf16c
// (CMakeLists.txt); nothing here may run before vec_math.cpp has checked the CPU.
#include "kernels/cpu/vec_avx512.h"
#include "kernels/cpu/vec_table.h"

namespace ember::cpu::vec {
namespace {

void half_to_float(float* out, const uint16_t* in, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i))));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(out + i, m, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, in + i)));
  }
}
void float_to_half(uint16_t* out, const float* in, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                        _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1u);
    _mm256_mask_storeu_epi16(out + i, m,
                             _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
}

}  // namespace

extern const Table kAvx512Table = make_table<avx512::VF, avx512::VD>("avx512", &half_to_float, &float_to_half);

}  // namespace ember::cpu::vec
