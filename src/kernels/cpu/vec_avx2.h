// AVX2+FMA vector traits (8 floats / 4 doubles) for the ISA-generic code: the vector forms of the
// functors (kernels/common/unary_ops.h), the loops of vec_loops.h and vec_reduce.h. Include only
// from a translation unit built with -mavx2 -mfma -mf16c (vec_math_avx2.cpp), never run before
// vec_math.cpp has checked the CPU. The operations are documented once, in vec_portable.h.
#pragma once
#include <cmath>
#include <cstdint>
#include <immintrin.h>
#include <sleef.h>

#include "kernels/common/macros.h"

namespace ember::cpu::avx2 {

struct VD;

struct VF {
  using T = float;
  using V = __m256;
  using M = __m256;     // compare result: all-ones lanes
  using Tail = __m256i;  // lanes [0, r) of a tail
  using I = __m256i;     // table index
  using D = VD;
  static constexpr int kL = 8;

  static EMBER_ALWAYS_INLINE Tail tail(int64_t r) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(r)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static EMBER_ALWAYS_INLINE V load(const T* p) { return _mm256_loadu_ps(p); }
  static EMBER_ALWAYS_INLINE V load(const T* p, Tail m) { return _mm256_maskload_ps(p, m); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v, Tail m) { _mm256_maskstore_ps(p, m, v); }

  static EMBER_ALWAYS_INLINE V set(T v) { return _mm256_set1_ps(v); }
  static EMBER_ALWAYS_INLINE V zero() { return _mm256_setzero_ps(); }
  static EMBER_ALWAYS_INLINE V add(V a, V b) { return _mm256_add_ps(a, b); }
  static EMBER_ALWAYS_INLINE V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static EMBER_ALWAYS_INLINE V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static EMBER_ALWAYS_INLINE V div(V a, V b) { return _mm256_div_ps(a, b); }
  static EMBER_ALWAYS_INLINE V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static EMBER_ALWAYS_INLINE V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static EMBER_ALWAYS_INLINE V min(V a, V b) { return _mm256_min_ps(a, b); }
  static EMBER_ALWAYS_INLINE V max(V a, V b) { return _mm256_max_ps(a, b); }
  static EMBER_ALWAYS_INLINE V abs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.f), a); }
  static EMBER_ALWAYS_INLINE V sign(V a) { return _mm256_and_ps(_mm256_set1_ps(-0.f), a); }
  static EMBER_ALWAYS_INLINE V or_(V a, V b) { return _mm256_or_ps(a, b); }
  static EMBER_ALWAYS_INLINE V trunc(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
  static EMBER_ALWAYS_INLINE V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

  static EMBER_ALWAYS_INLINE M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static EMBER_ALWAYS_INLINE M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static EMBER_ALWAYS_INLINE M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static EMBER_ALWAYS_INLINE M unord(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
  static EMBER_ALWAYS_INLINE M m_or(M a, M b) { return _mm256_or_ps(a, b); }
  static EMBER_ALWAYS_INLINE V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
  static EMBER_ALWAYS_INLINE bool any(M m) { return _mm256_movemask_ps(m) != 0; }
  static EMBER_ALWAYS_INLINE int first(M m) { return m_bits(m) ? __builtin_ctz(m_bits(m)) : -1; }
  static EMBER_ALWAYS_INLINE unsigned m_bits(M m) { return static_cast<unsigned>(_mm256_movemask_ps(m)); }

  static EMBER_ALWAYS_INLINE V pow2i(V n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  }
  static EMBER_ALWAYS_INLINE V frexp_sqrt2(V x, V* e) {  // the offset moves [sqrt(1/2), 1) up a binade
    const __m256i b = _mm256_add_epi32(_mm256_castps_si256(x), _mm256_set1_epi32(0x3f800000 - 0x3f3504f3));
    *e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(127)));
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x007fffff)),
                                                _mm256_set1_epi32(0x3f3504f3)));
  }
  static EMBER_ALWAYS_INLINE I index(V i) { return _mm256_cvttps_epi32(i); }
  static EMBER_ALWAYS_INLINE V lookup8(const T* table, I i) { return _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), i); }

  static EMBER_ALWAYS_INLINE void widen(V x, __m256d* lo, __m256d* hi) {
    *lo = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
    *hi = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
  }
  static EMBER_ALWAYS_INLINE V narrow(__m256d lo, __m256d hi) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
  }

