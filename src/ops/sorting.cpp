// Ordering ops (src/ops/joining.yaml): sort and topk (the topk kernel, src/kernels/cpu/sorting.cpp, on
// a contiguous copy with the sorted dim last), and the composites argsort, msort. NaN sorts as the
// largest value, as in PyTorch.
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"
#include "ops/dim_util.h"

namespace ember::native {

namespace {

/// (values, indices) of the first k elements of self sorted along dim.
std::tuple<Tensor, Tensor> sort_impl(const Tensor& self, int64_t dim, int64_t k, bool descending) {
  int64_t d = wrap_dim(dim, self.dim());
  Tensor x = self.dim() == 0 ? self.reshape({1}) : self;
  int64_t last = x.dim() - 1;
  bool move = d != last;
  Tensor xm = (move ? x.movedim({d}, {last}) : x).contiguous();
  DimVector out_sizes(xm.sizes());
  out_sizes[last] = k;
  Tensor vals = ember::empty(out_sizes, self.options());
  Tensor idx = ember::empty(out_sizes, self.options().dtype(kInt64));
  dispatch::kernel<OpId::topk>(self.device().type(), self.dtype())(vals, idx, xm, k, last, descending, true);
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
