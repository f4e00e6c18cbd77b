// Reductions (sum, mean) and softmax on CPU. Reduced dims are moved innermost (a copy unless they
// already are), then each output element reduces one contiguous row with a wide accumulator.
#include <cmath>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/reduce_util.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {
template <class T>
void reduce_sum(const Tensor& out, const Tensor& self, IntArrayRef dims, bool mean) {
  using A = typename Acc<T>::type;
  int64_t outer, inner;
  Tensor in = rows_layout(self, dims, &outer, &inner);
  const T* x = in.data_ptr<T>();
  T* o = out.data_ptr<T>();
  parallel_for(outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* row = x + r * inner;
      A acc[8] = {};
      int64_t i = 0;
      for (; i + 8 <= inner; i += 8)
        for (int j = 0; j < 8; ++j) acc[j] += static_cast<A>(static_cast<opmath_t<T>>(row[i + j]));
      A total = 0;
      for (; i < inner; ++i) total += static_cast<A>(static_cast<opmath_t<T>>(row[i]));
      for (int j = 0; j < 8; ++j) total += acc[j];
      if (mean) o[r] = static_cast<T>(static_cast<double>(total) / static_cast<double>(inner));
      else o[r] = static_cast<T>(total);
    }
  });
}

template <class T>
void sum_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim, bool, std::optional<ScalarType>) {
  reduce_sum<T>(out, self, *dim, false);
}
template <class T>
void mean_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim, bool, std::optional<ScalarType>) {
  reduce_sum<T>(out, self, *dim, true);
}

template <class T, bool kLog>
void softmax_k(const Tensor& out, const Tensor& self, int64_t dim, std::optional<ScalarType>) {
  using M = opmath_t<T>;
  int64_t n = self.dim() == 0 ? 1 : self.sizes()[dim];
  int64_t inner = 1, outer = 1;
  for (int64_t d = dim + 1; d < self.dim(); ++d) inner *= self.sizes()[d];
  for (int64_t d = 0; d < dim; ++d) outer *= self.sizes()[d];
  const T* x = self.data_ptr<T>();
  T* o = out.data_ptr<T>();
  if (self.numel() == 0) return;
  parallel_for(outer * inner, std::max<int64_t>(1, kGrainSize / n), [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      int64_t base = (k / inner) * n * inner + (k % inner);
      M mx = -INFINITY;
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<M>(x[base + i * inner]));
      if (std::isinf(mx) && mx < 0) mx = 0;
      M s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::exp(static_cast<M>(x[base + i * inner]) - mx);
      if (kLog) {
        M ls = std::log(s);
        for (int64_t i = 0; i < n; ++i) o[base + i * inner] = static_cast<T>(static_cast<M>(x[base + i * inner]) - mx - ls);
      } else {
        for (int64_t i = 0; i < n; ++i)
          o[base + i * inner] = static_cast<T>(std::exp(static_cast<M>(x[base + i * inner]) - mx) / s);
      }
    }
  });
}

}  // namespace

void register_reduce() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::sum>(kCPU, t, &sum_k<T>);
  });
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::mean>(kCPU, t, &mean_k<T>);
    register_kernel<OpId::softmax>(kCPU, t, &softmax_k<T, false>);
    register_kernel<OpId::log_softmax>(kCPU, t, &softmax_k<T, true>);
  });
}

}  // namespace ember::cpu
