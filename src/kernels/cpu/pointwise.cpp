// Pointwise CPU kernels: tiny functors over opmath_t<T>, looped by cpu/loops.h.
#include <cmath>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

template <class T>
opmath_t<T> alpha_of(const char* op, const Tensor& out, const Scalar& alpha) {
  EMBER_CHECK(is_floating_point(out.dtype()) || !alpha.is_floating_point(), "For integral input tensors, argument "
              "alpha must not be a floating point number. (", op, " with dtype ", out.dtype(), ")");
  EMBER_CHECK(out.dtype() == kBool || !alpha.is_bool(), "Boolean alpha only supported for Boolean results. (", op,
              ")");
  if (out.dtype() != kBool) check_scalar_in_range(alpha, out.dtype());  // PyTorch converts alpha with a range check
  return alpha.to<opmath_t<T>>();
}

template <class T>
void add_k(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  using M = opmath_t<T>;
  M al = alpha_of<T>("add", out, alpha);
  if (al == M(1)) binary_loop<T>(out, a, b, [](M x, M y) { return x + y; });
  else binary_loop<T>(out, a, b, [al](M x, M y) { return x + al * y; });
}

template <class T>
void sub_k(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  using M = opmath_t<T>;
  M al = alpha_of<T>("sub", out, alpha);
  if (al == M(1)) binary_loop<T>(out, a, b, [](M x, M y) { return x - y; });
  else binary_loop<T>(out, a, b, [al](M x, M y) { return x - al * y; });
}

template <class T>
void mul_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  if constexpr (std::is_same<T, bool>::value) binary_loop<T>(out, a, b, [](M x, M y) { return x && y; });
  else binary_loop<T>(out, a, b, [](M x, M y) { return x * y; });
}

template <class T>
void div_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  binary_loop<T>(out, a, b, [](M x, M y) { return x / y; });
}

template <class T>
T int_pow(T base, T exp) {
  T result = 1;
  while (exp) {
    if (exp & 1) result = static_cast<T>(result * base);
    exp = static_cast<T>(exp >> 1);
    base = static_cast<T>(base * base);
  }
  return result;
}

template <class T>
void pow_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = opmath_t<T>;
  if constexpr (std::is_same<T, bool>::value) {
    binary_loop<T>(out, a, b, [](M x, M y) { return x || !y; });
  } else if constexpr (std::is_integral<T>::value) {
    // A Python-number exponent was range-checked by meta_binary_pow (negative ones refused); a tensor
    // exponent gives PyTorch's integer results: 1 and -1 keep their powers, other bases give 0.
    binary_loop<T>(out, a, b, [](M x, M y) -> M {
      if (y < 0) return x == 1 ? M(1) : (x == static_cast<M>(-1) ? ((y & 1) ? x : M(1)) : M(0));
      return int_pow<M>(x, y);
    });
  } else {
    binary_loop<T>(out, a, b, [](M x, M y) { return std::pow(x, y); });
  }
}

template <class T>
void neg_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  unary_loop<T>(out, a, [](M x) { return static_cast<M>(-x); });
}

template <class T>
void relu_k(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  unary_loop<T>(out, a, [](M x) { return x > M(0) ? x : (x != x ? x : M(0)); });
}

// The functors of kernels/common/unary_ops.h (vector loops where the CPU has them).
template <class T>
void exp_k(const Tensor& out, const Tensor& a) { unary_functor_loop<T, math::Exp>(out, a); }
template <class T>
void log_k(const Tensor& out, const Tensor& a) { unary_functor_loop<T, math::Log>(out, a); }
template <class T>
void tanh_k(const Tensor& out, const Tensor& a) { unary_functor_loop<T, math::Tanh>(out, a); }
template <class T>
void sigmoid_k(const Tensor& out, const Tensor& a) { unary_functor_loop<T, math::Sigmoid>(out, a); }

template <class T>
void threshold_backward_k(const Tensor& out, const Tensor& grad, const Tensor& self, const Scalar& threshold) {
  using M = opmath_t<T>;
  const M th = threshold.to<M>();
  binary_loop<T>(out, grad, self, [th](M g, M x) { return x > th ? g : M(0); });
}

}  // namespace

void register_pointwise() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::add>(kCPU, t, &add_k<T>);
    register_kernel<OpId::mul>(kCPU, t, &mul_k<T>);
    register_kernel<OpId::pow>(kCPU, t, &pow_k<T>);
  });
  for_dtypes(kNumericTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::sub>(kCPU, t, &sub_k<T>);
    register_kernel<OpId::neg>(kCPU, t, &neg_k<T>);
    register_kernel<OpId::relu>(kCPU, t, &relu_k<T>);
    register_kernel<OpId::threshold_backward>(kCPU, t, &threshold_backward_k<T>);
  });
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::div>(kCPU, t, &div_k<T>);
    register_kernel<OpId::exp>(kCPU, t, &exp_k<T>);
    register_kernel<OpId::log>(kCPU, t, &log_k<T>);
    register_kernel<OpId::tanh>(kCPU, t, &tanh_k<T>);
    register_kernel<OpId::sigmoid>(kCPU, t, &sigmoid_k<T>);
  });
}

}  // namespace ember::cpu
