// Binary and selection CPU kernels: maximum / minimum, atan2, floor_divide / remainder / fmod, lerp,
// clamp, nan_to_num, where, and the isnan / isinf / isfinite predicates.
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

template <class T>
constexpr bool kIsFloat = !std::is_integral<T>::value;

template <class T>
void maximum_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  if constexpr (kIsFloat<T>) binary_loop<T>(out, a, b, [](M x, M y) { return (x != x || y != y) ? x + y : (x > y ? x : y); });
  else binary_loop<T>(out, a, b, [](M x, M y) { return x > y ? x : y; });
}

template <class T>
void minimum_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  if constexpr (kIsFloat<T>) binary_loop<T>(out, a, b, [](M x, M y) { return (x != x || y != y) ? x + y : (x < y ? x : y); });
  else binary_loop<T>(out, a, b, [](M x, M y) { return x < y ? x : y; });
}

template <class T>
void atan2_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  binary_loop<T>(out, a, b, [](M x, M y) { return std::atan2(x, y); });
}

/// Integer division by zero is an error in PyTorch ("ZeroDivisionError"): checked before looping.
template <class T>
void check_no_zero_divisor(const char* op, const Tensor& out, const Tensor& b) {
  if (out.numel() == 0) return;  // nothing is divided: an empty int tensor by 0 is fine, as in PyTorch
  if constexpr (std::is_integral<T>::value) {
    bool zero = false;
    const Tensor* ops[1] = {&b};
    ElementwiseIter scan(ops, 1);
    scan.for_each([&](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        if (*reinterpret_cast<const T*>(d[0] + i * s[0]) == T(0)) zero = true;
    }, INT64_MAX);
    EMBER_CHECK(!zero, "ZeroDivisionError (", op, ": integer division by zero)");
  }
}

template <class M>
M int_floor_div(M x, M y) {
  if constexpr (std::is_signed<M>::value) {
    if (y == M(-1)) return static_cast<M>(M(0) - x);  // no overflow trap on INT_MIN / -1 (wraps)
    M q = static_cast<M>(x / y);
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return q;
  } else {
    return static_cast<M>(x / y);
  }
}

template <class M>
M float_floor_div(M a, M b) {  // PyTorch's div_floor_floating
  if (b == M(0)) return a / b;
  M mod = std::fmod(a, b);
  M div = (a - mod) / b;
  if (mod != M(0) && ((b < M(0)) != (mod < M(0)))) div -= M(1);
  if (div == M(0)) return std::copysign(M(0), a / b);
  M fl = std::floor(div);
  if (div - fl > M(0.5)) fl += M(1);
  return fl;
}

template <class T>
void floor_divide_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  check_no_zero_divisor<T>("floor_divide", out, b);
  if constexpr (kIsFloat<T>) binary_loop<T>(out, a, b, [](M x, M y) { return float_floor_div(x, y); });
  else binary_loop<T>(out, a, b, [](M x, M y) { return int_floor_div(x, y); });
}

template <class T>
void remainder_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  check_no_zero_divisor<T>("remainder", out, b);
  if constexpr (kIsFloat<T>) {
    binary_loop<T>(out, a, b, [](M x, M y) {
      M r = std::fmod(x, y);
      if (r != M(0) && ((r < M(0)) != (y < M(0)))) r += y;
      return r;
    });
  } else {
    binary_loop<T>(out, a, b, [](M x, M y) -> M {
      if constexpr (std::is_signed<M>::value) {
        if (y == M(-1)) return M(0);
        M r = static_cast<M>(x % y);
        if (r != 0 && ((r < 0) != (y < 0))) r = static_cast<M>(r + y);
        return r;
      } else {
        return static_cast<M>(x % y);
      }
    });
  }
}

template <class T>
void fmod_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  check_no_zero_divisor<T>("fmod", out, b);
  if constexpr (kIsFloat<T>) binary_loop<T>(out, a, b, [](M x, M y) { return std::fmod(x, y); });
  else binary_loop<T>(out, a, b, [](M x, M y) -> M {
    if constexpr (std::is_signed<M>::value) { if (y == M(-1)) return M(0); }
    return static_cast<M>(x % y);
  });
}

template <class T>
void lerp_k(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& weight) {
  using M = opmath_t<T>;
  const M w = weight.to<M>();
  // PyTorch's form: exact at both ends
  binary_loop<T>(out, a, b, [w](M x, M y) { return std::abs(w) < M(0.5) ? x + w * (y - x) : y - (y - x) * (M(1) - w); });
}

