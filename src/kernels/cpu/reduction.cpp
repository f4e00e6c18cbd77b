// Reductions (sum, mean) and softmax on CPU. Reduced dims are moved innermost (a copy unless they
// already are), then each output element reduces one contiguous row with a wide accumulator.
#include <cmath>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/reduction_util.h"
#include "kernels/cpu/vec_math.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {
#if defined(__x86_64__) && defined(__GNUC__)
#define EMBER_REDUCE_AVX2 1
/// The float blocks of row_sum with eight AVX2 accumulators (same blocks, same double combination;
/// only the lane grouping inside a block differs). Returns the elements consumed.
__attribute__((target("avx2"))) int64_t float_blocks_avx2(const float* row, int64_t n, double* total) {
  constexpr int64_t kB = 1024;
  int64_t i = 0;
  for (; i + kB <= n; i += kB) {
    __m256 a[8];
    for (int j = 0; j < 8; ++j) a[j] = _mm256_setzero_ps();
    for (int64_t k = 0; k < kB; k += 64)
      for (int j = 0; j < 8; ++j) a[j] = _mm256_add_ps(a[j], _mm256_loadu_ps(row + i + k + 8 * j));
    for (int w = 4; w >= 1; w /= 2)
      for (int j = 0; j < w; ++j) a[j] = _mm256_add_ps(a[j], a[j + w]);
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(a[0]), _mm256_extractf128_ps(a[0], 1));
    alignas(16) float acc[4];
    _mm_store_ps(acc, h);
    *total += static_cast<double>((acc[0] + acc[2]) + (acc[1] + acc[3]));
  }
  return i;
}
inline bool has_avx2() {
  static const bool v = __builtin_cpu_supports("avx2");
  return v;
}
#endif

/// Sum of n contiguous elements with a wide accumulator. float rows add blocks of 1024 in 32 float
/// lanes (vectorized; as PyTorch and numpy, which also sum float32 in float) and add the block
/// totals in double.
template <class T>
typename Acc<T>::type row_sum(const T* row, int64_t n) {
  using A = typename Acc<T>::type;
  int64_t i = 0;
  A total = 0;
  if constexpr (std::is_same_v<T, float>) {
    constexpr int64_t kB = 1024;
#ifdef EMBER_REDUCE_AVX2
    if (has_avx2()) i = float_blocks_avx2(row, n, &total);
#endif
    for (; i + kB <= n; i += kB) {
#if defined(__SSE2__)
      __m128 a[8];
      for (int j = 0; j < 8; ++j) a[j] = _mm_setzero_ps();
      for (int64_t k = 0; k < kB; k += 32)
        for (int j = 0; j < 8; ++j) a[j] = _mm_add_ps(a[j], _mm_loadu_ps(row + i + k + 4 * j));
      for (int w = 4; w >= 1; w /= 2)
        for (int j = 0; j < w; ++j) a[j] = _mm_add_ps(a[j], a[j + w]);
      alignas(16) float acc[4];
      _mm_store_ps(acc, a[0]);
      total += static_cast<double>((acc[0] + acc[2]) + (acc[1] + acc[3]));
#else
      float acc[32] = {};
      for (int64_t k = 0; k < kB; k += 32)
        for (int j = 0; j < 32; ++j) acc[j] += row[i + k + j];
      for (int w = 16; w >= 1; w /= 2)
        for (int j = 0; j < w; ++j) acc[j] += acc[j + w];
      total += static_cast<double>(acc[0]);
#endif
    }
  }
  A acc[8] = {};
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += static_cast<A>(static_cast<opmath_t<T>>(row[i + j]));
  for (; i < n; ++i) total += static_cast<A>(static_cast<opmath_t<T>>(row[i]));
  for (int j = 0; j < 8; ++j) total += acc[j];
  return total;
}

template <class T, class A>
inline T finish(A total, int64_t n, bool mean) {
  if (mean) return static_cast<T>(static_cast<double>(total) / static_cast<double>(n));
  return static_cast<T>(total);
}

