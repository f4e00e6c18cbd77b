// Own float32 vector kernels where SLEEF's are slower than needed (measured, docs/cpu_kernels.md):
// exp, log, tanh, erf, written once against a vector traits class W (Note [vector traits] in
// vec_portable.h), so AVX2, AVX-512 and the portable traits run the same formulas. Accuracy
// (tests_py/test_simd_math.py, tests_cpp/kernels/test_unary_functors.cpp): exp <= 1 ulp, log
// <= 1 ulp, tanh <= 1.5 ulp, erf <= 1.5 ulp against float64, every special value as the C library.
// float64 uses SLEEF's 1-ulp functions (W::exp and so on).
#pragma once
#include <cmath>

#include "kernels/common/macros.h"

namespace ember::math::vpoly {

/// exp(x): x = n ln2 + r with |r| <= ln2 / 2 (ln2 in two parts, the first with few bits so n * it
/// is exact), exp(r) = 1 + r + r^2 P(r) (degree 5, Cephes' expf coefficients), times 2^n: one
/// factor while 2^n is normal, else two (results near overflow, and denormal results). x is clamped
/// to [-104, 89] first (exp rounds to 0 / inf beyond); NaN passes (it is the clamp's second operand).
/// kBounded: the caller guarantees |x| <= 87 or NaN (no clamp, no range check).
template <class W, bool kBounded = false>
EMBER_ALWAYS_INLINE typename W::V exp_f32(typename W::V x) {
  using V = typename W::V;
  const V xc = kBounded ? x : W::min(W::set(89.f), W::max(W::set(-104.f), x));
  const V n = W::round(W::mul(xc, W::set(1.44269504088896341f)));
  V r = W::fnma(n, W::set(0.693359375f), xc);
  r = W::fnma(n, W::set(-2.12194440e-4f), r);
  V p = W::set(1.9875691500e-4f);
  p = W::fma(p, r, W::set(1.3981999507e-3f));
  p = W::fma(p, r, W::set(8.3334519073e-3f));
  p = W::fma(p, r, W::set(4.1665795894e-2f));
  p = W::fma(p, r, W::set(1.6666665459e-1f));
  p = W::fma(p, r, W::set(5.0000001201e-1f));
  p = W::add(W::fma(p, W::mul(r, r), r), W::set(1.f));
  if (kBounded || !W::any(W::gt(W::abs(xc), W::set(87.f)))) return W::mul(p, W::pow2i(n));
  const V n1 = W::round(W::mul(n, W::set(0.5f)));
  return W::mul(W::mul(p, W::pow2i(n1)), W::pow2i(W::sub(n, n1)));
}

/// log(x): x = 2^e m with m in [sqrt(1/2), sqrt(2)) (denormals scaled by 2^23 first), f = m - 1 exact,
/// log(1 + f) = f - f^2 / 2 + f^3 P(f) (degree 8, Cephes' logf coefficients), plus e ln2 in two parts.
/// 0 -> -inf, negative -> NaN, inf -> inf, NaN -> NaN, fixed up only for vectors that hold one.
template <class W>
EMBER_ALWAYS_INLINE typename W::V log_f32(typename W::V x) {
  using V = typename W::V;
  using M = typename W::M;
  const M tiny = W::lt(x, W::set(1.17549435e-38f));  // denormal, zero, negative
  const M special = W::m_or(tiny, W::m_or(W::unord(x, x), W::eq(x, W::set(INFINITY))));
  const bool any_special = W::any(special);
  V xs = x, e;
  if (any_special) xs = W::select(tiny, W::mul(x, W::set(8388608.f)), x);
  const V m = W::frexp_sqrt2(xs, &e);
  if (any_special) e = W::select(tiny, W::sub(e, W::set(23.f)), e);
  const V f = W::sub(m, W::set(1.f));
  V p = W::set(7.0376836292e-2f);
  p = W::fma(p, f, W::set(-1.1514610310e-1f));
  p = W::fma(p, f, W::set(1.1676998740e-1f));
  p = W::fma(p, f, W::set(-1.2420140846e-1f));
  p = W::fma(p, f, W::set(1.4249322787e-1f));
  p = W::fma(p, f, W::set(-1.6668057665e-1f));
  p = W::fma(p, f, W::set(2.0000714765e-1f));
  p = W::fma(p, f, W::set(-2.4999993993e-1f));
  p = W::fma(p, f, W::set(3.3333331174e-1f));
  const V z = W::mul(f, f);
  V y = W::mul(W::mul(p, f), z);
  y = W::fma(e, W::set(-2.12194440e-4f), y);
  y = W::fnma(z, W::set(0.5f), y);
  V r = W::fma(e, W::set(0.693359375f), W::add(f, y));
  if (any_special) {
    r = W::select(W::lt(x, W::zero()), W::set(NAN), r);
    r = W::select(W::eq(x, W::zero()), W::set(-INFINITY), r);
    r = W::select(W::m_or(W::unord(x, x), W::eq(x, W::set(INFINITY))), x, r);
  }
  return r;
}

/// tanh(x): for |x| < 0.5493 (tanh < 0.5) x + x^3 P(x^2), P of degree 4 fitted for this file
/// (relative error below 2^-29), else 1 - 2 / (exp(2|x|) + 1); |x| is clamped at 10, where tanh
/// rounds to 1 (NaN passes); computed on |x|, then x's sign (so -0 stays -0).
template <class W>
EMBER_ALWAYS_INLINE typename W::V tanh_f32(typename W::V x) {
  using V = typename W::V;
  const V one = W::set(1.f), two = W::set(2.f);
  const V ax = W::abs(x);
  const V e = exp_f32<W, true>(W::mul(two, W::min(W::set(10.f), ax)));
  const V big = W::sub(one, W::div(two, W::add(e, one)));
  const V z = W::mul(ax, ax);
  V p = W::set(-0x1.9921a0p-8f);
  p = W::fma(p, z, W::set(0x1.58e518p-6f));
  p = W::fma(p, z, W::set(-0x1.b91e7ep-5f));
  p = W::fma(p, z, W::set(0x1.110ceep-3f));
  p = W::fma(p, z, W::set(-0x1.55554ap-2f));
  const V small = W::fma(W::mul(p, z), ax, ax);
  return W::or_(W::select(W::lt(ax, W::set(0.5493f)), small, big), W::sign(x));
}

/// erf(x) on [0, 4) as eight polynomials of degree 7 in t = |x| - i / 2 on [i / 2, i / 2 + 1/2)
/// (fitted for this file: relative error below 2^-25 before rounding), coefficients picked per lane
/// from 8-entry tables; interval 0 has no constant term and its x coefficient 2/sqrt(pi) in two
/// parts (row 8), so erf stays relatively exact down to the denormals. Above 3.93 erf rounds to 1
/// (and is set to exactly 1, so 1 + erf(-inf) = 0); the sign is x's (-0 stays -0, NaN passes: its index is 0).
alignas(32) inline constexpr float kErfTable[9][8] = {
    {0.f, 0x1.0a7ef6p-1f, 0x1.af767ap-1f, 0x1.eea556p-1f, 0x1.fd9ae2p-1f, 0x1.ffcaa8p-1f, 0x1.fffd1ap-1f, 0x1.ffffe8p-1f},
    {0x1.20dd76p+0f, 0x1.c1ef98p-1f, 0x1.a912ap-2f, 0x1.e7200ep-4f, 0x1.5289b8p-6f, 0x1.1e3c82p-9f, 0x1.2d50bap-13f, 0x1.c8ae1ap-35f},
    {-0x1.2b9076p-20f, -0x1.c1e2dcp-2f, -0x1.a92786p-2f, -0x1.6d2452p-3f, -0x1.517ebap-5f, -0x1.7073aep-8f, -0x1.251582p-11f, 0x1.41eb76p-13f},
    {-0x1.811c52p-2f, -0x1.2d2cf2p-3f, 0x1.1d59dap-3f, 0x1.199ebcp-3f, 0x1.7dc182p-5f, 0x1.56e924p-7f, 0x1.454e88p-9f, -0x1.095d8ap-9f},
    {-0x1.0f1eep-11f, 0x1.7db89ap-3f, 0x1.05d5a2p-4f, -0x1.332ep-5f, -0x1.9d7fd6p-6f, -0x1.531f38p-6f, -0x1.5edbc4p-7f, 0x1.809a48p-7f},
    {0x1.da01dcp-4f, -0x1.932296p-10f, -0x1.c25848p-5f, -0x1.24c782p-5f, -0x1.beb664p-7f, 0x1.542d84p-5f, 0x1.e08306p-6f, -0x1.1aecd8p-5f},
    {-0x1.fd0a82p-8f, -0x1.4ca4e8p-5f, -0x1.9874e4p-7f, 0x1.9988c4p-5f, 0x1.3b41d6p-5f, -0x1.bcdf7p-5f, -0x1.56c04ep-5f, 0x1.9bdd8p-5f},
    {-0x1.28df76p-6f, 0x1.01cf8ep-7f, 0x1.35e12cp-6f, -0x1.7f75e2p-6f, -0x1.822806p-6f, 0x1.ecb6eep-6f, 0x1.85116p-6f, -0x1.d6cf26p-6f},
    {-0x1.f7ac92p-25f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f},
};
template <class W>
EMBER_ALWAYS_INLINE typename W::V erf_f32(typename W::V x) {
  using V = typename W::V;
  const V ax = W::min(W::set(0x1.fffffep+1f), W::abs(x));
  const V fi = W::trunc(W::add(ax, ax));
  const typename W::I i = W::index(fi);
  const V t = W::fnma(fi, W::set(0.5f), ax);
  V q = W::lookup8(kErfTable[7], i);
  for (int k = 6; k >= 2; --k) q = W::fma(q, t, W::lookup8(kErfTable[k], i));
  // (c1 t + t^2 q) + c0: c1 t exact inside the FMA, the smaller terms first (c0 = 0 in interval 0)
  V r = W::fma(W::mul(q, t), t, W::mul(W::lookup8(kErfTable[8], i), t));
  r = W::add(W::fma(W::lookup8(kErfTable[1], i), t, r), W::lookup8(kErfTable[0], i));
  r = W::select(W::gt(ax, W::set(3.93f)), W::set(1.f), r);  // exactly 1 where erf rounds to 1
  return W::or_(r, W::sign(x));
}

}  // namespace ember::math::vpoly
