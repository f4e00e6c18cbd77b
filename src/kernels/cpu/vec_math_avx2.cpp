// AVX2+FMA loops over SLEEF's u10 (1.0-ULP) vector functions and own float32 tanh / erf, softmax, and
// F16C float16 conversions. This is the only translation unit built with -mavx2 -mfma -mf16c (CMakeLists.txt); nothing here may run before vec_math.cpp has checked
// the CPU. Tails are done with masked loads/stores by the same vector function, so every element
// gets the same result whatever the chunking (threads) is.
#include <cmath>
#include <immintrin.h>
#include <sleef.h>

#include "kernels/cpu/vec_math.h"

namespace ember::cpu::vec::avx2 {
namespace {

// Lane masks for a tail of r < lanes elements: lanes [0, r) set.
inline __m256i tail_mask32(int64_t r) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(r)), idx);
}
inline __m256i tail_mask64(int64_t r) {
  const __m256i idx = _mm256_setr_epi64x(0, 1, 2, 3);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), idx);
}

template <class Op>
void loop_f32(float* out, const float* in, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {  // two vectors per iteration: hides part of SLEEF's latency
    __m256 a = _mm256_loadu_ps(in + i), b = _mm256_loadu_ps(in + i + 8);
    _mm256_storeu_ps(out + i, Op::f(a));
    _mm256_storeu_ps(out + i + 8, Op::f(b));
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, Op::f(_mm256_loadu_ps(in + i)));
  if (i < n) {
    const __m256i m = tail_mask32(n - i);
    _mm256_maskstore_ps(out + i, m, Op::f(_mm256_maskload_ps(in + i, m)));
  }
}

template <class Op>
void loop_f64(double* out, const double* in, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d a = _mm256_loadu_pd(in + i), b = _mm256_loadu_pd(in + i + 4);
    _mm256_storeu_pd(out + i, Op::d(a));
    _mm256_storeu_pd(out + i + 4, Op::d(b));
  }
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, Op::d(_mm256_loadu_pd(in + i)));
  if (i < n) {
    const __m256i m = tail_mask64(n - i);
    _mm256_maskstore_pd(out + i, m, Op::d(_mm256_maskload_pd(in + i, m)));
  }
}

#define EMBER_SLEEF_OP(name)                                                 \
  struct Op_##name {                                                         \
    static __m256 f(__m256 x) { return Sleef_##name##f8_u10avx2(x); }        \
    static __m256d d(__m256d x) { return Sleef_##name##d4_u10avx2(x); }      \
  };
EMBER_SLEEF_OP(exp)
EMBER_SLEEF_OP(exp2)
EMBER_SLEEF_OP(expm1)
EMBER_SLEEF_OP(log)
EMBER_SLEEF_OP(log2)
EMBER_SLEEF_OP(log10)
EMBER_SLEEF_OP(sin)
EMBER_SLEEF_OP(cos)
EMBER_SLEEF_OP(tan)
EMBER_SLEEF_OP(asin)
EMBER_SLEEF_OP(acos)
EMBER_SLEEF_OP(atan)
#undef EMBER_SLEEF_OP

// SLEEF's log1p is u10 only up to 1e38 (float) / 1e307 (double) and returns inf above; log1p(x) rounds
// to log(x) there.
struct Op_log1p {
  static __m256 f(__m256 x) {
    const __m256 big = _mm256_cmp_ps(x, _mm256_set1_ps(1e38f), _CMP_GT_OQ);
    __m256 r = Sleef_log1pf8_u10avx2(x);
    if (_mm256_movemask_ps(big)) r = _mm256_blendv_ps(r, Sleef_logf8_u10avx2(x), big);
    return r;
  }
  static __m256d d(__m256d x) {
    const __m256d big = _mm256_cmp_pd(x, _mm256_set1_pd(1e307), _CMP_GT_OQ);
    __m256d r = Sleef_log1pd4_u10avx2(x);
    if (_mm256_movemask_pd(big)) r = _mm256_blendv_pd(r, Sleef_logd4_u10avx2(x), big);
    return r;
  }
};

// SLEEF's sinh/cosh are u10 only for |x| <= 88.5 (float) / 709 (double) and give inf beyond, where
// the true value is still finite up to 89.4 / 710.5. Float lanes there are redone in double; double
// lanes use exp(|x|/2)^2 / 2 (about 2 ulp).
template <bool Sinh>
struct SinhCosh {
  static __m256d wide_d(__m256d x) {  // |x| > 709: sign * exp(|x|/2) * (exp(|x|/2) / 2)
    const __m256d sign = _mm256_set1_pd(-0.0);
    const __m256d e = Sleef_expd4_u10avx2(_mm256_mul_pd(_mm256_andnot_pd(sign, x), _mm256_set1_pd(0.5)));
    __m256d r = _mm256_mul_pd(_mm256_mul_pd(e, _mm256_set1_pd(0.5)), e);
    return Sinh ? _mm256_or_pd(r, _mm256_and_pd(sign, x)) : r;
  }
  static __m256d sleef_d(__m256d x) { return Sinh ? Sleef_sinhd4_u10avx2(x) : Sleef_coshd4_u10avx2(x); }
  static __m256 f(__m256 x) {
    __m256 r = Sinh ? Sleef_sinhf8_u10avx2(x) : Sleef_coshf8_u10avx2(x);
    const __m256 absx = _mm256_andnot_ps(_mm256_set1_ps(-0.f), x);
    const __m256 big = _mm256_cmp_ps(absx, _mm256_set1_ps(88.f), _CMP_GT_OQ);
    if (_mm256_movemask_ps(big)) {
      const __m128 lo = _mm256_cvtpd_ps(sleef_d(_mm256_cvtps_pd(_mm256_castps256_ps128(x))));
      const __m128 hi = _mm256_cvtpd_ps(sleef_d(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1))));
      r = _mm256_blendv_ps(r, _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1), big);
    }
    return r;
  }
  static __m256d d(__m256d x) {
    __m256d r = sleef_d(x);
    const __m256d absx = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
    const __m256d big = _mm256_cmp_pd(absx, _mm256_set1_pd(709.0), _CMP_GT_OQ);
    if (_mm256_movemask_pd(big)) r = _mm256_blendv_pd(r, wide_d(x), big);
    return r;
  }
};
using Op_sinh = SinhCosh<true>;
using Op_cosh = SinhCosh<false>;

