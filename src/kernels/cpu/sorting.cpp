// Ordering kernels on CPU: topk (sort is topk with k = n) and searchsorted. The native ops
// (src/ops/sorting.cpp, src/ops/unique.cpp) pass contiguous inputs (topk: the sorted dim last) and
// contiguous outputs.
#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

/// Sorts each row of x and keeps the first k: values into vals, positions into idx. Stable; NaN is the
/// largest value.
template <class T>
void topk_k(const Tensor& vals, const Tensor& idx, const Tensor& x, int64_t k, int64_t dim, bool largest, bool) {
  using M = opmath_t<T>;
  int64_t n = x.dim() == 0 ? 1 : x.sizes()[dim];
  int64_t rows = n == 0 ? 0 : x.numel() / n;
  if (k == 0 || rows == 0) return;
  const T* src = x.data_ptr<T>();
  T* v = vals.data_ptr<T>();
  int64_t* ix = idx.data_ptr<int64_t>();
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = src + r * n;
    std::iota(perm.begin(), perm.end(), int64_t{0});
    // Ordered by value (NaN the largest, NaNs equal), then by position: so the order is stable and a
    // partial sort (topk) gives the same first k as a full sort.
    auto before = [&](int64_t a, int64_t b) {
      M p = static_cast<M>(row[a]), q = static_cast<M>(row[b]);
      if (largest) std::swap(p, q);
      bool pn = p != p, qn = q != q;
      if (pn || qn) return pn != qn ? qn : a < b;
      if (p < q) return true;
      if (q < p) return false;
      return a < b;
    };
    if (k < n)
      std::partial_sort(perm.begin(), perm.begin() + k, perm.end(), before);
    else
      std::sort(perm.begin(), perm.end(), before);
    for (int64_t j = 0; j < k; ++j) {
      v[r * k + j] = row[perm[j]];
      ix[r * k + j] = perm[j];
    }
  }
}

/// a < b with NaN the largest value.
template <class M>
bool nan_less(M a, M b) {
  if (b != b) return !(a != a);
  return a < b;
}

/// For each value of v, the insertion index in the innermost dim of b (b 1-d, or its rows matching
/// v's leading dims); right: after equal elements. b and v share a dtype and are contiguous.
template <class T>
void searchsorted_k(const Tensor& out, const Tensor& b, const Tensor& v, bool, bool right,
                    const std::optional<std::string>&, const std::optional<Tensor>&) {
  using M = opmath_t<T>;
  bool batched = b.dim() > 1;
  int64_t n = b.sizes()[b.dim() - 1];
  int64_t inner = batched ? v.sizes()[v.dim() - 1] : v.numel();
  int64_t rows = inner == 0 ? 0 : v.numel() / inner;
  const T* bp = b.data_ptr<T>();
  const T* vp = v.data_ptr<T>();
  int64_t* o = out.data_ptr<int64_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = bp + (batched ? r * n : 0);
    for (int64_t j = 0; j < inner; ++j) {
      M x = static_cast<M>(vp[r * inner + j]);
      int64_t lo = 0, hi = n;  // first index whose element is > x (right) or >= x (left)
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        M e = static_cast<M>(row[mid]);
        bool go_right = right ? !nan_less(x, e) : nan_less(e, x);
        if (go_right) lo = mid + 1; else hi = mid;
      }
      o[r * inner + j] = lo;
    }
  }
}

}  // namespace

void register_sorting() {
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    dispatch::register_kernel<OpId::topk>(kCPU, t, &topk_k<T>);
    dispatch::register_kernel<OpId::searchsorted>(kCPU, t, &searchsorted_k<T>);
  });
}

}  // namespace ember::cpu
