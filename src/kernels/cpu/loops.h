// The elementwise iterator: broadcasting, arbitrary (also negative) strides, dim coalescing, a
// contiguous fast path, and OpenMP chunks for large tensors. Every pointwise CPU kernel uses it.
#pragma once
#include <cstring>
#include <type_traits>

#include "ember/core/tensor.h"
#include "kernels/cpu/vec_math.h"
#include "kernels/cpu/parallel.h"

namespace ember::cpu {

constexpr int kMaxOperands = 4;
constexpr int kMaxDims = 64;

/// Iterates operands (output first) over the output's shape. Strides are in bytes, innermost
/// dim first; a broadcast input has stride 0 along the broadcast dims.
class ElementwiseIter {
 public:
  /// ops[0] is the output; inputs must broadcast to its shape (checked by the meta rules).
  ElementwiseIter(const Tensor* const* ops, int n) : n_(n) {
    const Tensor& out = *ops[0];
    int nd = static_cast<int>(out.dim());
    EMBER_CHECK(nd <= kMaxDims, "elementwise ops support at most ", kMaxDims, " dims, got ", nd);
    numel_ = out.numel();
    // Fast path (S1): every operand contiguous with the output's element count. Inputs broadcast to
    // the output (the meta rules checked it), so equal counts mean equal shapes up to leading 1s and
    // one flat row covers them all; skips the per-dim stride and coalescing work below.
    bool flat = true;
    for (int i = 0; i < n && flat; ++i) flat = ops[i]->numel() == numel_ && ops[i]->is_contiguous();
    if (flat) {
      ndim_ = 1;
      shape_[0] = numel_;
      for (int i = 0; i < n; ++i) {
        data_[i] = static_cast<char*>(ops[i]->data_ptr());
        strides_[i][0] = static_cast<int64_t>(ops[i]->element_size());
      }
      return;
    }
    for (int i = 0; i < n; ++i) {
      data_[i] = static_cast<char*>(ops[i]->data_ptr());
      const Tensor& t = *ops[i];
      int64_t es = static_cast<int64_t>(t.element_size());
      int off = nd - static_cast<int>(t.dim());
      for (int d = 0; d < nd; ++d) {  // d counts from the innermost dim
        int src = nd - 1 - d;
        int64_t st = 0;
        if (src - off >= 0 && t.sizes()[src - off] != 1) st = t.strides()[src - off] * es;
        strides_[i][d] = st;
      }
    }
    ndim_ = 0;
    for (int d = 0; d < nd; ++d) {  // drop size-1 dims, merge dims that are contiguous for all
      int64_t size = out.sizes()[nd - 1 - d];
      if (size == 1) continue;
      if (ndim_ > 0) {
        bool merge = true;
        for (int i = 0; i < n; ++i)
          merge &= strides_[i][d] == strides_[i][ndim_ - 1] * shape_[ndim_ - 1];
        if (merge) {
          shape_[ndim_ - 1] *= size;
          continue;
        }
      }
      for (int i = 0; i < n; ++i) strides_[i][ndim_] = strides_[i][d];
      shape_[ndim_++] = size;
    }
    if (ndim_ == 0) {  // a single element
      shape_[0] = 1;
      for (int i = 0; i < n; ++i) strides_[i][0] = 0;
      ndim_ = 1;
    }
  }

  int64_t numel() const { return numel_; }
  int ndim() const { return ndim_; }
  /// Byte stride of operand i along the innermost dim.
  int64_t inner_stride(int i) const { return strides_[i][0]; }

  /// Calls loop(char** data, const int64_t* inner_strides, int64_t n) over rows of the innermost dim.
  template <class Loop>
  void for_each(const Loop& loop, int64_t grain = kGrainSize) const {
    if (numel_ == 0) return;
    if (ndim_ == 1) {
      parallel_for(numel_, grain, [&](int64_t b, int64_t e) {
        char* ptrs[kMaxOperands];
        int64_t s[kMaxOperands];
        for (int i = 0; i < n_; ++i) {
          s[i] = strides_[i][0];
          ptrs[i] = data_[i] + b * s[i];
        }
        loop(ptrs, s, e - b);
      });
      return;
    }
    parallel_for(numel_, grain, [&](int64_t b, int64_t e) { run_range(loop, b, e); });
  }

 private:
  template <class Loop>
  void run_range(const Loop& loop, int64_t begin, int64_t end) const {
    int64_t idx[kMaxDims];
    int64_t rem = begin;
    for (int d = 0; d < ndim_; ++d) {
      idx[d] = rem % shape_[d];
      rem /= shape_[d];
    }
    char* ptrs[kMaxOperands];
    int64_t s[kMaxOperands];
    for (int i = 0; i < n_; ++i) s[i] = strides_[i][0];
    int64_t pos = begin;
    while (pos < end) {
      for (int i = 0; i < n_; ++i) {
        char* p = data_[i];
        for (int d = 0; d < ndim_; ++d) p += idx[d] * strides_[i][d];
        ptrs[i] = p;
      }
      int64_t len = std::min(shape_[0] - idx[0], end - pos);
      loop(ptrs, s, len);
      pos += len;
      idx[0] += len;
      for (int d = 0; d < ndim_ - 1 && idx[d] >= shape_[d]; ++d) {
        idx[d] = 0;
        ++idx[d + 1];
      }
    }
  }

