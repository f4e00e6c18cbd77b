// Logical (bool result, any dtype) and bitwise (bool and integer dtypes) CPU kernels.
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

#define EMBER_LOGICAL(name, expr)                                                                      \
  template <class T>                                                                                   \
  void name##_k(const Tensor& out, const Tensor& a, const Tensor& b) {                                 \
    using M = opmath_t<T>;                                                                             \
    binary_loop<T, bool>(out, a, b, [](M x, M y) -> bool { bool p = x != M(0), q = y != M(0); return expr; }); \
  }
EMBER_LOGICAL(logical_and, p && q)
EMBER_LOGICAL(logical_or, p || q)
EMBER_LOGICAL(logical_xor, p != q)
#undef EMBER_LOGICAL

template <class T>
void logical_not_k(const Tensor& out, const Tensor& a) {
  const Tensor* ops[2] = {&out, &a};
  ElementwiseIter it(ops, 2);
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<bool*>(d[0] + i * s[0]) = load<T>(d[1] + i * s[1]) == opmath_t<T>(0);
  });
}

// Bitwise ops on bool act logically (T = bool: M is bool, and the integer result converts back).
#define EMBER_BITWISE(name, op)                                                            \
  template <class T>                                                                       \
  void name##_k(const Tensor& out, const Tensor& a, const Tensor& b) {                     \
    using M = opmath_t<T>;                                                                 \
    binary_loop<T>(out, a, b, [](M x, M y) { return static_cast<M>(x op y); });            \
  }
EMBER_BITWISE(bitwise_and, &)
EMBER_BITWISE(bitwise_or, |)
EMBER_BITWISE(bitwise_xor, ^)
#undef EMBER_BITWISE

// Shifts as PyTorch: a shift that is negative or at least the bit width gives 0 (left) or the sign
// (right, arithmetic); left shifts go through the unsigned type, so overflowing bits drop off.
template <class T>
constexpr bool is_negative(T v) {
  if constexpr (std::is_signed<T>::value) return v < 0;
  else return false;
}
template <class T>
void bitwise_left_shift_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using U = std::make_unsigned_t<T>;
  constexpr T kBits = static_cast<T>(sizeof(T) * 8);
  binary_loop<T>(out, a, b, [](T x, T s) {
    return (is_negative(s) || s >= kBits) ? T(0) : static_cast<T>(static_cast<U>(x) << s);
  });
}
template <class T>
void bitwise_right_shift_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  constexpr T kBits = static_cast<T>(sizeof(T) * 8);
  binary_loop<T>(out, a, b, [](T x, T s) {
    return (is_negative(s) || s >= kBits) ? static_cast<T>(is_negative(x) ? -1 : 0) : static_cast<T>(x >> s);
  });
}

template <class T>
void bitwise_not_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  if constexpr (std::is_same<T, bool>::value) unary_loop<T>(out, a, [](M x) { return !x; });
  else unary_loop<T>(out, a, [](M x) { return static_cast<M>(~x); });
}

}  // namespace

void register_logical() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::logical_and>(kCPU, t, &logical_and_k<T>);
    register_kernel<OpId::logical_or>(kCPU, t, &logical_or_k<T>);
    register_kernel<OpId::logical_xor>(kCPU, t, &logical_xor_k<T>);
    register_kernel<OpId::logical_not>(kCPU, t, &logical_not_k<T>);
  });
  // Bitwise: bool and integers only (floating dtypes raise NotImplementedError, as PyTorch's RuntimeError).
  for_dtypes({kBool, kUInt8, kInt8, kInt16, kInt32, kInt64}, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral<T>::value) {  // visit_dtype instantiates every dtype
      register_kernel<OpId::bitwise_and>(kCPU, t, &bitwise_and_k<T>);
      register_kernel<OpId::bitwise_or>(kCPU, t, &bitwise_or_k<T>);
      register_kernel<OpId::bitwise_xor>(kCPU, t, &bitwise_xor_k<T>);
      register_kernel<OpId::bitwise_not>(kCPU, t, &bitwise_not_k<T>);
      if constexpr (!std::is_same<T, bool>::value) {  // shifts: integers only (bool raises, as PyTorch)
        register_kernel<OpId::bitwise_left_shift>(kCPU, t, &bitwise_left_shift_k<T>);
        register_kernel<OpId::bitwise_right_shift>(kCPU, t, &bitwise_right_shift_k<T>);
      }
    }
  });
}

}  // namespace ember::cpu
