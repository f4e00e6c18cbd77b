// cumsum / cumprod, cummax / cummin and kthvalue on CPU. The scanned (selected) dim is moved
// innermost (kernels/cpu/reduction_util.h); scans write a temporary in that layout and copy it back.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/reduction_util.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

template <class M> inline bool is_nan(M v) { return v != v; }

/// Runs f(in_row, out_rows..., n) over the rows of self along dim and writes the results (laid out
/// with dim innermost) back into outs.
template <class T, class F>
void scan_rows(const Tensor& self, int64_t dim, std::initializer_list<const Tensor*> outs, const F& f) {
  if (self.numel() == 0) return;
  int64_t d = self.dim() == 0 ? 0 : dim;
  auto as_1d = [](const Tensor& t) { return t.dim() == 0 ? restrided(t, {1}, {1}, t.storage_offset()) : t; };
  Tensor s = as_1d(self);
  int64_t outer, inner;
  Tensor in = rows_layout(s, DimVector{d}, &outer, &inner);
  std::vector<Tensor> tmps;
  for (const Tensor* o : outs) tmps.push_back(empty_cpu(in.sizes(), o->dtype()));
  const T* x = in.data_ptr<T>();
  parallel_for(outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(x + r * inner, tmps, r * inner, inner);
  });
  DimVector perm;  // rows_layout's order: the other dims, then d
  for (int64_t i = 0; i < s.dim(); ++i)
    if (i != d) perm.push_back(i);
  perm.push_back(d);
  size_t k = 0;
  for (const Tensor* o : outs) copy_into(permuted(as_1d(*o), perm), tmps[k++]);
}

template <class T, bool kProd>
void cumsum_k(const Tensor& out, const Tensor& self, int64_t dim, std::optional<ScalarType>) {
  using A = typename Acc<T>::type;
  scan_rows<T>(self, dim, {&out}, [](const T* row, std::vector<Tensor>& t, int64_t off, int64_t n) {
    T* o = t[0].data_ptr<T>() + off;
    A acc = kProd ? A(1) : A(0);
    for (int64_t i = 0; i < n; ++i) {
      A v = static_cast<A>(static_cast<opmath_t<T>>(row[i]));
      acc = kProd ? acc * v : acc + v;
      o[i] = static_cast<T>(acc);
    }
  });
}
template <class T> void cumsum_kernel(const Tensor& o, const Tensor& s, int64_t d, std::optional<ScalarType> t) {
  cumsum_k<T, false>(o, s, d, t);
}
template <class T> void cumprod_kernel(const Tensor& o, const Tensor& s, int64_t d, std::optional<ScalarType> t) {
  cumsum_k<T, true>(o, s, d, t);
}

/// Running max (kMax) / min: ties move the index forward (as PyTorch); a NaN sticks.
template <class T, bool kMax>
void cummax_k(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim) {
  using M = opmath_t<T>;
  scan_rows<T>(self, dim, {&values, &indices}, [](const T* row, std::vector<Tensor>& t, int64_t off, int64_t n) {
    T* v = t[0].data_ptr<T>() + off;
    int64_t* ix = t[1].data_ptr<int64_t>() + off;
    M best = static_cast<M>(row[0]);
    int64_t bi = 0;
    for (int64_t i = 0; i < n; ++i) {
      M x = static_cast<M>(row[i]);
      if (!is_nan(best) && (is_nan(x) || (kMax ? x >= best : x <= best))) {
        best = x;
        bi = i;
      }
      v[i] = static_cast<T>(best);
      ix[i] = bi;
    }
  });
}

/// The k-th smallest (1-based) of every row; NaN sorts last, ties by index.
template <class T>
void kthvalue_k(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t k, int64_t dim, bool) {
  using M = opmath_t<T>;
  if (values.numel() == 0) return;
  T* v = values.data_ptr<T>();
  int64_t* ix = indices.data_ptr<int64_t>();
  DimVector dims = self.dim() == 0 ? DimVector{} : DimVector{dim};
  for_each_row<T>(self, dims, [&](const T* row, int64_t n, int64_t r) {
    std::vector<std::pair<M, int64_t>> a(n);
    for (int64_t i = 0; i < n; ++i) a[i] = {static_cast<M>(row[i]), i};
    auto less = [](const std::pair<M, int64_t>& x, const std::pair<M, int64_t>& y) {
      bool xn = is_nan(x.first), yn = is_nan(y.first);
      if (xn || yn) return xn == yn ? x.second < y.second : yn;
      return x.first < y.first || (x.first == y.first && x.second < y.second);
    };
    std::nth_element(a.begin(), a.begin() + (k - 1), a.end(), less);
    v[r] = static_cast<T>(a[k - 1].first);
    ix[r] = a[k - 1].second;
  });
}

}  // namespace

void register_reduction_scan() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::cumsum>(kCPU, t, &cumsum_kernel<T>);
    register_kernel<OpId::cumprod>(kCPU, t, &cumprod_kernel<T>);
    register_kernel<OpId::cummax>(kCPU, t, &cummax_k<T, true>);
    register_kernel<OpId::cummin>(kCPU, t, &cummax_k<T, false>);
    register_kernel<OpId::kthvalue>(kCPU, t, &kthvalue_k<T>);
  });
}

}  // namespace ember::cpu
