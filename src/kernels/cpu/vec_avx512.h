// AVX-512 vector traits (16 floats / 8 doubles, masks in k registers) for the ISA-generic code: the
// vector forms of the functors (kernels/common/unary_ops.h), the loops of vec_loops.h and
// vec_reduce.h. Include only from a translation unit built with -mavx512f -mavx512dq -mavx512vl
// -mavx512bw -mfma (vec_math_avx512.cpp), never run before vec_math.cpp has checked the CPU. The
// operations are documented once, in kernels/common/vec_portable.h.
#pragma once
#include <cmath>
#include <cstdint>
#include <immintrin.h>
#include <sleef.h>

#include "kernels/common/macros.h"

namespace ember::cpu::avx512 {

struct VD;

struct VF {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  using Tail = __mmask16;
  using I = __m512i;
  using D = VD;
  static constexpr int kL = 16;

  static EMBER_ALWAYS_INLINE Tail tail(int64_t r) { return static_cast<__mmask16>((1u << r) - 1u); }
  static EMBER_ALWAYS_INLINE V load(const T* p) { return _mm512_loadu_ps(p); }
  static EMBER_ALWAYS_INLINE V load(const T* p, Tail m) { return _mm512_maskz_loadu_ps(m, p); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v) { _mm512_storeu_ps(p, v); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v, Tail m) { _mm512_mask_storeu_ps(p, m, v); }

  static EMBER_ALWAYS_INLINE V set(T v) { return _mm512_set1_ps(v); }
  static EMBER_ALWAYS_INLINE V zero() { return _mm512_setzero_ps(); }
  static EMBER_ALWAYS_INLINE V add(V a, V b) { return _mm512_add_ps(a, b); }
  static EMBER_ALWAYS_INLINE V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static EMBER_ALWAYS_INLINE V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static EMBER_ALWAYS_INLINE V div(V a, V b) { return _mm512_div_ps(a, b); }
  static EMBER_ALWAYS_INLINE V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static EMBER_ALWAYS_INLINE V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static EMBER_ALWAYS_INLINE V min(V a, V b) { return _mm512_min_ps(a, b); }
  static EMBER_ALWAYS_INLINE V max(V a, V b) { return _mm512_max_ps(a, b); }
  static EMBER_ALWAYS_INLINE V abs(V a) { return _mm512_andnot_ps(_mm512_set1_ps(-0.f), a); }
  static EMBER_ALWAYS_INLINE V sign(V a) { return _mm512_and_ps(_mm512_set1_ps(-0.f), a); }
  static EMBER_ALWAYS_INLINE V or_(V a, V b) { return _mm512_or_ps(a, b); }
  static EMBER_ALWAYS_INLINE V trunc(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
  static EMBER_ALWAYS_INLINE V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

  static EMBER_ALWAYS_INLINE M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static EMBER_ALWAYS_INLINE M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static EMBER_ALWAYS_INLINE M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static EMBER_ALWAYS_INLINE M unord(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
  static EMBER_ALWAYS_INLINE M m_or(M a, M b) { return static_cast<M>(a | b); }
  static EMBER_ALWAYS_INLINE V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static EMBER_ALWAYS_INLINE bool any(M m) { return m != 0; }
  static EMBER_ALWAYS_INLINE unsigned m_bits(M m) { return m; }
  static EMBER_ALWAYS_INLINE int first(M m) { return m ? __builtin_ctz(static_cast<unsigned>(m)) : -1; }

  static EMBER_ALWAYS_INLINE V pow2i(V n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
  }
  static EMBER_ALWAYS_INLINE V frexp_sqrt2(V x, V* e) {  // the offset moves [sqrt(1/2), 1) up a binade
    const __m512i b = _mm512_add_epi32(_mm512_castps_si512(x), _mm512_set1_epi32(0x3f800000 - 0x3f3504f3));
    *e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(b, 23), _mm512_set1_epi32(127)));
    return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_and_si512(b, _mm512_set1_epi32(0x007fffff)),
                                                _mm512_set1_epi32(0x3f3504f3)));
  }
  static EMBER_ALWAYS_INLINE I index(V i) { return _mm512_cvttps_epi32(i); }
  // Indexes are in [0, 8), or 0x80000000 for a NaN (low four bits 0, so lane 0).
  static EMBER_ALWAYS_INLINE V lookup8(const T* table, I i) {
    return _mm512_permutexvar_ps(i, _mm512_zextps256_ps512(_mm256_loadu_ps(table)));
  }

  static EMBER_ALWAYS_INLINE void widen(V x, __m512d* lo, __m512d* hi) {
    *lo = _mm512_cvtps_pd(_mm512_castps512_ps256(x));
    *hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)));
  }
  static EMBER_ALWAYS_INLINE V narrow(__m512d lo, __m512d hi) {
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo))),
                                               _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1));
  }

