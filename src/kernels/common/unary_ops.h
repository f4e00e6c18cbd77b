// The pointwise math of the transcendental unary ops, once: one functor per function, with
//   scalar(x)   plain C++ over float or double (the op's opmath type), usable in host and device code;
//               the reference every vector form is tested against;
//   vec<W>(v)   the same function on a vector of lanes, written against a vector traits class W
//               (Note [vector traits] in vec_portable.h): kernels/cpu instantiates it for AVX2 and
//               AVX-512, tests for portable lanes.
// A CPU loop (kernels/cpu/unary_math.cpp), a fuser or a CUDA kernel instantiates these; nothing here
// knows about tensors, strides or threads. float vector forms use the own kernels of vec_poly.h where
// they are faster than SLEEF, double ones the library functions of W (SLEEF's 1-ulp ones on CPUs).
// Adding a function: a functor here, a line in EMBER_UNARY_FUNCTORS, a test (docs/cpu_kernels.md).
#pragma once
#include <cmath>
#include <type_traits>

#include "kernels/common/macros.h"
#include "kernels/common/vec_poly.h"

namespace ember::math {

template <class W>
constexpr bool kIsF32 = std::is_same<typename W::T, float>::value;

// Functions computed by the library function of W (SLEEF on CPUs; log1p, sinh and cosh with the
// range fix-ups of kernels/cpu/vec_sleef.h) and by std:: in the scalar form.
#define EMBER_LIBRARY_FUNCTOR(Name, fn)                                               \
  struct Name {                                                                       \
    template <class T>                                                                \
    EMBER_HOST_DEVICE static T scalar(T x) { return std::fn(x); }                     \
    template <class W>                                                                \
    static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) { return W::fn(x); } \
  };
EMBER_LIBRARY_FUNCTOR(Exp2, exp2)
EMBER_LIBRARY_FUNCTOR(Expm1, expm1)
EMBER_LIBRARY_FUNCTOR(Log2, log2)
EMBER_LIBRARY_FUNCTOR(Log10, log10)
EMBER_LIBRARY_FUNCTOR(Log1p, log1p)
EMBER_LIBRARY_FUNCTOR(Sin, sin)
EMBER_LIBRARY_FUNCTOR(Cos, cos)
EMBER_LIBRARY_FUNCTOR(Tan, tan)
EMBER_LIBRARY_FUNCTOR(Asin, asin)
EMBER_LIBRARY_FUNCTOR(Acos, acos)
EMBER_LIBRARY_FUNCTOR(Atan, atan)
EMBER_LIBRARY_FUNCTOR(Sinh, sinh)
EMBER_LIBRARY_FUNCTOR(Cosh, cosh)
#undef EMBER_LIBRARY_FUNCTOR

/// exp(x).
struct Exp {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return std::exp(x); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    if constexpr (kIsF32<W>) return vpoly::exp_f32<W>(x);
    else return W::exp(x);
  }
};

/// log(x).
struct Log {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return std::log(x); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    if constexpr (kIsF32<W>) return vpoly::log_f32<W>(x);
    else return W::log(x);
  }
};

/// tanh(x).
struct Tanh {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return std::tanh(x); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    if constexpr (kIsF32<W>) return vpoly::tanh_f32<W>(x);
    else return W::tanh(x);
  }
};

/// erf(x).
struct Erf {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return std::erf(x); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    if constexpr (kIsF32<W>) return vpoly::erf_f32<W>(x);
    else return W::erf(x);
  }
};

/// sigmoid(x) = 1 / (1 + exp(-x)) without overflow: e = exp(-|x|), then 1 / (1 + e) for x >= 0 and
/// e / (1 + e) below.
struct Sigmoid {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) {
    const T e = std::exp(-std::fabs(x));
    return (x < T(0) ? e : T(1)) / (T(1) + e);
  }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    const typename W::V one = W::set(1), e = Exp::vec<W>(W::or_(x, W::set(-0.0)));  // exp(-|x|)
    return W::div(W::select(W::lt(x, W::zero()), e, one), W::add(one, e));
  }
};

/// silu(x) = x * sigmoid(x).
struct Silu {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return x * Sigmoid::scalar(x); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) { return W::mul(x, Sigmoid::vec<W>(x)); }
};

/// gelu(x) = x / 2 * (1 + erf(x / sqrt(2))) (approximate='none').
struct GeluErf {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) { return x * T(0.5) * (T(1) + std::erf(x * T(M_SQRT1_2))); }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    const typename W::V e = Erf::vec<W>(W::mul(x, W::set(M_SQRT1_2)));
    return W::mul(W::mul(x, W::set(0.5)), W::add(W::set(1), e));
  }
};

/// gelu(x, approximate='tanh') = x / 2 * (1 + tanh(u)), u = sqrt(2 / pi) (x + 0.044715 x^3), computed
/// as x / (1 + exp(-2u)) (the same function: no cancellation for x < 0, one exp instead of tanh).
struct GeluTanh {
  template <class T>
  EMBER_HOST_DEVICE static T scalar(T x) {
    const T k2 = T(-M_SQRT2 * M_2_SQRTPI), c = T(0.044715);  // -2 sqrt(2 / pi)
    return x / (T(1) + std::exp(k2 * (x + c * x * x * x)));
  }
  template <class W>
  static EMBER_ALWAYS_INLINE typename W::V vec(typename W::V x) {
    const typename W::V inner = W::fma(W::mul(W::set(0.044715), x), W::mul(x, x), x);
    const typename W::V e = Exp::vec<W>(W::mul(W::set(-M_SQRT2 * M_2_SQRTPI), inner));
    return W::div(x, W::add(W::set(1), e));
  }
};

/// Every functor with a vector form, as X(name, Functor): the CPU's table of vector loops
/// (kernels/cpu/vec_math.h) has one entry each.
#define EMBER_UNARY_FUNCTORS(X)                                                                      \
  X(exp, ::ember::math::Exp) X(exp2, ::ember::math::Exp2) X(expm1, ::ember::math::Expm1)                \
  X(log, ::ember::math::Log) X(log2, ::ember::math::Log2) X(log10, ::ember::math::Log10)                \
  X(log1p, ::ember::math::Log1p) X(sin, ::ember::math::Sin) X(cos, ::ember::math::Cos)                  \
  X(tan, ::ember::math::Tan) X(asin, ::ember::math::Asin) X(acos, ::ember::math::Acos)                  \
  X(atan, ::ember::math::Atan) X(sinh, ::ember::math::Sinh) X(cosh, ::ember::math::Cosh)                \
  X(tanh, ::ember::math::Tanh) X(erf, ::ember::math::Erf) X(sigmoid, ::ember::math::Sigmoid)            \
  X(silu, ::ember::math::Silu) X(gelu_erf, ::ember::math::GeluErf) X(gelu_tanh, ::ember::math::GeluTanh)

}  // namespace ember::math