#define EMBER_SLEEF_F(name) \
  static EMBER_ALWAYS_INLINE V name(V x) { return Sleef_##name##f8_u10avx2(x); }
  EMBER_SLEEF_F(exp) EMBER_SLEEF_F(exp2) EMBER_SLEEF_F(expm1) EMBER_SLEEF_F(log) EMBER_SLEEF_F(log2)
  EMBER_SLEEF_F(log10) EMBER_SLEEF_F(log1p) EMBER_SLEEF_F(sin) EMBER_SLEEF_F(cos) EMBER_SLEEF_F(tan)
  EMBER_SLEEF_F(asin) EMBER_SLEEF_F(acos) EMBER_SLEEF_F(atan) EMBER_SLEEF_F(sinh) EMBER_SLEEF_F(cosh)
  EMBER_SLEEF_F(tanh) EMBER_SLEEF_F(erf)
#undef EMBER_SLEEF_F
};

struct VD {
  using T = double;
  using V = __m256d;
  using M = __m256d;
  using Tail = __m256i;
  static constexpr int kL = 4;

  static EMBER_ALWAYS_INLINE Tail tail(int64_t r) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static EMBER_ALWAYS_INLINE V load(const T* p) { return _mm256_loadu_pd(p); }
  static EMBER_ALWAYS_INLINE V load(const T* p, Tail m) { return _mm256_maskload_pd(p, m); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v, Tail m) { _mm256_maskstore_pd(p, m, v); }

  static EMBER_ALWAYS_INLINE V set(T v) { return _mm256_set1_pd(v); }
  static EMBER_ALWAYS_INLINE V zero() { return _mm256_setzero_pd(); }
  static EMBER_ALWAYS_INLINE V add(V a, V b) { return _mm256_add_pd(a, b); }
  static EMBER_ALWAYS_INLINE V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static EMBER_ALWAYS_INLINE V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static EMBER_ALWAYS_INLINE V div(V a, V b) { return _mm256_div_pd(a, b); }
  static EMBER_ALWAYS_INLINE V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static EMBER_ALWAYS_INLINE V fnma(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
  static EMBER_ALWAYS_INLINE V min(V a, V b) { return _mm256_min_pd(a, b); }
  static EMBER_ALWAYS_INLINE V max(V a, V b) { return _mm256_max_pd(a, b); }
  static EMBER_ALWAYS_INLINE V abs(V a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
  static EMBER_ALWAYS_INLINE V sign(V a) { return _mm256_and_pd(_mm256_set1_pd(-0.0), a); }
  static EMBER_ALWAYS_INLINE V or_(V a, V b) { return _mm256_or_pd(a, b); }

  static EMBER_ALWAYS_INLINE M lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static EMBER_ALWAYS_INLINE M gt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static EMBER_ALWAYS_INLINE M eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static EMBER_ALWAYS_INLINE M unord(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_UNORD_Q); }
  static EMBER_ALWAYS_INLINE M m_or(M a, M b) { return _mm256_or_pd(a, b); }
  static EMBER_ALWAYS_INLINE V select(M m, V a, V b) { return _mm256_blendv_pd(b, a, m); }
  static EMBER_ALWAYS_INLINE bool any(M m) { return _mm256_movemask_pd(m) != 0; }
  static EMBER_ALWAYS_INLINE unsigned m_bits(M m) { return static_cast<unsigned>(_mm256_movemask_pd(m)); }
  static EMBER_ALWAYS_INLINE int first(M m) { return m_bits(m) ? __builtin_ctz(m_bits(m)) : -1; }

#define EMBER_SLEEF_D(name) \
  static EMBER_ALWAYS_INLINE V name(V x) { return Sleef_##name##d4_u10avx2(x); }
  EMBER_SLEEF_D(exp) EMBER_SLEEF_D(exp2) EMBER_SLEEF_D(expm1) EMBER_SLEEF_D(log) EMBER_SLEEF_D(log2)
  EMBER_SLEEF_D(log10) EMBER_SLEEF_D(log1p) EMBER_SLEEF_D(sin) EMBER_SLEEF_D(cos) EMBER_SLEEF_D(tan)
  EMBER_SLEEF_D(asin) EMBER_SLEEF_D(acos) EMBER_SLEEF_D(atan) EMBER_SLEEF_D(sinh) EMBER_SLEEF_D(cosh)
  EMBER_SLEEF_D(tanh) EMBER_SLEEF_D(erf)
#undef EMBER_SLEEF_D
};

}  // namespace ember::cpu::avx2