/// Reduction over outer dims of a contiguous [outer, R, inner] tensor: each task adds the R rows of
/// a block of columns into per-column accumulators (no copy; the inner loop vectorizes).
template <class T>
void col_sum(T* o, const T* x, int64_t outer, int64_t R, int64_t inner, bool mean) {
  using A = typename Acc<T>::type;
  for_each_col_block(outer, R, inner, [&](int64_t ob, int64_t j, int64_t n) {
    A acc[kColBlock];
    const T* base = x + ob * R * inner + j;
    for (int64_t k = 0; k < n; ++k) acc[k] = static_cast<A>(static_cast<opmath_t<T>>(base[k]));
    auto cv = [](T v) { return static_cast<A>(static_cast<opmath_t<T>>(v)); };
    int64_t r = 1;
    for (; r + 4 <= R; r += 4) {  // four rows per pass, added in order
      const T* p = base + r * inner;
      for (int64_t k = 0; k < n; ++k)
        acc[k] = (((acc[k] + cv(p[k])) + cv(p[k + inner])) + cv(p[k + 2 * inner])) + cv(p[k + 3 * inner]);
    }
    for (; r < R; ++r) {
      const T* p = base + r * inner;
      for (int64_t k = 0; k < n; ++k) acc[k] += cv(p[k]);
    }
    T* out = o + ob * inner + j;
    for (int64_t k = 0; k < n; ++k) out[k] = finish<T>(acc[k], R, mean);
  });
}

/// Elements per partial sum when a few long rows are split across threads: fixed, so the result does
/// not depend on the number of threads.
constexpr int64_t kSumChunk = int64_t(1) << 16;

template <class T>
void reduce_sum(const Tensor& out, const Tensor& self, IntArrayRef dims, bool mean) {
  using A = typename Acc<T>::type;
  T* o = out.data_ptr<T>();
  int64_t outer, R, inner;
  if (outer_layout(self, dims, &outer, &R, &inner)) {
    col_sum<T>(o, self.data_ptr<T>(), outer, R, inner, mean);
    return;
  }
  Tensor in = rows_layout(self, dims, &outer, &inner);
  const T* x = in.data_ptr<T>();
  if (outer < 64 && inner >= 2 * kSumChunk) {  // a few long rows: partial sums of fixed chunks in parallel
    int64_t nc = (inner + kSumChunk - 1) / kSumChunk;
    std::vector<A> part(static_cast<size_t>(outer * nc));
    parallel_for(outer * nc, 1, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        int64_t r = t / nc, c = (t % nc) * kSumChunk;
        part[t] = row_sum(x + r * inner + c, std::min(kSumChunk, inner - c));
      }
    });
    for (int64_t r = 0; r < outer; ++r) {
      A total = 0;
      for (int64_t c = 0; c < nc; ++c) total += part[r * nc + c];
      o[r] = finish<T>(total, inner, mean);
    }
    return;
  }
  parallel_for(outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) o[r] = finish<T>(row_sum(x + r * inner, inner), inner, mean);
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
  if (auto vf = vec::softmax<T>()) {  // float / double with AVX2: rows, or blocks of columns
    if (inner == 1) {
      parallel_for(outer, std::max<int64_t>(1, kGrainSize / n), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r) vf(o + r * n, x + r * n, n, 1, 1, kLog);
      });
    } else {
      constexpr int64_t kCols = 64;
      const int64_t nb = (inner + kCols - 1) / kCols;
      parallel_for(outer * nb, std::max<int64_t>(1, kGrainSize / (n * kCols)), [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
          int64_t oi = t / nb, j = t % nb * kCols;
          int64_t off = oi * n * inner + j;
          vf(o + off, x + off, n, inner, std::min(kCols, inner - j), kLog);
        }
      });
    }
    return;
  }
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

void register_reduction() {
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