  int n_;
  int ndim_ = 0;
  int64_t numel_ = 0;
  char* data_[kMaxOperands];
  int64_t shape_[kMaxDims];
  int64_t strides_[kMaxOperands][kMaxDims];
};

template <class T>
inline opmath_t<T> load(const char* p) {
  return static_cast<opmath_t<T>>(*reinterpret_cast<const T*>(p));
}

/// out[i] = f(a[i]) with T in and out; f works on opmath_t<T>.
template <class T, class F>
void unary_loop(const Tensor& out, const Tensor& a, const F& f) {
  const Tensor* ops[2] = {&out, &a};
  ElementwiseIter it(ops, 2);
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    T* o = reinterpret_cast<T*>(d[0]);
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
      const T* x = reinterpret_cast<const T*>(d[1]);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(f(static_cast<opmath_t<T>>(x[i])));
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<T*>(d[0] + i * s[0]) = static_cast<T>(f(load<T>(d[1] + i * s[1])));
    }
  });
}

/// unary_loop, but contiguous rows of float/double go through the vector loop of fn when the CPU has
/// one (vec_math.h), and float16/bfloat16 (any strides) through the float32 loop in blocks; strided
/// float/double rows, other dtypes and CPUs without AVX2/FMA/F16C use f.
template <class T, class F>
void unary_loop_vec(const Tensor& out, const Tensor& a, vec::Fn fn, const F& f) {
  if constexpr (std::is_same<opmath_t<T>, float>::value && !std::is_same<T, float>::value) {
    // float16 / bfloat16: widen a block to float, run the float32 vector loop, round back (what
    // the scalar path computes, with the vector function instead of the libm one).
    const auto v32 = vec::get<float>(fn);
    if (!v32) return unary_loop<T>(out, a, f);
    const Tensor* ops[2] = {&out, &a};
    ElementwiseIter it(ops, 2);
    vec::HalfToFloat widen = nullptr;
    vec::FloatToHalf narrow = nullptr;
    if constexpr (sizeof(T) == 2 && std::is_same<T, Half>::value) {
      widen = vec::half_to_float();
      narrow = vec::float_to_half();
    }
    it.for_each([&](char** d, const int64_t* s, int64_t n) {
      constexpr int64_t kB = 256;
      float buf[kB];
      const bool contiguous = s[0] == sizeof(T) && s[1] == sizeof(T);
      const bool packed = widen && narrow && contiguous;
      for (int64_t b = 0; b < n; b += kB) {
        int64_t m = n - b < kB ? n - b : kB;
        const T* in = reinterpret_cast<const T*>(d[1]) + b;
        T* out = reinterpret_cast<T*>(d[0]) + b;
        if (packed) widen(buf, reinterpret_cast<const uint16_t*>(in), m);
        else if (contiguous)  // plain loops the compiler vectorizes (bfloat16: shifts)
          for (int64_t i = 0; i < m; ++i) buf[i] = static_cast<float>(in[i]);
        else
          for (int64_t i = 0; i < m; ++i) buf[i] = static_cast<float>(load<T>(d[1] + (b + i) * s[1]));
        v32(buf, buf, m);
        if (packed) narrow(reinterpret_cast<uint16_t*>(out), buf, m);
        else if (contiguous)
          for (int64_t i = 0; i < m; ++i) out[i] = static_cast<T>(buf[i]);
        else
          for (int64_t i = 0; i < m; ++i) *reinterpret_cast<T*>(d[0] + (b + i) * s[0]) = static_cast<T>(buf[i]);
      }
    });
    return;
  }
  const auto v = vec::get<T>(fn);
  if (!v) return unary_loop<T>(out, a, f);
  const Tensor* ops[2] = {&out, &a};
  ElementwiseIter it(ops, 2);
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
      v(reinterpret_cast<T*>(d[0]), reinterpret_cast<const T*>(d[1]), n);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<T*>(d[0] + i * s[0]) = static_cast<T>(f(load<T>(d[1] + i * s[1])));
    }
  });
}

/// out[i] = F(a[i]) for a functor F of kernels/common/unary_ops.h: its vector loop where the CPU has one
/// (unary_loop_vec), its scalar form elsewhere.
template <class T, class F>
void unary_functor_loop(const Tensor& out, const Tensor& a) {
  using M = opmath_t<T>;
  unary_loop_vec<T>(out, a, vec::fn_of<F>(), [](M x) { return F::scalar(x); });
}

/// out[i] = f(a[i], b[i]) with broadcasting; f works on opmath_t<T>; Out may differ from T.
template <class T, class Out = T, class F>
void binary_loop(const Tensor& out, const Tensor& a, const Tensor& b, const F& f) {
  const Tensor* ops[3] = {&out, &a, &b};
  ElementwiseIter it(ops, 3);
  using M = opmath_t<T>;
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    Out* o = reinterpret_cast<Out*>(d[0]);
    const T* x = reinterpret_cast<const T*>(d[1]);
    const T* y = reinterpret_cast<const T*>(d[2]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(T) && s[2] == sizeof(T)) {
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<M>(x[i]), static_cast<M>(y[i])));
    } else if (s[0] == sizeof(Out) && s[1] == sizeof(T) && s[2] == 0) {
      const M yv = static_cast<M>(*y);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<M>(x[i]), yv));
    } else if (s[0] == sizeof(Out) && s[1] == 0 && s[2] == sizeof(T)) {
      const M xv = static_cast<M>(*x);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(xv, static_cast<M>(y[i])));
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(d[0] + i * s[0]) =
            static_cast<Out>(f(load<T>(d[1] + i * s[1]), load<T>(d[2] + i * s[2])));
    }
  });
}

}  // namespace ember::cpu
