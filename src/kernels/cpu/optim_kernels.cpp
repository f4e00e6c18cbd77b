// CPU kernels of the fused optimizer ops (_fused_sgd_, _fused_adam_, _fused_adamw_, _fused_adagrad_,
// _fused_rmsprop_; Note [fused optimizers] in src/ops/optim.cpp). Every tensor of the lists is cut into
// chunks, the chunks of all tensors run in parallel, and each chunk is one pass over param, grad and
// states with the element loops of optim_loops.h, compiled here once per instruction set (AVX-512,
// AVX2+FMA, plain C++) and chosen at run time as the other vector loops are (vec::isa(): EMBER_NO_SIMD
// and EMBER_SIMD apply). float16 / bfloat16 tensors are computed in float32 (converted per tensor).
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cpu/loops.h"  // parallel_for, kGrainSize
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"
#include "kernels/cpu/vec_math.h"
#ifdef EMBER_HAVE_X86_SIMD
#include <immintrin.h>
// GCC 12 warns about the undefined pass-through operand inside its own _mm512_max_ps / _mm512_max_pd.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace ember::cpu {
namespace optim_k {

template <class T>
struct SgdArgs {
  T lr, weight_decay, momentum, dampening;
  bool nesterov, maximize, first_step;
};
template <class T>
struct AdamArgs {
  T lr, beta1, beta2, weight_decay, eps, step_size, bc2_sqrt;
  bool amsgrad, maximize, decoupled;
};
template <class T>
struct AdagradArgs {
  T clr, weight_decay, eps;
  bool maximize;
};
template <class T>
struct RmspropArgs {
  T lr, alpha, eps, weight_decay, momentum;
  bool centered, maximize;
};

namespace scalar_isa {
#include "kernels/cpu/optim_loops.h"
template <class T>
using W = S1<T>;
}  // namespace scalar_isa

#ifdef EMBER_HAVE_X86_SIMD
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2_isa {
struct VF {
  using V = __m256;
  static constexpr int kL = 8;
  static inline V load(const float* p) { return _mm256_loadu_ps(p); }
  static inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static inline V set(float v) { return _mm256_set1_ps(v); }
  static inline V add(V a, V b) { return _mm256_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm256_div_ps(a, b); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static inline V sqrt(V a) { return _mm256_sqrt_ps(a); }
  static inline V max(V a, V b) { return _mm256_max_ps(a, b); }  // (NaN in b wins; amsgrad's new value)
};
struct VD {
  using V = __m256d;
  static constexpr int kL = 4;
  static inline V load(const double* p) { return _mm256_loadu_pd(p); }
  static inline void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static inline V set(double v) { return _mm256_set1_pd(v); }
  static inline V add(V a, V b) { return _mm256_add_pd(a, b); }
  static inline V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static inline V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static inline V div(V a, V b) { return _mm256_div_pd(a, b); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
  static inline V sqrt(V a) { return _mm256_sqrt_pd(a); }
  static inline V max(V a, V b) { return _mm256_max_pd(a, b); }
};
#include "kernels/cpu/optim_loops.h"
template <class T>
using W = std::conditional_t<sizeof(T) == 4, VF, VD>;
}  // namespace avx2_isa
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace avx512_isa {
struct VF {
  using V = __m512;
  static constexpr int kL = 16;
  static inline V load(const float* p) { return _mm512_loadu_ps(p); }
  static inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static inline V set(float v) { return _mm512_set1_ps(v); }
  static inline V add(V a, V b) { return _mm512_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm512_div_ps(a, b); }
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static inline V sqrt(V a) { return _mm512_sqrt_ps(a); }
  static inline V max(V a, V b) { return _mm512_max_ps(a, b); }
};
struct VD {
  using V = __m512d;
  static constexpr int kL = 8;
  static inline V load(const double* p) { return _mm512_loadu_pd(p); }
  static inline void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static inline V set(double v) { return _mm512_set1_pd(v); }
  static inline V add(V a, V b) { return _mm512_add_pd(a, b); }
  static inline V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static inline V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static inline V div(V a, V b) { return _mm512_div_pd(a, b); }
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static inline V sqrt(V a) { return _mm512_sqrt_pd(a); }
  static inline V max(V a, V b) { return _mm512_max_pd(a, b); }
};
#include "kernels/cpu/optim_loops.h"
template <class T>
using W = std::conditional_t<sizeof(T) == 4, VF, VD>;
}  // namespace avx512_isa
#pragma GCC pop_options
#endif

/// The chunk functions of the best instruction set the CPU (and EMBER_SIMD / EMBER_NO_SIMD) allows.
template <class T>
struct Chunks {
  void (*sgd)(int64_t, int64_t, T*, const T*, T*, const SgdArgs<T>&);
  void (*adam)(int64_t, int64_t, T*, const T*, T*, T*, T*, const AdamArgs<T>&);
  void (*adagrad)(int64_t, int64_t, T*, const T*, T*, const AdagradArgs<T>&);
  void (*rmsprop)(int64_t, int64_t, T*, const T*, T*, T*, T*, const RmspropArgs<T>&);
};
#define EMBER_OPTIM_CHUNKS(ns)                                                                   \
  Chunks<T> {                                                                                    \
    &ns::sgd_chunk<ns::W<T>, T>, &ns::adam_chunk<ns::W<T>, T>, &ns::adagrad_chunk<ns::W<T>, T>, \
        &ns::rmsprop_chunk<ns::W<T>, T>                                                          \
  }
template <class T>
Chunks<T> chunks() {
#ifdef EMBER_HAVE_X86_SIMD
  const std::string isa = vec::isa();
  if (isa == "avx512") return EMBER_OPTIM_CHUNKS(avx512_isa);
  if (isa == "avx2") return EMBER_OPTIM_CHUNKS(avx2_isa);
#endif
  return EMBER_OPTIM_CHUNKS(scalar_isa);
}
#undef EMBER_OPTIM_CHUNKS

/// Elements per chunk: a few L2-resident slices of every list per thread.
constexpr int64_t kChunk = 16384;

/// The tensors of one op call in the compute dtype C, contiguous: the caller's tensors themselves where
/// they already are, else copies that write_back() copies into the caller's tensors.
struct Lists {
  std::vector<std::vector<Tensor>> orig, work;
  std::vector<bool> written;
  Lists(std::initializer_list<std::pair<TensorList, bool>> lists, ScalarType c) {
    for (const auto& [l, w] : lists) {
      orig.emplace_back(l.begin(), l.end());
      work.emplace_back();
      for (const Tensor& t : l) work.back().push_back(contiguous_copy(t, c));
      written.push_back(w);
    }
  }
  template <class T>
  T* ptr(size_t list, size_t i) const {
    return work[list].empty() ? nullptr : static_cast<T*>(work[list][i].data_ptr());
  }
  void write_back() const {
    for (size_t l = 0; l < orig.size(); ++l)
      if (written[l])
        for (size_t i = 0; i < orig[l].size(); ++i)
          if (work[l][i].unsafeGetTensorImpl() != orig[l][i].unsafeGetTensorImpl()) copy_into(orig[l][i], work[l][i]);
  }
};

/// Runs f(i, begin, end) over chunks of every tensor i of params, in parallel when there is enough work.
template <class F>
void for_chunks(TensorList params, const F& f) {
  struct Item {
    size_t i;
    int64_t b, e;
  };
  std::vector<Item> items;
  int64_t total = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    int64_t n = params[i].numel();
    total += n;
    for (int64_t b = 0; b < n; b += kChunk) items.push_back({i, b, std::min(n, b + kChunk)});
  }
  // Each thread takes the next chunk as it finishes one (not a fixed share): on a shared machine a thread
  // that is descheduled for a while then holds back no one.
  std::atomic<size_t> next{0};
  const int64_t grain = total > kGrainSize ? 1 : static_cast<int64_t>(items.size());
  parallel_for(static_cast<int64_t>(items.size()), grain, [&](int64_t, int64_t) {
    for (size_t k = next.fetch_add(1); k < items.size(); k = next.fetch_add(1)) f(items[k].i, items[k].b, items[k].e);
  });
}

/// The value of a 0-d step tensor (float32, float64 or an integer type), read here in the kernel.
double step_value(const Tensor& s) {
  double v = 0;
  visit_dtype(s.dtype(), [&](auto tag) {
    using S = typename decltype(tag)::type;
    v = static_cast<double>(*static_cast<const S*>(s.data_ptr()));
  });
  return v;
}

/// float16 / bfloat16 run in float32.
template <class T>
using Compute = std::conditional_t<std::is_same_v<T, double>, double, float>;
template <class T>
ScalarType compute_dtype() {
  return std::is_same_v<T, double> ? kFloat64 : kFloat32;
}

template <class T>
void sgd_k(TensorList self, TensorList grads, TensorList bufs, double weight_decay, double momentum, double lr,
           double dampening, bool nesterov, bool maximize, bool is_first_step, const std::optional<Tensor>&,
           const std::optional<Tensor>&) {
  using C = Compute<T>;
  Lists ls({{self, true}, {grads, false}, {bufs, true}}, compute_dtype<T>());
  SgdArgs<C> a{C(lr), C(weight_decay), C(momentum), C(dampening), nesterov, maximize, is_first_step};
  auto fn = chunks<C>().sgd;
  for_chunks(self, [&](size_t i, int64_t b, int64_t e) {
    fn(b, e, ls.ptr<C>(0, i), ls.ptr<C>(1, i), ls.ptr<C>(2, i), a);
  });
  ls.write_back();
}

template <class T, bool Decoupled>
void adam_k(TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs, TensorList max_sqs,
            TensorList steps, double lr, double beta1, double beta2, double weight_decay, double eps, bool amsgrad,
            bool maximize, const std::optional<Tensor>&, const std::optional<Tensor>&) {
  using C = Compute<T>;
  Lists ls({{self, true}, {grads, false}, {exp_avgs, true}, {exp_avg_sqs, true}, {max_sqs, true}}, compute_dtype<T>());
  std::vector<AdamArgs<C>> args;
  for (const Tensor& s : steps) {
    const double step = step_value(s);
    const double bc1 = 1 - std::pow(beta1, step), bc2 = 1 - std::pow(beta2, step);
    args.push_back({C(lr), C(beta1), C(beta2), C(weight_decay), C(eps), C(lr / bc1), C(std::sqrt(bc2)), amsgrad,
                    maximize, Decoupled});
  }
  auto fn = chunks<C>().adam;
  for_chunks(self, [&](size_t i, int64_t b, int64_t e) {
    fn(b, e, ls.ptr<C>(0, i), ls.ptr<C>(1, i), ls.ptr<C>(2, i), ls.ptr<C>(3, i), ls.ptr<C>(4, i), args[i]);
  });
  ls.write_back();
}

template <class T>
void adagrad_k(TensorList self, TensorList grads, TensorList sums, TensorList steps, double lr, double lr_decay,
               double weight_decay, double eps, bool maximize, const std::optional<Tensor>&,
               const std::optional<Tensor>&) {
  using C = Compute<T>;
  Lists ls({{self, true}, {grads, false}, {sums, true}}, compute_dtype<T>());
  std::vector<AdagradArgs<C>> args;
  for (const Tensor& s : steps)
    args.push_back({C(lr / (1 + (step_value(s) - 1) * lr_decay)), C(weight_decay), C(eps), maximize});
  auto fn = chunks<C>().adagrad;
  for_chunks(self, [&](size_t i, int64_t b, int64_t e) {
    fn(b, e, ls.ptr<C>(0, i), ls.ptr<C>(1, i), ls.ptr<C>(2, i), args[i]);
  });
  ls.write_back();
}

template <class T>
void rmsprop_k(TensorList self, TensorList grads, TensorList square_avgs, TensorList grad_avgs, TensorList bufs,
               TensorList, double lr, double alpha, double eps, double weight_decay, double momentum, bool centered,
               bool maximize) {
  using C = Compute<T>;
  Lists ls({{self, true}, {grads, false}, {square_avgs, true}, {grad_avgs, true}, {bufs, true}}, compute_dtype<T>());
  RmspropArgs<C> a{C(lr), C(alpha), C(eps), C(weight_decay), C(momentum), centered, maximize};
  auto fn = chunks<C>().rmsprop;
  for_chunks(self, [&](size_t i, int64_t b, int64_t e) {
    fn(b, e, ls.ptr<C>(0, i), ls.ptr<C>(1, i), ls.ptr<C>(2, i), ls.ptr<C>(3, i), ls.ptr<C>(4, i), a);
  });
  ls.write_back();
}

}  // namespace optim_k

void register_optim() {
  using dispatch::register_kernel;
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::_fused_sgd_>(kCPU, t, &optim_k::sgd_k<T>);
    register_kernel<OpId::_fused_adam_>(kCPU, t, &optim_k::adam_k<T, false>);
    register_kernel<OpId::_fused_adamw_>(kCPU, t, &optim_k::adam_k<T, true>);
    register_kernel<OpId::_fused_adagrad_>(kCPU, t, &optim_k::adagrad_k<T>);
    register_kernel<OpId::_fused_rmsprop_>(kCPU, t, &optim_k::rmsprop_k<T>);
  });
}

}  // namespace ember::cpu
