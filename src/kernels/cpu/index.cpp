// Advanced-indexing kernels on CPU: gather, scatter_/scatter_add_, _index_gather, _index_scatter_.
// The native ops (src/ops/advanced_indexing.cpp) validate every index before calling these, so nothing
// here throws; index tensors arrive as int64 with in-range, non-negative entries.
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

/// Calls f(offsets) for every multi-index of `sizes`, where offsets[t] = sum_d i_d * strides[t][d].
template <int N, class F>
void for_each_offset(IntArrayRef sizes, const IntArrayRef (&strides)[N], const F& f) {
  int64_t nd = static_cast<int64_t>(sizes.size()), numel = 1;
  for (int64_t s : sizes) numel *= s;
  if (numel == 0) return;
  DimVector idx(static_cast<size_t>(nd), 0);
  int64_t off[N] = {};
  for (int64_t n = 0; n < numel; ++n) {
    f(static_cast<const int64_t*>(off));
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < sizes[d]) {
        for (int t = 0; t < N; ++t) off[t] += strides[t][d];
        break;
      }
      for (int t = 0; t < N; ++t) off[t] -= strides[t][d] * (sizes[d] - 1);
      idx[d] = 0;
    }
  }
}

template <class T>
T add_values(T a, T b) {
  if constexpr (std::is_same<T, bool>::value) return a || b;
  else return static_cast<T>(static_cast<opmath_t<T>>(a) + static_cast<opmath_t<T>>(b));
}

// out[p] = self[p with p[dim] = index[p]]
template <class T>
void gather_k(const Tensor& out, const Tensor& self, int64_t dim, const Tensor& index) {
  T* o = static_cast<T*>(out.data_ptr());
  const T* s = static_cast<const T*>(self.data_ptr());
  const int64_t* ix = static_cast<const int64_t*>(index.data_ptr());
  DimVector ss(self.strides());
  int64_t sdim = ss[dim];
  ss[dim] = 0;
  IntArrayRef st[3] = {out.strides(), IntArrayRef(ss), index.strides()};
  for_each_offset<3>(index.sizes(), st, [&](const int64_t* off) { o[off[0]] = s[off[1] + ix[off[2]] * sdim]; });
}

// self[p with p[dim] = index[p]] = (or +=) src[p]
template <class T, bool Add>
void scatter_k(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  T* s = static_cast<T*>(self.data_ptr());
  const T* v = static_cast<const T*>(src.data_ptr());
  const int64_t* ix = static_cast<const int64_t*>(index.data_ptr());
  DimVector ss(self.strides());
  int64_t sdim = ss[dim];
  ss[dim] = 0;
  IntArrayRef st[3] = {IntArrayRef(ss), src.strides(), index.strides()};
  for_each_offset<3>(index.sizes(), st, [&](const int64_t* off) {
    T& d = s[off[0] + ix[off[2]] * sdim];
    if constexpr (Add) d = add_values<T>(d, v[off[1]]);
    else d = v[off[1]];
  });
}

template <class T>
void scatter_set_k(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_k<T, false>(self, dim, index, src);
}
template <class T>
void scatter_add_k(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_k<T, true>(self, dim, index, src);
}

/// Offsets into self of the n index tuples idx[:, j] (idx: contiguous [k, n] int64).
DimVector base_offsets(const Tensor& self, const Tensor& idx) {
  int64_t k = idx.sizes()[0], n = idx.sizes()[1];
  const int64_t* ix = static_cast<const int64_t*>(idx.data_ptr());
  DimVector base(static_cast<size_t>(n), 0);
  for (int64_t m = 0; m < k; ++m) {
    int64_t st = self.strides()[m];
    for (int64_t j = 0; j < n; ++j) base[j] += ix[m * n + j] * st;
  }
  return base;
}

// out[j, r...] = self[idx[0, j], ..., idx[k-1, j], r...]
template <class T>
void index_gather_k(const Tensor& out, const Tensor& self, const Tensor& idx) {
  int64_t k = idx.sizes()[0], n = idx.sizes()[1];
  DimVector base = base_offsets(self, idx);
  T* o = static_cast<T*>(out.data_ptr());
  const T* s = static_cast<const T*>(self.data_ptr());
  IntArrayRef rest(self.sizes().data() + k, self.dim() - k);
  IntArrayRef st[2] = {IntArrayRef(out.strides().data() + 1, out.dim() - 1),
                       IntArrayRef(self.strides().data() + k, self.dim() - k)};
  int64_t os0 = out.strides()[0];
  parallel_for(n, 64, [&](int64_t b, int64_t e) {
    for (int64_t j = b; j < e; ++j)
      for_each_offset<2>(rest, st, [&](const int64_t* off) { o[j * os0 + off[0]] = s[base[j] + off[1]]; });
  });
}

// self[idx[0, j], ..., idx[k-1, j], r...] = (or +=) values[j, r...]
template <class T>
void index_scatter_k(const Tensor& self, const Tensor& idx, const Tensor& values, bool accumulate) {
  int64_t k = idx.sizes()[0], n = idx.sizes()[1];
  DimVector base = base_offsets(self, idx);
  T* s = static_cast<T*>(self.data_ptr());
  const T* v = static_cast<const T*>(values.data_ptr());
  IntArrayRef rest(self.sizes().data() + k, self.dim() - k);
  IntArrayRef st[2] = {IntArrayRef(self.strides().data() + k, self.dim() - k),
                       IntArrayRef(values.strides().data() + 1, values.dim() - 1)};
  int64_t vs0 = values.strides()[0];
  for (int64_t j = 0; j < n; ++j)  // serial: repeated index tuples must add up (or the last one win)
    for_each_offset<2>(rest, st, [&](const int64_t* off) {
      T& d = s[base[j] + off[0]];
      d = accumulate ? add_values<T>(d, v[j * vs0 + off[1]]) : v[j * vs0 + off[1]];
    });
}

/// The positions of the true entries of the contiguous bool tensor b, one row each, in order; out was
/// sized by their count.
void nonzero_k(const Tensor& out, const Tensor& b) {
  const bool* p = static_cast<const bool*>(b.data_ptr());
  int64_t numel = b.numel(), nd = b.dim();
  int64_t* o = static_cast<int64_t*>(out.data_ptr());
  DimVector idx(static_cast<size_t>(nd), 0);
  for (int64_t i = 0; i < numel; ++i) {
    if (p[i]) for (int64_t d = 0; d < nd; ++d) *o++ = idx[d];
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < b.sizes()[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace

void register_index() {
  dispatch::register_kernel<OpId::nonzero>(kCPU, kBool, &nonzero_k);
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::gather>(kCPU, t, &gather_k<T>);
    register_kernel<OpId::scatter_>(kCPU, t, &scatter_set_k<T>);
    register_kernel<OpId::scatter_add_>(kCPU, t, &scatter_add_k<T>);
    register_kernel<OpId::_index_gather>(kCPU, t, &index_gather_k<T>);
    register_kernel<OpId::_index_scatter_>(kCPU, t, &index_scatter_k<T>);
  });
}

}  // namespace ember::cpu
