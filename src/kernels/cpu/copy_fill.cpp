// copy_ (with dtype conversion and broadcasting), fill_ and arange on CPU.
#include <cstring>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

template <class Dst, class Src>
Dst convert(Src v) {
  if constexpr (std::is_same<Dst, bool>::value) return static_cast<opmath_t<Src>>(v) != opmath_t<Src>(0);
  else if constexpr (std::is_same<Src, Half>::value || std::is_same<Src, BFloat16>::value)
    return static_cast<Dst>(static_cast<float>(v));
  else return static_cast<Dst>(v);
}

template <class Dst>
void copy_k(const Tensor& self, const Tensor& src, bool /*non_blocking*/) {
  if (self.numel() == 0) return;
  if (src.dtype() == self.dtype() && self.is_contiguous() && src.is_contiguous() && src.numel() == self.numel()) {
    char* d = static_cast<char*>(self.data_ptr());
    const char* s = static_cast<const char*>(src.data_ptr());
    if (d == s) return;
    size_t es = sizeof(Dst);
    parallel_for(self.numel(), kGrainSize * 4,
                 [&](int64_t b, int64_t e) { std::memmove(d + b * es, s + b * es, (e - b) * es); });
    return;
  }
  visit_dtype(src.dtype(), [&](auto tag) {
    using Src = typename decltype(tag)::type;
    const Tensor* ops[2] = {&self, &src};
    ElementwiseIter it(ops, 2);
    it.for_each([](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Dst*>(d[0] + i * s[0]) = convert<Dst>(*reinterpret_cast<const Src*>(d[1] + i * s[1]));
    });
  });
}

template <class T>
void fill_k(const Tensor& self, const Scalar& value) {
  const T v = value.to<T>();
  const Tensor* ops[1] = {&self};
  ElementwiseIter it(ops, 1);
  it.for_each([v](char** d, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(T)) {
      T* p = reinterpret_cast<T*>(d[0]);
      for (int64_t i = 0; i < n; ++i) p[i] = v;
    } else {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(d[0] + i * s[0]) = v;
    }
  });
}

template <class T>
void arange_k(const Tensor& out, const Scalar& start, const std::optional<Scalar>& /*end*/, const Scalar& step,
              const TensorOptions& /*options*/) {
  T* p = out.data_ptr<T>();
  int64_t n = out.numel();
  if constexpr (std::is_integral<T>::value) {
    int64_t a = start.to_long(), s = step.to_long();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(a + i * s);
  } else {
    double a = start.to_double(), s = step.to_double();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(a + static_cast<double>(i) * s);
  }
}

}  // namespace

void register_copy_fill() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::copy_>(kCPU, t, &copy_k<T>);
    register_kernel<OpId::fill_>(kCPU, t, &fill_k<T>);
  });
  for_dtypes(kNumericTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::arange>(kCPU, t, &arange_k<T>);
  });
}

}  // namespace ember::cpu