#define EMBER_SLEEF_F(name) \
  static EMBER_ALWAYS_INLINE V name(V x) { return Sleef_##name##f16_u10avx512f(x); }
  EMBER_SLEEF_F(exp) EMBER_SLEEF_F(exp2) EMBER_SLEEF_F(expm1) EMBER_SLEEF_F(log) EMBER_SLEEF_F(log2)
  EMBER_SLEEF_F(log10) EMBER_SLEEF_F(log1p) EMBER_SLEEF_F(sin) EMBER_SLEEF_F(cos) EMBER_SLEEF_F(tan)
  EMBER_SLEEF_F(asin) EMBER_SLEEF_F(acos) EMBER_SLEEF_F(atan) EMBER_SLEEF_F(sinh) EMBER_SLEEF_F(cosh)
  EMBER_SLEEF_F(tanh) EMBER_SLEEF_F(erf)
#undef EMBER_SLEEF_F
};

struct VD {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  using Tail = __mmask8;
  static constexpr int kL = 8;

  static EMBER_ALWAYS_INLINE Tail tail(int64_t r) { return static_cast<__mmask8>((1u << r) - 1u); }
  static EMBER_ALWAYS_INLINE V load(const T* p) { return _mm512_loadu_pd(p); }
  static EMBER_ALWAYS_INLINE V load(const T* p, Tail m) { return _mm512_maskz_loadu_pd(m, p); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v) { _mm512_storeu_pd(p, v); }
  static EMBER_ALWAYS_INLINE void store(T* p, V v, Tail m) { _mm512_mask_storeu_pd(p, m, v); }

  static EMBER_ALWAYS_INLINE V set(T v) { return _mm512_set1_pd(v); }
  static EMBER_ALWAYS_INLINE V zero() { return _mm512_setzero_pd(); }
  static EMBER_ALWAYS_INLINE V add(V a, V b) { return _mm512_add_pd(a, b); }
  static EMBER_ALWAYS_INLINE V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static EMBER_ALWAYS_INLINE V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static EMBER_ALWAYS_INLINE V div(V a, V b) { return _mm512_div_pd(a, b); }
  static EMBER_ALWAYS_INLINE V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static EMBER_ALWAYS_INLINE V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static EMBER_ALWAYS_INLINE V min(V a, V b) { return _mm512_min_pd(a, b); }
  static EMBER_ALWAYS_INLINE V max(V a, V b) { return _mm512_max_pd(a, b); }
  static EMBER_ALWAYS_INLINE V abs(V a) { return _mm512_andnot_pd(_mm512_set1_pd(-0.0), a); }
  static EMBER_ALWAYS_INLINE V sign(V a) { return _mm512_and_pd(_mm512_set1_pd(-0.0), a); }
  static EMBER_ALWAYS_INLINE V or_(V a, V b) { return _mm512_or_pd(a, b); }

  static EMBER_ALWAYS_INLINE M lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static EMBER_ALWAYS_INLINE M gt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static EMBER_ALWAYS_INLINE M eq(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static EMBER_ALWAYS_INLINE M unord(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_UNORD_Q); }
  static EMBER_ALWAYS_INLINE M m_or(M a, M b) { return static_cast<M>(a | b); }
  static EMBER_ALWAYS_INLINE V select(M m, V a, V b) { return _mm512_mask_blend_pd(m, b, a); }
  static EMBER_ALWAYS_INLINE bool any(M m) { return m != 0; }
  static EMBER_ALWAYS_INLINE unsigned m_bits(M m) { return m; }
  static EMBER_ALWAYS_INLINE int first(M m) { return m ? __builtin_ctz(static_cast<unsigned>(m)) : -1; }

#define EMBER_SLEEF_D(name) \
  static EMBER_ALWAYS_INLINE V name(V x) { return Sleef_##name##d8_u10avx512f(x); }
  EMBER_SLEEF_D(exp) EMBER_SLEEF_D(exp2) EMBER_SLEEF_D(expm1) EMBER_SLEEF_D(log) EMBER_SLEEF_D(log2)
  EMBER_SLEEF_D(log10) EMBER_SLEEF_D(log1p) EMBER_SLEEF_D(sin) EMBER_SLEEF_D(cos) EMBER_SLEEF_D(tan)
  EMBER_SLEEF_D(asin) EMBER_SLEEF_D(acos) EMBER_SLEEF_D(atan) EMBER_SLEEF_D(sinh) EMBER_SLEEF_D(cosh)
  EMBER_SLEEF_D(tanh) EMBER_SLEEF_D(erf)
#undef EMBER_SLEEF_D
};

}  // namespace ember::cpu::avx512
