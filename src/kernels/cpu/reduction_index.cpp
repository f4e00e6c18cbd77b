// prod, nansum, amax/amin, max/min (full and along a dim), argmax/argmin, all/any and count_nonzero
// on CPU. Every kernel reduces contiguous rows (kernels/cpu/reduction_util.h: reduced dims moved
// innermost); the callers (src/ops/reduction_index.cpp) checked every argument and the sizes, so nothing
// here throws inside the parallel loops.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/cpu/reduction_util.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/vec_math.h"

namespace ember::cpu {
namespace {

DimVector all_dims(const Tensor& t) {
  DimVector d;
  for (int64_t i = 0; i < t.dim(); ++i) d.push_back(i);
  return d;
}

template <class M> inline bool is_nan(M v) { return v != v; }  // false for integers (folded away)

/// The maximum (kMax) / minimum of a row, NaN if it has one: eight lanes of plain compare-selects
/// (vectorized to max/min instructions) and a separate NaN flag.
template <class T, bool kMax>
inline opmath_t<T> row_extreme(const T* row, int64_t n) {
  using M = opmath_t<T>;
  M acc[8];
  M nan[8] = {};  // a NaN lane of the same type keeps the loop one vectorizable select per element
  for (int j = 0; j < 8; ++j) acc[j] = static_cast<M>(row[0]);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) {
      M v = static_cast<M>(row[i + j]);
      acc[j] = (kMax ? v > acc[j] : v < acc[j]) ? v : acc[j];
      nan[j] = is_nan(v) ? v : nan[j];
    }
  M best = acc[0];
  bool any_nan = is_nan(nan[0]);
  for (int j = 1; j < 8; ++j) {
    best = (kMax ? acc[j] > best : acc[j] < best) ? acc[j] : best;
    any_nan |= is_nan(nan[j]);
  }
  for (; i < n; ++i) {
    M v = static_cast<M>(row[i]);
    best = (kMax ? v > best : v < best) ? v : best;
    any_nan |= is_nan(v);
  }
  if constexpr (std::is_floating_point_v<M>) {
    if (any_nan) return std::numeric_limits<M>::quiet_NaN();
  }
  return best;
}

/// The vector max/min loops (vec_reduce.h, through the runtime-selected table of vec_math.h) for
/// float and double rows; nullptr for other types or without a table.
template <class T, bool kMax>
inline vec::RowExtreme<T> vec_extreme() {
  const vec::Table* t = vec::table();
  if (!t) return nullptr;
  if constexpr (std::is_same_v<T, float>) return kMax ? t->max_f32 : t->min_f32;
  else if constexpr (std::is_same_v<T, double>) return kMax ? t->max_f64 : t->min_f64;
  else return nullptr;
}
template <class T, bool kMax>
inline vec::RowSelect<T> vec_select(int64_t* min_n) {
  const vec::Table* t = vec::table();
  if (!t) return nullptr;
  if constexpr (std::is_same_v<T, float>) {
    *min_n = t->select_min_f32_n;
    return kMax ? t->select_max_f32 : t->select_min_f32;
  } else if constexpr (std::is_same_v<T, double>) {
    *min_n = t->select_min_f64_n;
    return kMax ? t->select_max_f64 : t->select_min_f64;
  } else {
    return nullptr;
  }
}

template <class T, bool kMax>
inline opmath_t<T> extreme(const T* row, int64_t n) {
  if (n >= 64)  // short rows: the plain loop, without the call and the vector setup
    if (auto f = vec_extreme<T, kMax>()) return f(row, n);
  return row_extreme<T, kMax>(row, n);
}

/// float16 / bfloat16: one pass over float blocks; only the block holding the answer is searched again.
template <class T, bool kMax>
inline void select_row_blocked(const T* row, int64_t n, T* val, int64_t* idx) {
  constexpr int64_t kB = 512;
  float buf[kB];
  float best = 0;
  int64_t best_block = -1, nan_block = -1;
  auto load = [&](int64_t b) {
    int64_t m = std::min(kB, n - b);
    for (int64_t i = 0; i < m; ++i) buf[i] = static_cast<float>(row[b + i]);
    return m;
  };
  for (int64_t b = 0; b < n; b += kB) {
    float e = extreme<float, kMax>(buf, load(b));
    if (e != e) {  // the first NaN wins
      nan_block = b;
      break;
    }
    if (best_block < 0 || (kMax ? e > best : e < best)) {  // strict: the first block reaching the best
      best = e;
      best_block = b;
    }
  }
  if (nan_block >= 0) {
    if (val) *val = static_cast<T>(std::numeric_limits<float>::quiet_NaN());
    if (idx) {
      int64_t m = load(nan_block), j = 0;
      while (j < m && buf[j] == buf[j]) ++j;
      *idx = nan_block + j;
    }
    return;
  }
  if (val) *val = static_cast<T>(best);
  if (idx) {
    int64_t m = load(best_block), j = 0;
    while (j < m && buf[j] != best) ++j;
    *idx = best_block + j;
  }
}

/// The extreme of a row and the index of its first occurrence (of the first NaN when there is one).
template <class T, bool kMax>
inline void select_row(const T* row, int64_t n, T* val, int64_t* idx) {
  using M = opmath_t<T>;
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    select_row_blocked<T, kMax>(row, n, val, idx);
    return;
  }
  if (idx) {
    int64_t min_n = 0;
    auto sel = vec_select<T, kMax>(&min_n);
    if (sel && n >= min_n && sel(row, n, val, idx)) return;  // false: a NaN, found below
  }
  M best = extreme<T, kMax>(row, n);
  if (val) *val = static_cast<T>(best);
  if (!idx) return;
  int64_t i = 0;
  if (is_nan(best)) {
    while (i < n && !is_nan(static_cast<M>(row[i]))) ++i;
  } else {
    while (i < n && static_cast<M>(row[i]) != best) ++i;
  }
  *idx = i;
}

