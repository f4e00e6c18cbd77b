// Shared by the CPU reductions: accumulator types and the [outer, inner] row layout.
#pragma once
#include <vector>

#include "kernels/cpu/loops.h"

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
  return self.permute(perm).contiguous();
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
