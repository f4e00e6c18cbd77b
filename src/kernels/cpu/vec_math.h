// Vector loops for the contiguous fast paths of the float kernels: transcendental functions (SLEEF's
// 1.0-ULP "u10" variants, own float32 tanh and erf), softmax rows/columns, float16 <-> float32. The
// code lives in vec_math_avx2.cpp, the only file compiled with -mavx2 -mfma -mf16c; it is selected at
// runtime (see vec_math.cpp), so a CPU without AVX2, FMA or F16C gets nullptr here and the kernels
// keep their scalar loops.
#pragma once
#include <cstdint>
#include <type_traits>

namespace ember::cpu::vec {

/// The functions with a vector implementation. sigmoid = 1 / (1 + exp(-x)), silu = x * sigmoid(x),
/// gelu_erf = x / 2 * (1 + erf(x / sqrt(2))), gelu_tanh = x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
#define EMBER_VEC_FNS(X) \
  X(exp) X(exp2) X(expm1) X(log) X(log2) X(log10) X(log1p) X(sin) X(cos) X(tan) X(asin) X(acos) \
  X(atan) X(sinh) X(cosh) X(tanh) X(erf) X(sigmoid) X(silu) X(gelu_erf) X(gelu_tanh)

enum class Fn : int {
#define EMBER_VEC_ENUM(name) name,
  EMBER_VEC_FNS(EMBER_VEC_ENUM)
#undef EMBER_VEC_ENUM
  kCount
};

/// out[i] = f(in[i]) for i < n; out may equal in (in place), other overlaps are not allowed.
using F32Fn = void (*)(float* out, const float* in, int64_t n);
using F64Fn = void (*)(double* out, const double* in, int64_t n);

/// The vector loop for fn, or nullptr when the CPU lacks AVX2/FMA/F16C (or EMBER_NO_SIMD is set).
F32Fn f32(Fn fn);
F64Fn f64(Fn fn);

/// Softmax (log_softmax when log) along n elements spaced `inner` apart: one contiguous row when
/// inner == 1 (cols ignored), else `cols` <= 64 adjacent columns starting at in / out. The max is taken as
/// 0 when it is -inf, as in the scalar kernel. nullptr without AVX2/FMA/F16C.
using SoftmaxF32 = void (*)(float* out, const float* in, int64_t n, int64_t inner, int64_t cols, bool log);
using SoftmaxF64 = void (*)(double* out, const double* in, int64_t n, int64_t inner, int64_t cols, bool log);
SoftmaxF32 softmax_f32();
SoftmaxF64 softmax_f64();
template <class T>
auto softmax() {
  using P = void (*)(T*, const T*, int64_t, int64_t, int64_t, bool);
  if constexpr (std::is_same<T, float>::value) return static_cast<P>(softmax_f32());
  else if constexpr (std::is_same<T, double>::value) return static_cast<P>(softmax_f64());
  else return static_cast<P>(nullptr);
}

/// float16 (as its bits) <-> float32 with F16C, round to nearest even; nullptr without it.
using HalfToFloat = void (*)(float* out, const uint16_t* in, int64_t n);
using FloatToHalf = void (*)(uint16_t* out, const float* in, int64_t n);
HalfToFloat half_to_float();
FloatToHalf float_to_half();

/// The vector loop for T (float or double; nullptr for any other T).
template <class T>
auto get(Fn fn) {
  using P = void (*)(T*, const T*, int64_t);
  if constexpr (std::is_same<T, float>::value) return static_cast<P>(f32(fn));
  else if constexpr (std::is_same<T, double>::value) return static_cast<P>(f64(fn));
  else return static_cast<P>(nullptr);
}

}  // namespace ember::cpu::vec
