// SLEEF's range limits, mended once for every instruction set: SleefFixed<W> is the traits W with
// log1p, sinh and cosh that stay 1-ulp over the whole range (the functors' W::log1p etc. then see
// these). Included by the ISA translation units only (vec_math_avx2.cpp, vec_math_avx512.cpp).
#pragma once
#include <type_traits>

#include "kernels/common/macros.h"

namespace ember::cpu {

template <class W>
struct SleefFixed : W {
  using V = typename W::V;
  using T = typename W::T;
  static constexpr bool kF32 = std::is_same<T, float>::value;

  // SLEEF's log1p is u10 only up to 1e38 (float) / 1e307 (double) and returns inf above; log1p(x)
  // rounds to log(x) there.
  static EMBER_ALWAYS_INLINE V log1p(V x) {
    const auto big = W::gt(x, W::set(kF32 ? T(1e38) : T(1e307)));
    V r = W::log1p(x);
    if (W::any(big)) r = W::select(big, W::log(x), r);
    return r;
  }

  // SLEEF's sinh/cosh are u10 only for |x| <= 88.5 (float) / 709 (double) and give inf beyond, where
  // the true value is still finite up to 89.4 / 710.5. Float lanes there are redone in double; double
  // lanes use exp(|x|/2)^2 / 2 (about 2 ulp).
  template <bool kSinh>
  static EMBER_ALWAYS_INLINE V sinh_cosh(V x) {
    V r = kSinh ? W::sinh(x) : W::cosh(x);
    const auto big = W::gt(W::abs(x), W::set(kF32 ? T(88) : T(709)));
    if (!W::any(big)) return r;
    if constexpr (kF32) {
      using D = SleefFixed<typename W::D>;
      typename W::D::V lo, hi;
      W::widen(x, &lo, &hi);
      return W::select(big, W::narrow(D::template sinh_cosh<kSinh>(lo), D::template sinh_cosh<kSinh>(hi)), r);
    } else {
      const V e = W::exp(W::mul(W::abs(x), W::set(0.5)));
      V w = W::mul(W::mul(e, W::set(0.5)), e);
      if (kSinh) w = W::or_(w, W::sign(x));
      return W::select(big, w, r);
    }
  }
  static EMBER_ALWAYS_INLINE V sinh(V x) { return sinh_cosh<true>(x); }
  static EMBER_ALWAYS_INLINE V cosh(V x) { return sinh_cosh<false>(x); }
};

}  // namespace ember::cpu
