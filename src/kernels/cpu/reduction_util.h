// Shared by the CPU reductions: accumulator types and the [outer, inner] row layout.
#pragma once
#include <algorithm>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {

template <class T> struct Acc { using type = double; };
template <> struct Acc<bool> { using type = int64_t; };
template <> struct Acc<uint8_t> { using type = int64_t; };
template <> struct Acc<int8_t> { using type = int64_t; };
template <> struct Acc<int16_t> { using type = int64_t; };
template <> struct Acc<int32_t> { using type = int64_t; };
template <> struct Acc<int64_t> { using type = int64_t; };

/// self viewed as [outer, inner] with the reduced dims innermost and contiguous.
inline Tensor rows_layout(const Tensor& self, IntArrayRef dims, int64_t* outer, int64_t* inner) {
  std::vector<int64_t> perm;
  std::vector<bool> red(self.dim(), false);
  for (int64_t d : dims) red[d] = true;
  *inner = 1;
  for (int64_t d = 0; d < self.dim(); ++d)
    if (!red[d]) perm.push_back(d);
  for (int64_t d : dims) {
    perm.push_back(d);
    *inner *= self.sizes()[d];
  }
  *outer = *inner == 0 ? compute_numel(self.sizes()) : self.numel() / std::max<int64_t>(*inner, 1);
  if (*inner == 0) {
    *outer = 1;
    for (int64_t d = 0; d < self.dim(); ++d)
      if (!red[d]) *outer *= self.sizes()[d];
  }
  return contiguous_copy(permuted(self, perm));
}


/// When self is contiguous and the reduced dims are one consecutive block that is not innermost,
/// self is [outer, R, inner] (R the reduced size, inner > 1) without any copy: returns true.
inline bool outer_layout(const Tensor& self, IntArrayRef dims, int64_t* outer, int64_t* R, int64_t* inner) {
  if (dims.empty() || self.dim() == 0 || self.numel() == 0 || !self.is_contiguous()) return false;
  std::vector<int64_t> d(dims.begin(), dims.end());
  std::sort(d.begin(), d.end());
  for (size_t i = 1; i < d.size(); ++i)
    if (d[i] != d[0] + static_cast<int64_t>(i)) return false;
  *outer = 1;
  *R = 1;
  *inner = 1;
  for (int64_t k = 0; k < self.dim(); ++k) {
    int64_t s = self.sizes()[k];
    if (k < d.front()) *outer *= s;
    else if (k <= d.back()) *R *= s;
    else *inner *= s;
  }
  return *inner > 1;
}

/// Columns handled together by one task of for_each_col_block (its accumulators stay in L1).
constexpr int64_t kColBlock = 2048;

/// For the [outer, R, inner] layout: calls f(o, j, n) (in parallel) for every block of n <= kColBlock
/// columns [j, j + n) of outer slice o; f reduces x[o][0..R)[j..j+n) into out[o * inner + j ..].
template <class F>
void for_each_col_block(int64_t outer, int64_t R, int64_t inner, const F& f) {
  int64_t nb = (inner + kColBlock - 1) / kColBlock;
  int64_t per_task = std::max<int64_t>(1, R * std::min(inner, kColBlock));
  parallel_for(outer * nb, std::max<int64_t>(1, kGrainSize / per_task), [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      int64_t o = t / nb, j = (t % nb) * kColBlock;
      f(o, j, std::min(kColBlock, inner - j));
    }
  });
}

/// Calls f(row, inner, r) for every output element r (in parallel): row points at the `inner`
/// contiguous elements of self reduced into output r (out is contiguous, in the reduced shape).
template <class T, class F>
void for_each_row(const Tensor& self, IntArrayRef dims, const F& f) {
  int64_t outer, inner;
  Tensor in = rows_layout(self, dims, &outer, &inner);
  const T* x = in.data_ptr<T>();
  parallel_for(outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(x + r * inner, inner, r);
  });
}

}  // namespace ember::cpu
