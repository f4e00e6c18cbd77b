// Unary math CPU kernels: abs, square, roots, exponentials/logarithms, trigonometric and hyperbolic
// functions, erf, rounding, sign, and the gelu / silu activations. Functors over opmath_t<T>.
#include <cmath>
#include <string>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

// Floating math: one functor each, registered for the float dtypes (integer inputs were cast to the
// default float dtype by the unary_float meta rule).
#define EMBER_FLOAT_UNARY(name, expr)                            \
  template <class T>                                             \
  void name##_k(const Tensor& out, const Tensor& a) {            \
    using M = opmath_t<T>;                                       \
    unary_loop<T>(out, a, [](M x) -> M { return expr; });        \
  }
// The functors of kernels/common/unary_ops.h: their vector loop for contiguous float types where the
// CPU has one (vec_math.h), their scalar form elsewhere.
#define EMBER_FUNCTOR_UNARY(name, Functor)                 \
  template <class T>                                       \
  void name##_k(const Tensor& out, const Tensor& a) {      \
    unary_functor_loop<T, math::Functor>(out, a);          \
  }
EMBER_FLOAT_UNARY(reciprocal, M(1) / x)
EMBER_FLOAT_UNARY(sqrt, std::sqrt(x))
EMBER_FLOAT_UNARY(rsqrt, M(1) / std::sqrt(x))
EMBER_FUNCTOR_UNARY(exp2, Exp2)
EMBER_FUNCTOR_UNARY(expm1, Expm1)
EMBER_FUNCTOR_UNARY(log2, Log2)
EMBER_FUNCTOR_UNARY(log10, Log10)
EMBER_FUNCTOR_UNARY(log1p, Log1p)
EMBER_FUNCTOR_UNARY(sin, Sin)
EMBER_FUNCTOR_UNARY(cos, Cos)
EMBER_FUNCTOR_UNARY(tan, Tan)
EMBER_FUNCTOR_UNARY(asin, Asin)
EMBER_FUNCTOR_UNARY(acos, Acos)
EMBER_FUNCTOR_UNARY(atan, Atan)
EMBER_FUNCTOR_UNARY(sinh, Sinh)
EMBER_FUNCTOR_UNARY(cosh, Cosh)
EMBER_FUNCTOR_UNARY(erf, Erf)
EMBER_FUNCTOR_UNARY(silu, Silu)
#undef EMBER_FLOAT_UNARY
#undef EMBER_FUNCTOR_UNARY

template <class T>
void abs_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  if constexpr (std::is_unsigned<T>::value) unary_loop<T>(out, a, [](M x) { return x; });
  else if constexpr (std::is_integral<T>::value) unary_loop<T>(out, a, [](M x) { return static_cast<M>(x < 0 ? -x : x); });
  else unary_loop<T>(out, a, [](M x) { return std::fabs(x); });
}

template <class T>
void square_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  unary_loop<T>(out, a, [](M x) { return static_cast<M>(x * x); });
}

template <class T>
void sign_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  if constexpr (std::is_same<T, bool>::value) unary_loop<T>(out, a, [](M x) { return x; });
  else unary_loop<T>(out, a, [](M x) { return static_cast<M>((M(0) < x) - (x < M(0))); });  // sign(nan) = 0
}

// Rounding: the identity on integers (PyTorch returns a copy).
#define EMBER_ROUNDING(name, fn)                                                         \
  template <class T>                                                                     \
  void name##_k(const Tensor& out, const Tensor& a) {                                    \
    using M = opmath_t<T>;                                                               \
    if constexpr (std::is_integral<T>::value) unary_loop<T>(out, a, [](M x) { return x; }); \
    else unary_loop<T>(out, a, [](M x) { return fn(x); });                               \
  }
EMBER_ROUNDING(floor, std::floor)
EMBER_ROUNDING(ceil, std::ceil)
EMBER_ROUNDING(trunc, std::trunc)
#undef EMBER_ROUNDING

