// Embedding kernels on CPU: rows of weight gathered by int64 indices, and the gradient summed back per
// index (none for padding_idx; divided by each index's count with scale_grad_by_freq). Indices are
// checked before any parallel loop.
#include <cstring>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

void check_indices(const int64_t* ix, int64_t n, int64_t rows) {
  for (int64_t i = 0; i < n; ++i)
    EMBER_CHECK_INDEX(ix[i] >= 0 && ix[i] < rows, "index out of range in self (embedding: index ", ix[i],
                      " for a weight of ", rows, " rows)");
}

template <class T>
void embedding_k(const Tensor& out, const Tensor& weight, const Tensor& indices, int64_t, bool, bool) {
  const int64_t n = indices.numel(), rows = weight.sizes()[0], d = weight.sizes()[1];
  const int64_t* ix = indices.data_ptr<int64_t>();
  check_indices(ix, n, rows);
  if (out.numel() == 0) return;
  const T* w = weight.data_ptr<T>();
  T* o = out.data_ptr<T>();
  parallel_for(n, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(d, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) std::memcpy(o + i * d, w + ix[i] * d, sizeof(T) * d);
  });
}

template <class T>
void embedding_backward_k(const Tensor& gw, const Tensor& grad, const Tensor& indices, IntArrayRef, int64_t padding_idx,
                          bool scale_grad_by_freq) {
  using M = opmath_t<T>;
  const int64_t n = indices.numel(), rows = gw.sizes()[0], d = gw.sizes()[1];
  fill(gw, 0);
  const int64_t* ix = indices.data_ptr<int64_t>();
  check_indices(ix, n, rows);
  if (gw.numel() == 0 || n == 0) return;
  std::vector<int64_t> counts(scale_grad_by_freq ? rows : 0);
  for (int64_t i = 0; scale_grad_by_freq && i < n; ++i) ++counts[ix[i]];
  const T* g = grad.data_ptr<T>();
  T* o = gw.data_ptr<T>();
  // Columns in parallel: every task walks all indices over its own columns (no write conflicts).
  parallel_for(d, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t i = 0; i < n; ++i) {
      if (ix[i] == padding_idx) continue;
      M scale = scale_grad_by_freq ? M(1) / static_cast<M>(counts[ix[i]]) : M(1);
      T* orow = o + ix[i] * d;
      const T* grow = g + i * d;
      for (int64_t j = lo; j < hi; ++j) orow[j] = static_cast<T>(static_cast<M>(orow[j]) + static_cast<M>(grow[j]) * scale);
    }
  });
}

}  // namespace

void register_embedding() {
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<opmath_t<T>>::value) {
      dispatch::register_kernel<OpId::embedding>(kCPU, t, &embedding_k<T>);
      dispatch::register_kernel<OpId::_embedding_backward>(kCPU, t, &embedding_backward_k<T>);
    }
  });
}

}  // namespace ember::cpu