template <class T>
void clamp_k(const Tensor& out, const Tensor& a, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  using M = opmath_t<T>;
  const M lo = min ? min->to<M>() : M(0), hi = max ? max->to<M>() : M(0);
  const bool has_lo = min.has_value(), has_hi = max.has_value();
  // A NaN bound makes every result NaN, as in PyTorch (min(max(x, NaN), hi) propagates it).
  const bool nan_bound = (has_lo && lo != lo) || (has_hi && hi != hi);
  unary_loop<T>(out, a, [=](M x) {
    if (nan_bound) return has_lo && lo != lo ? lo : hi;
    if (x != x) return x;  // NaN stays NaN
    if (has_lo && x < lo) x = lo;
    if (has_hi && x > hi) x = hi;
    return x;
  });
}

/// The largest finite value of a floating T (numeric_limits knows float / double only).
template <class T>
double finite_max() {
  if constexpr (std::is_same<T, Half>::value) return 65504.0;
  else if constexpr (std::is_same<T, BFloat16>::value) return 3.3895313892515355e38;
  else return static_cast<double>(std::numeric_limits<T>::max());
}

template <class T>
void nan_to_num_k(const Tensor& out, const Tensor& a, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  using M = opmath_t<T>;
  if constexpr (!kIsFloat<T>) {
    unary_loop<T>(out, a, [](M x) { return x; });
  } else {
    const M n = static_cast<M>(nan.value_or(0.0));
    const M p = static_cast<M>(posinf ? *posinf : finite_max<T>());
    const M q = static_cast<M>(neginf ? *neginf : -finite_max<T>());
    unary_loop<T>(out, a, [=](M x) { return x != x ? n : (x == std::numeric_limits<M>::infinity() ? p
                                                          : (x == -std::numeric_limits<M>::infinity() ? q : x)); });
  }
}

template <class T, class F>
void predicate_loop(const Tensor& out, const Tensor& a, const F& f) {
  const Tensor* ops[2] = {&out, &a};
  ElementwiseIter it(ops, 2);
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<bool*>(d[0] + i * s[0]) = f(load<T>(d[1] + i * s[1]));
  });
}

template <class T>
void isnan_k(const Tensor& out, const Tensor& a) {
  predicate_loop<T>(out, a, [](opmath_t<T> x) { if constexpr (kIsFloat<T>) return x != x; else return false; });
}
template <class T>
void isinf_k(const Tensor& out, const Tensor& a) {
  predicate_loop<T>(out, a, [](opmath_t<T> x) { if constexpr (kIsFloat<T>) return std::isinf(x); else return false; });
}
template <class T>
void isfinite_k(const Tensor& out, const Tensor& a) {
  predicate_loop<T>(out, a, [](opmath_t<T> x) { if constexpr (kIsFloat<T>) return std::isfinite(x); else return true; });
}

template <class T>
void where_k(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  const Tensor* ops[4] = {&out, &cond, &a, &b};
  ElementwiseIter it(ops, 4);
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      bool c = *reinterpret_cast<const bool*>(d[1] + i * s[1]);
      *reinterpret_cast<T*>(d[0] + i * s[0]) = *reinterpret_cast<const T*>(c ? d[2] + i * s[2] : d[3] + i * s[3]);
    }
  });
}

}  // namespace

void register_binary_math() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::maximum>(kCPU, t, &maximum_k<T>);
    register_kernel<OpId::minimum>(kCPU, t, &minimum_k<T>);
    register_kernel<OpId::nan_to_num>(kCPU, t, &nan_to_num_k<T>);
    register_kernel<OpId::isnan>(kCPU, t, &isnan_k<T>);
    register_kernel<OpId::isinf>(kCPU, t, &isinf_k<T>);
    register_kernel<OpId::isfinite>(kCPU, t, &isfinite_k<T>);
    register_kernel<OpId::where>(kCPU, t, &where_k<T>);
  });
  for_dtypes(kNumericTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::floor_divide>(kCPU, t, &floor_divide_k<T>);
    register_kernel<OpId::remainder>(kCPU, t, &remainder_k<T>);
    register_kernel<OpId::fmod>(kCPU, t, &fmod_k<T>);
    register_kernel<OpId::clamp>(kCPU, t, &clamp_k<T>);
  });
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::atan2>(kCPU, t, &atan2_k<T>);
    register_kernel<OpId::lerp>(kCPU, t, &lerp_k<T>);
  });
}

}  // namespace ember::cpu