// tanh. SLEEF's tanhf8_u10 runs at about 0.5 Gelem/s per core, so float32 uses its own formula (within
// 1.5 ulp, measured over the whole float range): for |x| < 0.5493 (tanh < 0.5) the Taylor series to
// x^19 (truncation < 2^-27 relative), else sign(x) * (1 - 2 / (exp(2|x|) + 1)) with SLEEF's u10 exp.
// float64 keeps SLEEF's u10 tanh.
struct Op_tanh {
  static __m256 f(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.f), one = _mm256_set1_ps(1.f), two = _mm256_set1_ps(2.f);
    const __m256 ax = _mm256_andnot_ps(sign, x);
    // min(10, ax) keeps nan (minps returns its second operand when one is nan); tanh(10) rounds to 1
    const __m256 e = Sleef_expf8_u10avx2(_mm256_mul_ps(two, _mm256_min_ps(_mm256_set1_ps(10.f), ax)));
    __m256 big = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(e, one)));
    big = _mm256_or_ps(big, _mm256_and_ps(sign, x));
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(float(-443861162.0 / 1856156927625.0));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(6404582.0 / 10854718875.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(-929569.0 / 638512875.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(21844.0 / 6081075.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(-1382.0 / 155925.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(62.0 / 2835.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(-17.0 / 315.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(2.0 / 15.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(float(-1.0 / 3.0)));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);  // x + x^3 p(x^2)
    const __m256 r = _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.5493f), _CMP_LT_OQ));
    return _mm256_blendv_ps(r, x, _mm256_cmp_ps(ax, _mm256_set1_ps(0x1p-12f), _CMP_LT_OQ));  // tiny: x, keeps -0
  }
  static __m256d d(__m256d x) { return Sleef_tanhd4_u10avx2(x); }
};

