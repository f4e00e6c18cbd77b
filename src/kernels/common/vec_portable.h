// Note [vector traits]: the vector forms of the functors (unary_ops.h) and the CPU vector loops are
// written once against a traits class W; each instruction set supplies one (kernels/cpu/vec_avx2.h,
// vec_avx512.h), and this file a portable one of any width in plain C++ (lane loops), which documents
// every operation and lets a test run the very formulas of the vector forms on any machine (the lane
// results equal the instruction sets' bit for bit: the same IEEE operations, FMA fused).
//
// W::T the lane type (float / double), W::V the vector, W::M a lane mask, W::Tail the mask of a
// tail, W::kL the lane count. Float traits also have W::I (a table index) and W::D (the double
// traits of the same width in bytes). Operations:
//   tail(r) lanes [0, r); load(p) / load(p, tail) / store(p, v) / store(p, v, tail) (masked lanes
//   neither read nor written); set(t) broadcast; zero(); add sub mul div; fma(a, b, c) = a*b + c
//   and fnma(a, b, c) = c - a*b, rounded once; min(a, b) / max(a, b) = a < b ? a : b / a > b ? a : b
//   (b when either is NaN, as x86); abs; sign (the sign bit alone); or_ (bitwise); trunc, round
//   (nearest even); lt gt eq (ordered: false with a NaN), unord (either NaN); m_or; select(m, a, b)
//   = m ? a : b; any(m); m_bits(m) (lane i as bit i); first(m) (lowest set lane, -1 if none).
//   Float only: pow2i(n) = 2^n for integral n in [-126, 127]; frexp_sqrt2(x, &e) = m in
//   [sqrt(1/2), sqrt(2)) (float(sqrt(1/2)) included) with x = m 2^e, for a positive normal x; index(v) the integral v in [0, 8) as a table
//   index (NaN: any index in [0, 8)); lookup8(table, i) = table[i]; widen(v, &lo, &hi) and
//   narrow(lo, hi) to and from two double vectors.
//   Library functions (the CPU traits call SLEEF's 1-ulp ones): exp exp2 expm1 log log2 log10 log1p
//   sin cos tan asin acos atan sinh cosh tanh erf.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/common/macros.h"

namespace ember::math::portable {

template <class T_, int N>
struct Vec {
  using T = T_;
  struct V { T v[N]; };
  struct M { bool b[N]; };
  using Tail = M;
  struct I { int v[N]; };
  static constexpr int kL = N;

  template <class F> static V map(F f, V a) { V r; for (int i = 0; i < N; ++i) r.v[i] = f(a.v[i]); return r; }
  template <class F> static V map(F f, V a, V b) { V r; for (int i = 0; i < N; ++i) r.v[i] = f(a.v[i], b.v[i]); return r; }
  template <class F> static M cmp(F f, V a, V b) { M r; for (int i = 0; i < N; ++i) r.b[i] = f(a.v[i], b.v[i]); return r; }

  static Tail tail(int64_t r) { M m; for (int i = 0; i < N; ++i) m.b[i] = i < r; return m; }
  static V load(const T* p) { V r; for (int i = 0; i < N; ++i) r.v[i] = p[i]; return r; }
  static V load(const T* p, Tail m) { V r; for (int i = 0; i < N; ++i) r.v[i] = m.b[i] ? p[i] : T(0); return r; }
  static void store(T* p, V v) { for (int i = 0; i < N; ++i) p[i] = v.v[i]; }
  static void store(T* p, V v, Tail m) { for (int i = 0; i < N; ++i) if (m.b[i]) p[i] = v.v[i]; }

  static V set(T t) { V r; for (int i = 0; i < N; ++i) r.v[i] = t; return r; }
  static V zero() { return set(T(0)); }
  static V add(V a, V b) { return map([](T x, T y) { return x + y; }, a, b); }
  static V sub(V a, V b) { return map([](T x, T y) { return x - y; }, a, b); }
  static V mul(V a, V b) { return map([](T x, T y) { return x * y; }, a, b); }
  static V div(V a, V b) { return map([](T x, T y) { return x / y; }, a, b); }
  static V fma(V a, V b, V c) { V r; for (int i = 0; i < N; ++i) r.v[i] = std::fma(a.v[i], b.v[i], c.v[i]); return r; }
  static V fnma(V a, V b, V c) { V r; for (int i = 0; i < N; ++i) r.v[i] = std::fma(-a.v[i], b.v[i], c.v[i]); return r; }
  static V min(V a, V b) { return map([](T x, T y) { return x < y ? x : y; }, a, b); }
  static V max(V a, V b) { return map([](T x, T y) { return x > y ? x : y; }, a, b); }
  static V abs(V a) { return map([](T x) { return std::fabs(x); }, a); }
  static V sign(V a) { return map([](T x) { return std::signbit(x) ? T(-0.0) : T(0); }, a); }
  static V or_(V a, V b) {
    V r;
    for (int i = 0; i < N; ++i) {
      unsigned char x[sizeof(T)], y[sizeof(T)];
      std::memcpy(x, &a.v[i], sizeof(T));
      std::memcpy(y, &b.v[i], sizeof(T));
      for (unsigned k = 0; k < sizeof(T); ++k) x[k] |= y[k];
      std::memcpy(&r.v[i], x, sizeof(T));
    }
    return r;
  }
  static V trunc(V a) { return map([](T x) { return std::trunc(x); }, a); }
  static V round(V a) { return map([](T x) { return std::nearbyint(x); }, a); }  // default mode: to even