/// Extreme over outer dims of a contiguous [outer, R, inner] tensor without a copy: per column a
/// running value and the index of its first occurrence; a NaN replaces any number and is never
/// replaced, so the first NaN wins (as select_row). val or idx may be null.
template <class T, bool kMax, class I>
void col_select_block(const T* base, int64_t R, int64_t inner, int64_t n, T* val, int64_t* idx) {
  using M = opmath_t<T>;
  M best[kColBlock];
  I at[kColBlock];
  for (int64_t k = 0; k < n; ++k) {
    best[k] = static_cast<M>(base[k]);
    at[k] = 0;
  }
  auto step = [](M v, M& b, I& a, I ri) {
    bool upd = (kMax ? !(v <= b) : !(v >= b)) & (b == b);
    b = upd ? v : b;
    a = upd ? ri : a;
  };
  int64_t r = 1;
  for (; r + 4 <= R; r += 4) {  // four rows per pass: the running values stay in registers
    const T* p = base + r * inner;
    I ri = static_cast<I>(r);
    for (int64_t k = 0; k < n; ++k) {
      M b = best[k];
      I a = at[k];
      step(static_cast<M>(p[k]), b, a, ri);
      step(static_cast<M>(p[k + inner]), b, a, ri + 1);
      step(static_cast<M>(p[k + 2 * inner]), b, a, ri + 2);
      step(static_cast<M>(p[k + 3 * inner]), b, a, ri + 3);
      best[k] = b;
      at[k] = a;
    }
  }
  for (; r < R; ++r) {
    const T* p = base + r * inner;
    I ri = static_cast<I>(r);
    for (int64_t k = 0; k < n; ++k) step(static_cast<M>(p[k]), best[k], at[k], ri);
  }
  if (val)
    for (int64_t k = 0; k < n; ++k) val[k] = static_cast<T>(best[k]);
  if (idx)
    for (int64_t k = 0; k < n; ++k) idx[k] = static_cast<int64_t>(at[k]);
}

/// Value-only variant (amax/amin): NaN propagates.
template <class T, bool kMax>
void col_extreme_block(const T* base, int64_t R, int64_t inner, int64_t n, T* val) {
  using M = opmath_t<T>;
  M best[kColBlock];
  for (int64_t k = 0; k < n; ++k) best[k] = static_cast<M>(base[k]);
  auto step = [](M v, M b) { return ((kMax ? !(v <= b) : !(v >= b)) & (b == b)) ? v : b; };
  int64_t r = 1;
  for (; r + 8 <= R; r += 8) {
    const T* p = base + r * inner;
    for (int64_t k = 0; k < n; ++k) {
      M b = best[k];
      for (int q = 0; q < 8; ++q) b = step(static_cast<M>(p[k + q * inner]), b);
      best[k] = b;
    }
  }
  for (; r + 4 <= R; r += 4) {
    const T* p = base + r * inner;
    for (int64_t k = 0; k < n; ++k)
      best[k] = step(static_cast<M>(p[k + 3 * inner]),
                     step(static_cast<M>(p[k + 2 * inner]),
                          step(static_cast<M>(p[k + inner]), step(static_cast<M>(p[k]), best[k]))));
  }
  for (; r < R; ++r) {
    const T* p = base + r * inner;
    for (int64_t k = 0; k < n; ++k) best[k] = step(static_cast<M>(p[k]), best[k]);
  }
  for (int64_t k = 0; k < n; ++k) val[k] = static_cast<T>(best[k]);
}

