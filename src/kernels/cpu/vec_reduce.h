// The max / min row loops of the CPU reductions (amax/amin, max/min, argmax/argmin), written once
// against a vector traits class W (Note [vector traits] in kernels/common/vec_portable.h) and
// instantiated per instruction set by vec_math_avx2.cpp and vec_math_avx512.cpp; reduction_index.cpp
// calls them through the runtime-selected table (vec_math.h).
#pragma once
#include <cstdint>
#include <limits>

#include "kernels/common/macros.h"

namespace ember::cpu::vreduce {

template <class W, bool kMax>
EMBER_ALWAYS_INLINE typename W::V pick(typename W::V a, typename W::V b) {
  return kMax ? W::max(a, b) : W::min(a, b);
}

/// The extreme of a vector's lanes (no NaN among them).
template <class W, bool kMax>
typename W::T lanes_pick(typename W::V a) {
  typename W::T l[W::kL];
  W::store(l, a);
  typename W::T r = l[0];
  for (int j = 1; j < W::kL; ++j) r = (kMax ? l[j] > r : l[j] < r) ? l[j] : r;
  return r;
}

/// The maximum (kMax) / minimum of row[0, n), n >= 1; NaN if the row holds one. Four accumulators
/// and one unordered compare per two vectors.
template <class W, bool kMax>
typename W::T row_extreme(const typename W::T* row, int64_t n) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL;
  V a0 = W::set(row[0]), a1 = a0, a2 = a0, a3 = a0;
  typename W::M nan = W::unord(a0, a0);
  int64_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    const V v0 = W::load(row + i), v1 = W::load(row + i + L), v2 = W::load(row + i + 2 * L),
            v3 = W::load(row + i + 3 * L);
    a0 = pick<W, kMax>(a0, v0);
    a1 = pick<W, kMax>(a1, v1);
    a2 = pick<W, kMax>(a2, v2);
    a3 = pick<W, kMax>(a3, v3);
    nan = W::m_or(nan, W::m_or(W::unord(v0, v1), W::unord(v2, v3)));
  }
  for (; i + L <= n; i += L) {
    const V v = W::load(row + i);
    a0 = pick<W, kMax>(a0, v);
    nan = W::m_or(nan, W::unord(v, v));
  }
  T best = lanes_pick<W, kMax>(pick<W, kMax>(pick<W, kMax>(a0, a1), pick<W, kMax>(a2, a3)));
  bool any_nan = W::any(nan);
  for (; i < n; ++i) {
    const T v = row[i];
    best = (kMax ? v > best : v < best) ? v : best;
    any_nan |= v != v;
  }
  return any_nan ? std::numeric_limits<T>::quiet_NaN() : best;
}

/// The extreme of a row and the index of its first occurrence in one pass (max(dim), argmax): per
/// block of 32 vectors only the block's extreme (what amax does), and one scalar compare keeps the
/// first block that reached the row's extreme; only that block (1 or 2 KiB, still in L1) is searched
/// again. False when the row holds a NaN (the caller's exact path then finds the first NaN) or is
/// shorter than a block. val may be null.
template <class W, bool kMax>
bool row_select(const typename W::T* row, int64_t n, typename W::T* val, int64_t* idx) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL, kB = 32 * L;
  if (n < kB) return false;
  T best = 0;
  int64_t best_at = -1;  // the block holding the first occurrence of best
  typename W::M nan = W::unord(W::zero(), W::zero());
  int64_t b = 0;
  for (; b + kB <= n; b += kB) {
    const T* p = row + b;
    V a0 = W::load(p), a1 = W::load(p + L), a2 = W::load(p + 2 * L), a3 = W::load(p + 3 * L);
    nan = W::m_or(nan, W::m_or(W::unord(a0, a1), W::unord(a2, a3)));
    for (int64_t j = 4 * L; j < kB; j += 4 * L) {
      const V v0 = W::load(p + j), v1 = W::load(p + j + L), v2 = W::load(p + j + 2 * L), v3 = W::load(p + j + 3 * L);
      a0 = pick<W, kMax>(v0, a0);
      a1 = pick<W, kMax>(v1, a1);
      a2 = pick<W, kMax>(v2, a2);
      a3 = pick<W, kMax>(v3, a3);
      nan = W::m_or(nan, W::m_or(W::unord(v0, v1), W::unord(v2, v3)));
    }
    const T m = lanes_pick<W, kMax>(pick<W, kMax>(pick<W, kMax>(a0, a1), pick<W, kMax>(a2, a3)));
    if (best_at < 0 || (kMax ? m > best : m < best)) {  // strict: the first block reaching the extreme
      best = m;
      best_at = b;
    }
  }
  if (W::any(nan)) return false;
  int64_t at = -1;
  const V vb = W::set(best);
  for (int64_t j = 0; j < kB; j += L) {  // the block holds best: a vector at a time to its first copy
    const int f = W::first(W::eq(W::load(row + best_at + j), vb));
    if (f >= 0) {
      at = best_at + j + f;
      break;
    }
  }
  for (int64_t i = b; i < n; ++i) {  // the tail, after every block
    const T v = row[i];
    if (v != v) return false;
    if (kMax ? v > best : v < best) {
      best = v;
      at = i;
    }
  }
  if (val) *val = row[at];  // the element itself (a zero's sign)
  *idx = at;
  return true;
}

}  // namespace ember::cpu::vreduce