  static M lt(V a, V b) { return cmp([](T x, T y) { return x < y; }, a, b); }
  static M gt(V a, V b) { return cmp([](T x, T y) { return x > y; }, a, b); }
  static M eq(V a, V b) { return cmp([](T x, T y) { return x == y; }, a, b); }
  static M unord(V a, V b) { return cmp([](T x, T y) { return x != x || y != y; }, a, b); }
  static M m_or(M a, M b) { for (int i = 0; i < N; ++i) a.b[i] = a.b[i] || b.b[i]; return a; }
  static V select(M m, V a, V b) { for (int i = 0; i < N; ++i) if (!m.b[i]) a.v[i] = b.v[i]; return a; }
  static bool any(M m) { for (int i = 0; i < N; ++i) if (m.b[i]) return true; return false; }
  static unsigned m_bits(M m) { unsigned r = 0; for (int i = 0; i < N; ++i) r |= unsigned(m.b[i]) << i; return r; }
  static int first(M m) { for (int i = 0; i < N; ++i) if (m.b[i]) return i; return -1; }

  static V pow2i(V n) { return map([](T x) { return x == x ? std::ldexp(T(1), static_cast<int>(x)) : T(1); }, n); }
  static V frexp_sqrt2(V x, V* e) {
    V m;
    for (int i = 0; i < N; ++i) {
      int k;
      const T f = std::frexp(x.v[i], &k);  // [1/2, 1)
      const bool up = f < T(0x1.6a09e6p-1);  // float(sqrt(1/2))
      m.v[i] = up ? f * T(2) : f;
      e->v[i] = static_cast<T>(up ? k - 1 : k);
    }
    return m;
  }
  static I index(V v) { I r; for (int i = 0; i < N; ++i) r.v[i] = v.v[i] == v.v[i] ? static_cast<int>(v.v[i]) & 7 : 0; return r; }
  static V lookup8(const T* table, I i) { V r; for (int k = 0; k < N; ++k) r.v[k] = table[i.v[k]]; return r; }

#define EMBER_PORTABLE_FN(name) \
  static V name(V x) { return map([](T t) { return std::name(t); }, x); }
  EMBER_PORTABLE_FN(exp) EMBER_PORTABLE_FN(exp2) EMBER_PORTABLE_FN(expm1) EMBER_PORTABLE_FN(log)
  EMBER_PORTABLE_FN(log2) EMBER_PORTABLE_FN(log10) EMBER_PORTABLE_FN(log1p) EMBER_PORTABLE_FN(sin)
  EMBER_PORTABLE_FN(cos) EMBER_PORTABLE_FN(tan) EMBER_PORTABLE_FN(asin) EMBER_PORTABLE_FN(acos)
  EMBER_PORTABLE_FN(atan) EMBER_PORTABLE_FN(sinh) EMBER_PORTABLE_FN(cosh) EMBER_PORTABLE_FN(tanh)
  EMBER_PORTABLE_FN(erf)
#undef EMBER_PORTABLE_FN
};

/// N float lanes and their double partner (N / 2 lanes, the same bytes).
template <int N>
struct VecF : Vec<float, N> {
  using D = Vec<double, N / 2>;
  using V = typename Vec<float, N>::V;
  static void widen(V x, typename D::V* lo, typename D::V* hi) {
    for (int i = 0; i < N / 2; ++i) {
      lo->v[i] = x.v[i];
      hi->v[i] = x.v[N / 2 + i];
    }
  }
  static V narrow(typename D::V lo, typename D::V hi) {
    V r;
    for (int i = 0; i < N / 2; ++i) {
      r.v[i] = static_cast<float>(lo.v[i]);
      r.v[N / 2 + i] = static_cast<float>(hi.v[i]);
    }
    return r;
  }
};
template <int N>
using VecD = Vec<double, N>;

}  // namespace ember::math::portable