/// Tries the copy-free column path; false when self is not [outer, R, inner] contiguous.
template <class T, bool kMax>
bool col_select(const Tensor& self, IntArrayRef dims, T* val, int64_t* idx) {
  int64_t outer, R, inner;
  if (!outer_layout(self, dims, &outer, &R, &inner)) return false;
  const T* x = self.data_ptr<T>();
  bool small = R <= std::numeric_limits<int32_t>::max();
  for_each_col_block(outer, R, inner, [&](int64_t o, int64_t j, int64_t n) {
    const T* base = x + o * R * inner + j;
    int64_t off = o * inner + j;
    if (!idx) col_extreme_block<T, kMax>(base, R, inner, n, val + off);
    else if (small) col_select_block<T, kMax, int32_t>(base, R, inner, n, val ? val + off : nullptr, idx + off);
    else col_select_block<T, kMax, int64_t>(base, R, inner, n, val ? val + off : nullptr, idx + off);
  });
  return true;
}

template <class T, bool kMax>
void amax_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim, bool) {
  if (out.numel() == 0) return;
  T* o = out.data_ptr<T>();
  if (col_select<T, kMax>(self, *dim, o, nullptr)) return;
  for_each_row<T>(self, *dim, [&](const T* row, int64_t n, int64_t r) { select_row<T, kMax>(row, n, o + r, nullptr); });
}

template <class T, bool kMax>
void max_full_k(const Tensor& out, const Tensor& self) {
  T* o = out.data_ptr<T>();
  for_each_row<T>(self, all_dims(self), [&](const T* row, int64_t n, int64_t r) {
    select_row<T, kMax>(row, n, o + r, nullptr);
  });
}

template <class T, bool kMax>
void max_dim_k(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim, bool) {
  if (values.numel() == 0) return;
  T* v = values.data_ptr<T>();
  int64_t* ix = indices.data_ptr<int64_t>();
  DimVector dims = self.dim() == 0 ? DimVector{} : DimVector{dim};
  if (col_select<T, kMax>(self, dims, v, ix)) return;
  for_each_row<T>(self, dims, [&](const T* row, int64_t n, int64_t r) { select_row<T, kMax>(row, n, v + r, ix + r); });
}

template <class T, bool kMax>
void argmax_k(const Tensor& out, const Tensor& self, std::optional<int64_t> dim, bool) {
  if (out.numel() == 0) return;
  int64_t* ix = out.data_ptr<int64_t>();
  if (col_select<T, kMax>(self, DimVector{*dim}, nullptr, ix)) return;
  for_each_row<T>(self, DimVector{*dim}, [&](const T* row, int64_t n, int64_t r) {
    select_row<T, kMax>(row, n, nullptr, ix + r);
  });
}

/// Reduction over outer dims without the permute copy ([outer, R, inner] contiguous, as
/// col_select): per column an accumulator from init, step(acc, x) over the R rows in index order (the
/// row path's order, so results are identical), then put(output index, acc). False when the layout
/// does not apply.
template <class T, class A, class Step, class Put>
bool col_reduce(const Tensor& self, IntArrayRef dims, A init, const Step& step, const Put& put) {
  int64_t outer, R, inner;
  if (!outer_layout(self, dims, &outer, &R, &inner)) return false;
  const T* x = self.data_ptr<T>();
  for_each_col_block(outer, R, inner, [&](int64_t o, int64_t j, int64_t n) {
    A acc[kColBlock];
    for (int64_t k = 0; k < n; ++k) acc[k] = init;
    const T* base = x + o * R * inner + j;
    for (int64_t r = 0; r < R; ++r) {
      const T* p = base + r * inner;
      for (int64_t k = 0; k < n; ++k) acc[k] = step(acc[k], p[k]);
    }
    for (int64_t k = 0; k < n; ++k) put(o * inner + j + k, acc[k]);
  });
  return true;
}

