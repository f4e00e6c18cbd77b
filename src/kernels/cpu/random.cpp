// Random kernels on CPU: element i of the (row-major) output draws Philox counter offset + i.
#include "kernels/common/philox.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

Generator pick(const std::optional<Generator>& g) { return g ? *g : default_generator(); }

/// Writes f(philox(seed, off + i), i) into self in logical order (through a contiguous buffer when
/// self is strided).
template <class T, class F>
void generate(const Tensor& self, const std::optional<Generator>& gen, const F& f) {
  int64_t n = self.numel();
  if (n == 0) return;
  Generator g = pick(gen);
  uint64_t seed = g->seed(), off = g->reserve(static_cast<uint64_t>(n));
  Tensor out = self.is_contiguous() ? self : empty_cpu(self.sizes(), self.dtype());
  T* p = out.data_ptr<T>();
  parallel_for(n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(f(rng::philox(seed, off + static_cast<uint64_t>(i))));
  });
  if (!out.is_same(self)) copy_into(self, out);
}

template <class T>
void uniform_k(const Tensor& self, double from, double to, const std::optional<Generator>& gen) {
  if constexpr (std::is_same<T, double>::value) {
    generate<T>(self, gen, [=](const rng::U32x4& r) { return from + (to - from) * rng::uniform_double(r.v[0], r.v[1]); });
  } else {
    const float a = static_cast<float>(from), w = static_cast<float>(to - from);
    generate<T>(self, gen, [=](const rng::U32x4& r) {
      float v = a + w * rng::uniform_float(r.v[0]);
      return v >= static_cast<float>(to) && w > 0 ? a : v;  // rounding must not reach `to`
    });
  }
}

template <class T>
void normal_k(const Tensor& self, double mean, double std, const std::optional<Generator>& gen) {
  generate<T>(self, gen, [=](const rng::U32x4& r) { return mean + std * rng::normal_double(r); });
}

template <class T>
void random_k(const Tensor& self, int64_t from, std::optional<int64_t> to_, const std::optional<Generator>& gen) {
  int64_t to = *to_;  // the native op normalized random_(n) to [0, n)
  uint64_t range = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  generate<T>(self, gen, [=](const rng::U32x4& r) {
    uint64_t x = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
    return static_cast<double>(0) + static_cast<double>(static_cast<int64_t>(from + static_cast<int64_t>(x % range)));
  });
}

template <class T>
void random_int_k(const Tensor& self, int64_t from, std::optional<int64_t> to_, const std::optional<Generator>& gen) {
  int64_t to = *to_;
  uint64_t range = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  generate<T>(self, gen, [=](const rng::U32x4& r) {
    uint64_t x = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
    return static_cast<T>(from + static_cast<int64_t>(x % range));
  });
}

template <class T>
void bernoulli_k(const Tensor& out, const Tensor& self, const std::optional<Generator>& gen) {
  Tensor p = contiguous_copy(self, kFloat64);
  const double* pp = p.data_ptr<double>();
  Generator g = pick(gen);
  int64_t n = out.numel();
  uint64_t seed = g->seed(), off = g->reserve(static_cast<uint64_t>(n));
  T* o = out.data_ptr<T>();
  parallel_for(n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      auto r = rng::philox(seed, off + static_cast<uint64_t>(i));
      o[i] = static_cast<T>(rng::uniform_double(r.v[0], r.v[1]) < pp[i] ? 1.0f : 0.0f);
    }
  });
}

}  // namespace

void register_random() {
  using dispatch::register_kernel;
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    using M = std::conditional_t<std::is_same<T, double>::value, double, float>;
    if constexpr (std::is_same<T, M>::value) {
      register_kernel<OpId::uniform_>(kCPU, t, &uniform_k<T>);
      register_kernel<OpId::normal_>(kCPU, t, &normal_k<T>);
    } else {
      register_kernel<OpId::uniform_>(kCPU, t, [](const Tensor& s, double a, double b, const std::optional<Generator>& g) {
        Tensor tmp = empty_cpu(s.sizes(), kFloat32);
        uniform_k<float>(tmp, a, b, g);
        copy_into(s, tmp);
      });
      register_kernel<OpId::normal_>(kCPU, t, [](const Tensor& s, double m, double sd, const std::optional<Generator>& g) {
        Tensor tmp = empty_cpu(s.sizes(), kFloat32);
        normal_k<float>(tmp, m, sd, g);
        copy_into(s, tmp);
      });
    }
    register_kernel<OpId::random_>(kCPU, t, [](const Tensor& s, int64_t a, std::optional<int64_t> b, const std::optional<Generator>& g) {
      Tensor tmp = empty_cpu(s.sizes(), kFloat64);
      random_k<double>(tmp, a, b, g);
      copy_into(s, tmp);
    });
    register_kernel<OpId::bernoulli>(kCPU, t, [](const Tensor& o, const Tensor& s, const std::optional<Generator>& g) {
      Tensor tmp = empty_cpu(o.sizes(), kFloat32);
      bernoulli_k<float>(tmp, s, g);
      copy_into(o, tmp);
    });
  });
  for_dtypes({kBool, kUInt8, kInt8, kInt16, kInt32, kInt64}, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same<T, bool>::value) {
      register_kernel<OpId::random_>(kCPU, t, [](const Tensor& s, int64_t a, std::optional<int64_t> b, const std::optional<Generator>& g) {
        Tensor tmp = empty_cpu(s.sizes(), kInt64);
        random_int_k<int64_t>(tmp, a, b, g);
        copy_into(s, tmp);
      });
    } else {
      register_kernel<OpId::random_>(kCPU, t, &random_int_k<T>);
    }
  });
}

}  // namespace ember::cpu
