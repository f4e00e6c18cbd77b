// The CPU vector loops, written once against a vector traits class W (Note [vector traits] in
// kernels/common/vec_portable.h) and instantiated per instruction set by vec_math_avx2.cpp and
// vec_math_avx512.cpp: a functor's vector form over a contiguous array, and softmax / log_softmax
// rows and column blocks. Tails use masked loads/stores through the same vector code, so every
// element gets the same result whatever the chunking (threads) is.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/common/macros.h"

namespace ember::cpu::vloops {

/// out[i] = F(in[i]) for i < n, two vectors per step (hides part of the latency); out may equal in.
template <class W, class F>
void unary(typename W::T* out, const typename W::T* in, int64_t n) {
  constexpr int64_t L = W::kL;
  int64_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const typename W::V a = W::load(in + i), b = W::load(in + i + L);
    W::store(out + i, F::template vec<W>(a));
    W::store(out + i + L, F::template vec<W>(b));
  }
  for (; i + L <= n; i += L) W::store(out + i, F::template vec<W>(W::load(in + i)));
  if (i < n) {
    const typename W::Tail m = W::tail(n - i);
    W::store(out + i, F::template vec<W>(W::load(in + i, m)), m);
  }
}

/// The max / sum of a vector's lanes.
template <class W>
typename W::T lanes_max(typename W::V a) {
  typename W::T l[W::kL];
  W::store(l, a);
  typename W::T r = l[0];
  for (int j = 1; j < W::kL; ++j) r = l[j] > r ? l[j] : r;
  return r;
}
template <class W>
typename W::T lanes_sum(typename W::V a) {
  typename W::T l[W::kL];
  W::store(l, a);
  typename W::T r = 0;
  for (int j = 0; j < W::kL; ++j) r += l[j];
  return r;
}

/// A contiguous row: max, then exp(x - max) summed (and stored for softmax), then the division or
/// x - max - log(sum). The max is taken as 0 when it is -inf (an all -inf row gives NaN, as the scalar
/// kernel); a NaN reaches every output through the sum. Exp is the functor (kernels/common).
template <class W, class Exp, bool kLog>
void softmax_row(typename W::T* out, const typename W::T* in, int64_t n) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL;
  const int64_t body = n / L * L;
  const typename W::Tail tm = W::tail(n - body);
  auto exp = [](V v) { return Exp::template vec<W>(v); };
  V m0 = W::set(-INFINITY), m1 = m0;
  int64_t i = 0;
  for (; i + 2 * L <= body; i += 2 * L) {
    m0 = W::max(W::load(in + i), m0);
    m1 = W::max(W::load(in + i + L), m1);
  }
  for (; i < body; i += L) m0 = W::max(W::load(in + i), m0);
  if (body < n) {  // masked-off lanes loaded as 0: replace them by -inf
    T l[W::kL];
    W::store(l, W::load(in + body, tm));
    for (int64_t j = n - body; j < L; ++j) l[j] = -INFINITY;
    m1 = W::max(W::load(l), m1);
  }
  T mx = lanes_max<W>(W::max(m0, m1));
  if (mx == -INFINITY) mx = 0;
  const V vm = W::set(mx);
  V s0 = W::zero(), s1 = s0;
  for (i = 0; i + 2 * L <= body; i += 2 * L) {
    V e0 = exp(W::sub(W::load(in + i), vm)), e1 = exp(W::sub(W::load(in + i + L), vm));
    if (!kLog) {
      W::store(out + i, e0);
      W::store(out + i + L, e1);
    }
    s0 = W::add(s0, e0);
    s1 = W::add(s1, e1);
  }
  for (; i < body; i += L) {
    V e = exp(W::sub(W::load(in + i), vm));
    if (!kLog) W::store(out + i, e);
    s0 = W::add(s0, e);
  }
  T sum = lanes_sum<W>(W::add(s0, s1));
  if (body < n) {
    T l[W::kL];
    W::store(l, exp(W::sub(W::load(in + body, tm), vm)));
    for (int64_t j = 0; j < n - body; ++j) sum += l[j];
    if (!kLog) W::store(out + body, W::load(l), tm);
  }
  if (kLog) {
    const V ls = W::set(std::log(sum));
    for (i = 0; i < body; i += L) W::store(out + i, W::sub(W::sub(W::load(in + i), vm), ls));
    if (body < n) W::store(out + body, W::sub(W::sub(W::load(in + body, tm), vm), ls), tm);
  } else {
    const V vs = W::set(sum);
    for (i = 0; i < body; i += L) W::store(out + i, W::div(W::load(out + i), vs));
    if (body < n) W::store(out + body, W::div(W::load(out + body, tm), vs), tm);
  }
}

/// `cols` (<= kMaxCols) adjacent columns of n elements spaced `inner` apart (softmax over a non-last
/// dim): the same three passes, each lane its own column, a whole row segment of the block per step
/// (contiguous loads, few pages per pass).
constexpr int64_t kMaxCols = 64;
template <class W, class Exp, class Log, bool kLog>
void softmax_cols(typename W::T* out, const typename W::T* in, int64_t n, int64_t inner, int64_t cols) {
  using T = typename W::T;
  using V = typename W::V;
  constexpr int64_t L = W::kL;
  constexpr int64_t kMaxV = (kMaxCols + L - 1) / L;
  const int64_t nfull = cols / L, nv = (cols + L - 1) / L;
  const typename W::Tail tm = W::tail(cols - nfull * L);
  auto ld = [&](const T* p, int64_t v) { return v < nfull ? W::load(p + v * L) : W::load(p + v * L, tm); };
  auto st = [&](T* p, int64_t v, V x) {
    if (v < nfull) W::store(p + v * L, x);
    else W::store(p + v * L, x, tm);
  };
  V mx[kMaxV], s[kMaxV];
  for (int64_t v = 0; v < nv; ++v) {
    mx[v] = W::set(-INFINITY);
    s[v] = W::zero();
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t v = 0; v < nv; ++v) mx[v] = W::max(ld(in + i * inner, v), mx[v]);
  for (int64_t v = 0; v < nv; ++v) mx[v] = W::select(W::eq(mx[v], W::set(-INFINITY)), W::zero(), mx[v]);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t v = 0; v < nv; ++v) {
      V e = Exp::template vec<W>(W::sub(ld(in + i * inner, v), mx[v]));
      if (!kLog) st(out + i * inner, v, e);
      s[v] = W::add(s[v], e);
    }
  if (kLog) {
    for (int64_t v = 0; v < nv; ++v) s[v] = Log::template vec<W>(s[v]);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t v = 0; v < nv; ++v) st(out + i * inner, v, W::sub(W::sub(ld(in + i * inner, v), mx[v]), s[v]));
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t v = 0; v < nv; ++v) st(out + i * inner, v, W::div(ld(out + i * inner, v), s[v]));
  }
}

template <class W, class Exp, class Log>
void softmax(typename W::T* out, const typename W::T* in, int64_t n, int64_t inner, int64_t cols, bool log) {
  if (inner == 1) {
    if (log) softmax_row<W, Exp, true>(out, in, n);
    else softmax_row<W, Exp, false>(out, in, n);
  } else {
    if (log) softmax_cols<W, Exp, Log, true>(out, in, n, inner, cols);
    else softmax_cols<W, Exp, Log, false>(out, in, n, inner, cols);
  }
}

}  // namespace ember::cpu::vloops