template <class T>
void round_k(const Tensor& out, const Tensor& a, int64_t decimals) {
  using M = opmath_t<T>;
  if constexpr (std::is_integral<T>::value) {
    // Checked before the loop (nothing may throw inside a parallel region).
    // NotImplementedError, as PyTorch raises ("round_cpu" not implemented for 'Long').
    EMBER_CHECK_AS(NotImplementedError, decimals == 0, "\"round_decimals\" not implemented for integer dtypes (got ",
                   out.dtype(), ")");
    unary_loop<T>(out, a, [](M x) { return x; });
  } else if (decimals == 0) {
    unary_loop<T>(out, a, [](M x) { return std::nearbyint(x); });  // the default mode: half to even, as PyTorch
  } else {
    // As PyTorch: scale by 10^|decimals|, round half to even, scale back.
    const M ten_pow = static_cast<M>(std::pow(10.0, static_cast<double>(decimals < 0 ? -decimals : decimals)));
    if (decimals > 0) unary_loop<T>(out, a, [ten_pow](M x) { return std::nearbyint(x * ten_pow) / ten_pow; });
    else unary_loop<T>(out, a, [ten_pow](M x) { return std::nearbyint(x / ten_pow) * ten_pow; });
  }
}

template <class T>
void gelu_k(const Tensor& out, const Tensor& a, const std::string& approximate) {
  // Checked before the loop: nothing may throw inside a parallel region.
  EMBER_CHECK(approximate == "none" || approximate == "tanh",
              "approximate argument must be either none or tanh. (gelu got '", approximate, "')");
  if (approximate == "none") unary_functor_loop<T, math::GeluErf>(out, a);
  else unary_functor_loop<T, math::GeluTanh>(out, a);
}

}  // namespace

void register_unary_math() {
  using dispatch::register_kernel;
  for_dtypes(kNumericTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::abs>(kCPU, t, &abs_k<T>);
    register_kernel<OpId::square>(kCPU, t, &square_k<T>);
    register_kernel<OpId::floor>(kCPU, t, &floor_k<T>);
    register_kernel<OpId::ceil>(kCPU, t, &ceil_k<T>);
    register_kernel<OpId::round>(kCPU, t, &round_k<T>);
    register_kernel<OpId::trunc>(kCPU, t, &trunc_k<T>);
  });
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::sign>(kCPU, t, &sign_k<T>);
  });
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::reciprocal>(kCPU, t, &reciprocal_k<T>);
    register_kernel<OpId::sqrt>(kCPU, t, &sqrt_k<T>);
    register_kernel<OpId::rsqrt>(kCPU, t, &rsqrt_k<T>);
    register_kernel<OpId::exp2>(kCPU, t, &exp2_k<T>);
    register_kernel<OpId::expm1>(kCPU, t, &expm1_k<T>);
    register_kernel<OpId::log2>(kCPU, t, &log2_k<T>);
    register_kernel<OpId::log10>(kCPU, t, &log10_k<T>);
    register_kernel<OpId::log1p>(kCPU, t, &log1p_k<T>);
    register_kernel<OpId::sin>(kCPU, t, &sin_k<T>);
    register_kernel<OpId::cos>(kCPU, t, &cos_k<T>);
    register_kernel<OpId::tan>(kCPU, t, &tan_k<T>);
    register_kernel<OpId::asin>(kCPU, t, &asin_k<T>);
    register_kernel<OpId::acos>(kCPU, t, &acos_k<T>);
    register_kernel<OpId::atan>(kCPU, t, &atan_k<T>);
    register_kernel<OpId::sinh>(kCPU, t, &sinh_k<T>);
    register_kernel<OpId::cosh>(kCPU, t, &cosh_k<T>);
    register_kernel<OpId::erf>(kCPU, t, &erf_k<T>);
    register_kernel<OpId::silu>(kCPU, t, &silu_k<T>);
    register_kernel<OpId::gelu>(kCPU, t, &gelu_k<T>);
  });
}

}  // namespace ember::cpu
