// Ordering ops (src/ops/joining.yaml): sort, topk (row-wise over a contiguous copy with the sorted dim
// last), and the composites argsort, msort. NaN sorts as the largest value, as in PyTorch.
#include <algorithm>
#include <numeric>
#include <vector>

#include "ember/gen/functions.h"
#include "ember/gen/native.h"
#include "ops/dim_util.h"

namespace ember::native {

namespace {


/// Sorts each row of x (contiguous, rows of length n) and keeps the first k: values into vals,
/// positions into idx (both contiguous, rows of length k). Stable; NaN is the largest value.
template <class T>
void sort_rows(const Tensor& x, const Tensor& vals, const Tensor& idx, int64_t rows, int64_t n, int64_t k,
               bool descending) {
  using M = opmath_t<T>;
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
      M x = static_cast<M>(row[a]), y = static_cast<M>(row[b]);
      if (descending) std::swap(x, y);
      bool xn = x != x, yn = y != y;
      if (xn || yn) return xn != yn ? yn : a < b;
      if (x < y) return true;
      if (y < x) return false;
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

/// (values, indices) of the first k elements of self sorted along dim.
std::tuple<Tensor, Tensor> sort_impl(const Tensor& self, int64_t dim, int64_t k, bool descending) {
  int64_t d = wrap_dim(dim, self.dim());
  Tensor x = self.dim() == 0 ? self.reshape({1}) : self;
  int64_t last = x.dim() - 1;
  bool move = d != last;
  Tensor xm = (move ? x.movedim({d}, {last}) : x).contiguous();
  int64_t n = xm.sizes()[last];
  DimVector out_sizes(xm.sizes());
  out_sizes[last] = k;
  Tensor vals = ember::empty(out_sizes, self.options());
  Tensor idx = ember::empty(out_sizes, self.options().dtype(kInt64));
  int64_t rows = n == 0 ? 0 : xm.numel() / n;
  if (k > 0 && rows > 0 && !self.is_meta()) {  // meta: the shapes above are the whole result
    visit_dtype(self.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      sort_rows<T>(xm, vals, idx, rows, n, k, descending);
    });
  }
  if (move) {
    vals = vals.movedim({last}, {d}).contiguous();
    idx = idx.movedim({last}, {d}).contiguous();
  }
  if (self.dim() == 0) {
    vals = vals.reshape({}).clone();
    idx = idx.reshape({}).clone();
  }
  return {vals, idx};
}

}  // namespace

std::tuple<Tensor, Tensor> sort(const Tensor& self, int64_t dim, bool descending, bool stable) {
  self.check_defined("sort");
  (void)stable;  // always stable
  int64_t d = wrap_dim(dim, self.dim());
  int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  return sort_impl(self, d, n, descending);
}

Tensor argsort(const Tensor& self, int64_t dim, bool descending, bool stable) {
  return std::get<1>(ember::sort(self, dim, descending, stable));
}

Tensor msort(const Tensor& self) { return std::get<0>(ember::sort(self, 0, false, false)); }

std::tuple<Tensor, Tensor> topk(const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted) {
  self.check_defined("topk");
  (void)sorted;  // results are always sorted
  int64_t d = wrap_dim(dim, self.dim());
  int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  EMBER_CHECK(k >= 0 && k <= n, "selected index k out of range");
  return sort_impl(self, d, k, largest);
}

}  // namespace ember::native