// erf. SLEEF's erff8_u10 runs at about 0.35 Gelem/s per core, so float32 uses its own approximation
// (within 1.1 ulp of the float64 reference, measured over [0, 4] and down to 1e-38; fitted for this
// file): for |x| < 0.921875, x * (2/sqrt(pi) + x^2 P(x^2)) with 2/sqrt(pi) split in two floats and the
// big term inside an FMA; above, 1 - exp(-x^2) Q(t) with t linear in |x| over [0.921875, 4] (x^2 as an
// exact hi + lo pair), |x| clamped at 4 where erf rounds to 1. float64 keeps SLEEF's u10 erf.
struct Op_erf {
  static __m256 f(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.f);
    const __m256 ax = _mm256_andnot_ps(sign, x);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(0x1.6059bcp-14f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-0x1.ab5db8p-11f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(0x1.54eab4p-8f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-0x1.b81292p-6f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(0x1.ce2e42p-4f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-0x1.812744p-2f));
    const __m256 corr = _mm256_mul_ps(_mm256_mul_ps(x, z), p);
    const __m256 small = _mm256_fmadd_ps(_mm256_set1_ps(0x1.20dd76p+0f), x,
                                         _mm256_fmadd_ps(_mm256_set1_ps(-0x1.f7ac92p-25f), x, corr));
    const __m256 a = _mm256_min_ps(_mm256_set1_ps(4.f), ax);  // keeps nan (minps returns its second operand)
    const __m256 t = _mm256_fmadd_ps(a, _mm256_set1_ps(0x1.4cab88p-1f), _mm256_set1_ps(-0x1.995710p+0f));
    __m256 q = _mm256_set1_ps(-0x1.03b32cp-17f);
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.6eceb8p-16f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.08e488p-15f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.459bfep-14f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.de08bap-13f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.25d132p-11f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.579116p-10f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.8c73cep-9f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.bc3f6ep-8f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.e0d8e8p-7f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.f5a34ap-6f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.f68d22p-5f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0x1.e133cap-4f));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0x1.b5c216p-3f));
    const __m256 hi = _mm256_mul_ps(a, a);
    const __m256 lo = _mm256_fmsub_ps(a, a, hi);                 // a^2 = hi + lo exactly
    __m256 e = Sleef_expf8_u10avx2(_mm256_sub_ps(_mm256_setzero_ps(), hi));
    e = _mm256_fnmadd_ps(e, lo, e);                             // exp(-hi - lo) ~ exp(-hi) (1 - lo)
    __m256 big = _mm256_fnmadd_ps(e, q, _mm256_set1_ps(1.f));  // 1 - e q
    big = _mm256_or_ps(big, _mm256_and_ps(sign, x));
    return _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.921875f), _CMP_LT_OQ));
  }
  static __m256d d(__m256d x) { return Sleef_erfd4_u10avx2(x); }
};

// sigmoid without overflow: e = exp(-|x|), then 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0 (as
// the scalar kernels compute it); silu = x * sigmoid(x).
struct Op_sigmoid {
  static __m256 f(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.f);
    const __m256 e = Sleef_expf8_u10avx2(_mm256_or_ps(x, _mm256_set1_ps(-0.f)));  // exp(-|x|)
    const __m256 d = _mm256_add_ps(one, e);
    const __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
    return _mm256_div_ps(_mm256_blendv_ps(one, e, neg), d);
  }
  static __m256d d(__m256d x) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d e = Sleef_expd4_u10avx2(_mm256_or_pd(x, _mm256_set1_pd(-0.0)));
    const __m256d den = _mm256_add_pd(one, e);
    const __m256d neg = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ);
    return _mm256_div_pd(_mm256_blendv_pd(one, e, neg), den);
  }
};
struct Op_silu {
  static __m256 f(__m256 x) { return _mm256_mul_ps(x, Op_sigmoid::f(x)); }
  static __m256d d(__m256d x) { return _mm256_mul_pd(x, Op_sigmoid::d(x)); }
};

// gelu, in the scalar kernels' operation order (unary_math.cpp).
struct Op_gelu_erf {
  static __m256 f(__m256 x) {
    const __m256 h = _mm256_mul_ps(x, _mm256_set1_ps(0.5f));
    const __m256 e = Op_erf::f(_mm256_mul_ps(x, _mm256_set1_ps(float(M_SQRT1_2))));
    return _mm256_mul_ps(h, _mm256_add_ps(_mm256_set1_ps(1.f), e));
  }
  static __m256d d(__m256d x) {
    const __m256d h = _mm256_mul_pd(x, _mm256_set1_pd(0.5));
    const __m256d e = Sleef_erfd4_u10avx2(_mm256_mul_pd(x, _mm256_set1_pd(M_SQRT1_2)));
    return _mm256_mul_pd(h, _mm256_add_pd(_mm256_set1_pd(1.0), e));
  }
};
struct Op_gelu_tanh {
  template <class V, class Set, class Add, class Mul, class Tanh>
  static V run(V x, Set set, Add add, Mul mul, Tanh tanh) {
    const V k = set(M_SQRT2 * M_2_SQRTPI * 0.5), c = set(0.044715);
    const V inner = mul(k, add(x, mul(mul(mul(c, x), x), x)));
    return mul(mul(set(0.5), x), add(set(1.0), tanh(inner)));
  }
  static __m256 f(__m256 x) {
    return run(x, [](double v) { return _mm256_set1_ps(float(v)); }, [](__m256 a, __m256 b) { return _mm256_add_ps(a, b); },
               [](__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }, [](__m256 a) { return Op_tanh::f(a); });
  }
  static __m256d d(__m256d x) {
    return run(x, [](double v) { return _mm256_set1_pd(v); }, [](__m256d a, __m256d b) { return _mm256_add_pd(a, b); },
               [](__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }, [](__m256d a) { return Op_tanh::d(a); });
  }
};

