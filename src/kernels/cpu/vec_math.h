// The CPU's vector loops, chosen at run time: each instruction set has a translation unit built with
// its own target flags (vec_math_avx2.cpp: -mavx2 -mfma -mf16c; vec_math_avx512.cpp: AVX-512 F/DQ/VL/BW)
// that instantiates the ISA-generic loops (vec_loops.h, vec_reduce.h) and the functors' vector forms
// (kernels/common/unary_ops.h) into a table of function pointers; vec_math.cpp picks the best table
// the CPU supports (cpuid), once. A CPU without AVX2+FMA+F16C, or EMBER_NO_SIMD=1, gets no table
// (nullptr here) and the kernels keep their scalar loops; EMBER_SIMD=avx2 caps the choice at AVX2.
#pragma once
#include <cstdint>
#include <type_traits>

#include "kernels/common/unary_ops.h"

namespace ember::cpu::vec {

/// The functions with a vector loop: one per functor of EMBER_UNARY_FUNCTORS.
enum class Fn : int {
#define EMBER_VEC_ENUM(name, F) name,
  EMBER_UNARY_FUNCTORS(EMBER_VEC_ENUM)
#undef EMBER_VEC_ENUM
  kCount
};
constexpr int kFnCount = static_cast<int>(Fn::kCount);

/// out[i] = f(in[i]) for i < n; out may equal in (in place), other overlaps are not allowed.
using F32Fn = void (*)(float* out, const float* in, int64_t n);
using F64Fn = void (*)(double* out, const double* in, int64_t n);
/// Softmax (log_softmax when log) along n elements spaced `inner` apart: one contiguous row when
/// inner == 1 (cols ignored), else `cols` <= 64 adjacent columns starting at in / out. The max is taken as
/// 0 when it is -inf, as in the scalar kernel.
using SoftmaxF32 = void (*)(float* out, const float* in, int64_t n, int64_t inner, int64_t cols, bool log);
using SoftmaxF64 = void (*)(double* out, const double* in, int64_t n, int64_t inner, int64_t cols, bool log);
/// float16 (as its bits) <-> float32, round to nearest even.
using HalfToFloat = void (*)(float* out, const uint16_t* in, int64_t n);
using FloatToHalf = void (*)(uint16_t* out, const float* in, int64_t n);
/// The max / min of row[0, n) (n >= 1), NaN if it holds one.
template <class T> using RowExtreme = T (*)(const T* row, int64_t n);
/// The max / min of a row and its first index (vreduce::row_select); false for a row with a NaN or
/// shorter than select_min elements.
template <class T> using RowSelect = bool (*)(const T* row, int64_t n, T* val, int64_t* idx);

/// One instruction set's loops.
struct Table {
  const char* isa;
  F32Fn f32[kFnCount];
  F64Fn f64[kFnCount];
  SoftmaxF32 softmax_f32;
  SoftmaxF64 softmax_f64;
  HalfToFloat half_to_float;
  FloatToHalf float_to_half;
  RowExtreme<float> max_f32, min_f32;
  RowExtreme<double> max_f64, min_f64;
  RowSelect<float> select_max_f32, select_min_f32;
  RowSelect<double> select_max_f64, select_min_f64;
  int64_t select_min_f32_n, select_min_f64_n;
};

/// The table for this CPU, or nullptr (scalar loops).
const Table* table();
/// "avx512", "avx2" or "scalar": what table() runs.
const char* isa();

inline F32Fn f32(Fn fn) { const Table* t = table(); return t ? t->f32[static_cast<int>(fn)] : nullptr; }
inline F64Fn f64(Fn fn) { const Table* t = table(); return t ? t->f64[static_cast<int>(fn)] : nullptr; }
inline HalfToFloat half_to_float() { const Table* t = table(); return t ? t->half_to_float : nullptr; }
inline FloatToHalf float_to_half() { const Table* t = table(); return t ? t->float_to_half : nullptr; }

/// The vector loop for T (float or double; nullptr for any other T or without a table).
template <class T>
auto get(Fn fn) {
  using P = void (*)(T*, const T*, int64_t);
  if constexpr (std::is_same<T, float>::value) return static_cast<P>(f32(fn));
  else if constexpr (std::is_same<T, double>::value) return static_cast<P>(f64(fn));
  else return static_cast<P>(nullptr);
}
template <class T>
auto softmax() {
  using P = void (*)(T*, const T*, int64_t, int64_t, int64_t, bool);
  const Table* t = table();
  if constexpr (std::is_same<T, float>::value) return static_cast<P>(t ? t->softmax_f32 : nullptr);
  else if constexpr (std::is_same<T, double>::value) return static_cast<P>(t ? t->softmax_f64 : nullptr);
  else return static_cast<P>(nullptr);
}

/// The functor F's vector loop for T, by its Fn.
template <class F> constexpr Fn fn_of();
#define EMBER_VEC_FN_OF(name, F) \
  template <> constexpr Fn fn_of<F>() { return Fn::name; }
EMBER_UNARY_FUNCTORS(EMBER_VEC_FN_OF)
#undef EMBER_VEC_FN_OF

}  // namespace ember::cpu::vec