template <class T>
void prod_k(const Tensor& out, const Tensor& self, std::optional<int64_t> dim, bool, std::optional<ScalarType>) {
  using A = typename Acc<T>::type;
  T* o = out.data_ptr<T>();
  DimVector dims = dim ? DimVector{*dim} : all_dims(self);
  if (out.numel() == 0) return;
  if (col_reduce<T>(self, dims, A(1), [](A a, T v) { return a * static_cast<A>(static_cast<opmath_t<T>>(v)); },
                    [&](int64_t i, A a) { o[i] = static_cast<T>(a); }))
    return;
  for_each_row<T>(self, dims, [&](const T* row, int64_t n, int64_t r) {
    A p = 1;
    for (int64_t i = 0; i < n; ++i) p *= static_cast<A>(static_cast<opmath_t<T>>(row[i]));
    o[r] = static_cast<T>(p);
  });
}

template <class T>
void nansum_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim, bool, std::optional<ScalarType>) {
  using A = typename Acc<T>::type;
  T* o = out.data_ptr<T>();
  if (out.numel() == 0) return;
  auto step = [](A a, T x) {
    A v = static_cast<A>(static_cast<opmath_t<T>>(x));
    return a + (is_nan(v) ? A(0) : v);
  };
  if (col_reduce<T>(self, *dim, A(0), step, [&](int64_t i, A a) { o[i] = static_cast<T>(a); })) return;
  for_each_row<T>(self, *dim, [&](const T* row, int64_t n, int64_t r) {
    A s = 0;
    for (int64_t i = 0; i < n; ++i) {
      A v = static_cast<A>(static_cast<opmath_t<T>>(row[i]));
      s += is_nan(v) ? A(0) : v;
    }
    o[r] = static_cast<T>(s);
  });
}

/// all (kAll) / any: out is bool, or uint8 for uint8 inputs.
template <class T, bool kAll>
void all_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim, bool) {
  if (out.numel() == 0) return;
  bool as_u8 = out.dtype() == kUInt8;
  void* o = out.data_ptr();
  auto step = [](bool a, T x) {
    bool nz = static_cast<opmath_t<T>>(x) != opmath_t<T>(0);
    return kAll ? (a && nz) : (a || nz);
  };
  auto put = [&](int64_t i, bool a) {
    if (as_u8) static_cast<uint8_t*>(o)[i] = a ? 1 : 0;
    else static_cast<bool*>(o)[i] = a;
  };
  if (col_reduce<T>(self, *dim, kAll, step, put)) return;
  for_each_row<T>(self, *dim, [&](const T* row, int64_t n, int64_t r) {
    bool acc = kAll;
    for (int64_t i = 0; i < n; ++i) {
      bool nz = static_cast<opmath_t<T>>(row[i]) != opmath_t<T>(0);
      if (kAll ? !nz : nz) {
        acc = !kAll;
        break;
      }
    }
    if (as_u8) static_cast<uint8_t*>(o)[r] = acc ? 1 : 0;
    else static_cast<bool*>(o)[r] = acc;
  });
}

template <class T>
void count_nonzero_k(const Tensor& out, const Tensor& self, const OptionalIntArrayRef& dim) {
  if (out.numel() == 0) return;
  int64_t* o = out.data_ptr<int64_t>();
  auto step = [](int64_t c, T x) { return c + (static_cast<opmath_t<T>>(x) != opmath_t<T>(0)); };
  if (col_reduce<T>(self, *dim, int64_t(0), step, [&](int64_t i, int64_t c) { o[i] = c; })) return;
  for_each_row<T>(self, *dim, [&](const T* row, int64_t n, int64_t r) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; ++i) c += static_cast<opmath_t<T>>(row[i]) != opmath_t<T>(0);
    o[r] = c;
  });
}

}  // namespace

void register_reduction_index() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::prod>(kCPU, t, &prod_k<T>);
    register_kernel<OpId::nansum>(kCPU, t, &nansum_k<T>);
    register_kernel<OpId::amax>(kCPU, t, &amax_k<T, true>);
    register_kernel<OpId::amin>(kCPU, t, &amax_k<T, false>);
    register_kernel<OpId::max>(kCPU, t, &max_full_k<T, true>);
    register_kernel<OpId::min>(kCPU, t, &max_full_k<T, false>);
    register_kernel<OpId::max_dim>(kCPU, t, &max_dim_k<T, true>);
    register_kernel<OpId::min_dim>(kCPU, t, &max_dim_k<T, false>);
    register_kernel<OpId::argmax>(kCPU, t, &argmax_k<T, true>);
    register_kernel<OpId::argmin>(kCPU, t, &argmax_k<T, false>);
    register_kernel<OpId::all>(kCPU, t, &all_k<T, true>);
    register_kernel<OpId::any>(kCPU, t, &all_k<T, false>);
    register_kernel<OpId::count_nonzero>(kCPU, t, &count_nonzero_k<T>);
  });
}

}  // namespace ember::cpu