// ---- softmax / log_softmax ------------------------------------------------------------------------
// One vector type's operations, so the softmax below is written once for float and double.
struct VF {
  using T = float;
  using V = __m256;
  static constexpr int64_t kL = 8;
  static __m256i mask(int64_t r) { return tail_mask32(r); }
  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static V load(const T* p, __m256i m) { return _mm256_maskload_ps(p, m); }
  static void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static void store(T* p, V v, __m256i m) { _mm256_maskstore_ps(p, m, v); }
  static V set(T v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V exp(V a) { return Sleef_expf8_u10avx2(a); }
  static V log(V a) { return Sleef_logf8_u10avx2(a); }
  static V select(__m256i m, V a, V b) { return _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m)); }  // m ? a : b
  static V neg_inf_to_zero(V a) {
    return _mm256_blendv_ps(a, zero(), _mm256_cmp_ps(a, set(-INFINITY), _CMP_EQ_OQ));
  }
};
struct VD {
  using T = double;
  using V = __m256d;
  static constexpr int64_t kL = 4;
  static __m256i mask(int64_t r) { return tail_mask64(r); }
  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static V load(const T* p, __m256i m) { return _mm256_maskload_pd(p, m); }
  static void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static void store(T* p, V v, __m256i m) { _mm256_maskstore_pd(p, m, v); }
  static V set(T v) { return _mm256_set1_pd(v); }
  static V zero() { return _mm256_setzero_pd(); }
  static V max(V a, V b) { return _mm256_max_pd(a, b); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V div(V a, V b) { return _mm256_div_pd(a, b); }
  static V exp(V a) { return Sleef_expd4_u10avx2(a); }
  static V log(V a) { return Sleef_logd4_u10avx2(a); }
  static V select(__m256i m, V a, V b) { return _mm256_blendv_pd(b, a, _mm256_castsi256_pd(m)); }
  static V neg_inf_to_zero(V a) {
    return _mm256_blendv_pd(a, zero(), _mm256_cmp_pd(a, set(-INFINITY), _CMP_EQ_OQ));
  }
};

// The max / sum of a vector's lanes (W = VF or VD).
template <class W>
typename W::T lanes_max(typename W::V a) {
  typename W::T l[W::kL];
  W::store(l, a);
  typename W::T r = l[0];
  for (int64_t j = 1; j < W::kL; ++j) r = l[j] > r ? l[j] : r;
  return r;
}
template <class W>
typename W::T lanes_sum(typename W::V a) {
  typename W::T l[W::kL];
  W::store(l, a);
  typename W::T r = 0;
  for (int64_t j = 0; j < W::kL; ++j) r += l[j];
  return r;
}

// A contiguous row: max, then exp(x - max) summed (and stored for softmax), then the division or
// x - max - log(sum). The max is taken as 0 when it is -inf (an all -inf row gives NaN, as the scalar
// kernel); a NaN reaches every output through the sum.
template <class W, bool kLog>
void softmax_row(typename W::T* out, const typename W::T* in, int64_t n) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL;
  const int64_t body = n / L * L;
  const __m256i tm = W::mask(n - body);
  V m0 = W::set(-INFINITY), m1 = m0;
  int64_t i = 0;
  for (; i + 2 * L <= body; i += 2 * L) {
    m0 = W::max(W::load(in + i), m0);
    m1 = W::max(W::load(in + i + L), m1);
  }
  for (; i < body; i += L) m0 = W::max(W::load(in + i), m0);
  if (body < n) m1 = W::max(W::select(tm, W::load(in + body, tm), W::set(-INFINITY)), m1);
  T mx = lanes_max<W>(W::max(m0, m1));
  if (mx == -INFINITY) mx = 0;
  const V vm = W::set(mx);
  V s0 = W::zero(), s1 = s0;
  for (i = 0; i + 2 * L <= body; i += 2 * L) {
    V e0 = W::exp(W::sub(W::load(in + i), vm)), e1 = W::exp(W::sub(W::load(in + i + L), vm));
    if (!kLog) {
      W::store(out + i, e0);
      W::store(out + i + L, e1);
    }
    s0 = W::add(s0, e0);
    s1 = W::add(s1, e1);
  }
  for (; i < body; i += L) {
    V e = W::exp(W::sub(W::load(in + i), vm));
    if (!kLog) W::store(out + i, e);
    s0 = W::add(s0, e);
  }
  if (body < n) {
    V e = W::select(tm, W::exp(W::sub(W::load(in + body, tm), vm)), W::zero());
    if (!kLog) W::store(out + body, e, tm);
    s1 = W::add(s1, e);
  }
  const T sum = lanes_sum<W>(W::add(s0, s1));
  if (kLog) {
    const V ls = W::set(std::log(sum));
    for (i = 0; i < body; i += L) W::store(out + i, W::sub(W::sub(W::load(in + i), vm), ls));
    if (body < n) W::store(out + body, W::sub(W::sub(W::load(in + body, tm), vm), ls), tm);
  } else {
    const V vs = W::set(sum);
    for (i = 0; i < body; i += L) W::store(out + i, W::div(W::load(out + i), vs));
    if (body < n) W::store(out + body, W::div(W::load(out + body, tm), vs), tm);
  }
}

// `cols` (<= kMaxCols) adjacent columns of n elements spaced `inner` apart (softmax over a non-last
// dim): the same three passes, each lane its own column, a whole row segment of the block per step
// (contiguous loads, few pages per pass).
constexpr int64_t kMaxCols = 64;
template <class W, bool kLog>
void softmax_cols(typename W::T* out, const typename W::T* in, int64_t n, int64_t inner, int64_t cols) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL;
  constexpr int64_t kMaxV = kMaxCols / L;
  const int64_t nfull = cols / L, nv = (cols + L - 1) / L;
  const __m256i tm = W::mask(cols - nfull * L);
  auto ld = [&](const T* p, int64_t v) { return v < nfull ? W::load(p + v * L) : W::load(p + v * L, tm); };
  auto st = [&](T* p, int64_t v, V x) {
    if (v < nfull) W::store(p + v * L, x);
    else W::store(p + v * L, x, tm);
  };
  V mx[kMaxV], s[kMaxV];
  for (int64_t v = 0; v < nv; ++v) {
    mx[v] = W::set(-INFINITY);
    s[v] = W::zero();
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t v = 0; v < nv; ++v) mx[v] = W::max(ld(in + i * inner, v), mx[v]);
  for (int64_t v = 0; v < nv; ++v) mx[v] = W::neg_inf_to_zero(mx[v]);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t v = 0; v < nv; ++v) {
      V e = W::exp(W::sub(ld(in + i * inner, v), mx[v]));
      if (!kLog) st(out + i * inner, v, e);
      s[v] = W::add(s[v], e);
    }
  if (kLog) {
    for (int64_t v = 0; v < nv; ++v) s[v] = W::log(s[v]);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t v = 0; v < nv; ++v) st(out + i * inner, v, W::sub(W::sub(ld(in + i * inner, v), mx[v]), s[v]));
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t v = 0; v < nv; ++v) st(out + i * inner, v, W::div(ld(out + i * inner, v), s[v]));
  }
}

template <class W>
void softmax_any(typename W::T* out, const typename W::T* in, int64_t n, int64_t inner, int64_t cols, bool log) {
  if (inner == 1) {
    if (log) softmax_row<W, true>(out, in, n);
    else softmax_row<W, false>(out, in, n);
  } else {
    if (log) softmax_cols<W, true>(out, in, n, inner, cols);
    else softmax_cols<W, false>(out, in, n, inner, cols);
  }
}

}  // namespace

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

extern const SoftmaxF32 kSoftmaxF32 = &softmax_any<VF>;
extern const SoftmaxF64 kSoftmaxF64 = &softmax_any<VD>;

// Indexed by Fn.
extern const F32Fn kF32[] = {
#define EMBER_VEC_F32(name) &loop_f32<Op_##name>,
    EMBER_VEC_FNS(EMBER_VEC_F32)
#undef EMBER_VEC_F32
};
extern const F64Fn kF64[] = {
#define EMBER_VEC_F64(name) &loop_f64<Op_##name>,
    EMBER_VEC_FNS(EMBER_VEC_F64)
#undef EMBER_VEC_F64
};
static_assert(sizeof(kF32) / sizeof(kF32[0]) == static_cast<int>(Fn::kCount), "one loop per Fn");

}  // namespace ember::cpu::vec::avx2
