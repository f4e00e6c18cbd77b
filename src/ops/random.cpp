// Random sampling ops (natives). Kernels in src/kernels/<device>/random.cpp; the counter-based
// generator in include/ember/core/generator.h, its algorithm in src/kernels/common/philox.h.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "kernels/common/philox.h"

namespace ember::native {

static Generator pick(const std::optional<Generator>& g) { return g ? *g : default_generator(); }

Tensor rand(IntArrayRef size, const std::optional<Generator>& generator, const TensorOptions& options) {
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(options.dtype()), "\"check_uniform_bounds\" not implemented for '",
              options.dtype(), "' (rand needs a floating dtype)");
  Tensor t = ember::empty(size, options);
  t.uniform_(0, 1, generator);
  return t;
}

Tensor randn(IntArrayRef size, const std::optional<Generator>& generator, const TensorOptions& options) {
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(options.dtype()), "\"normal_kernel_cpu\" not implemented for '", options.dtype(),
              "' (randn needs a floating dtype)");
  Tensor t = ember::empty(size, options);
  t.normal_(0, 1, generator);
  return t;
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size, const std::optional<Generator>& generator,
               const TensorOptions& options) {
  TensorOptions o = options.dtype_opt() ? options : options.dtype(kInt64);
  Tensor t = ember::empty(size, o);
  t.random_(low, high, generator);
  return t;
}

Tensor randint_generator(int64_t high, IntArrayRef size, const std::optional<Generator>& generator,
                         const TensorOptions& options) {
  return native::randint(0, high, size, generator, options);
}

Tensor randint_like_low_dtype(const Tensor& self, int64_t low, int64_t high, const TensorOptions& options) {
  self.check_defined("randint_like");
  TensorOptions o = self.options().requires_grad(false);
  if (options.dtype_opt()) o = o.dtype(options.dtype());
  if (options.device_opt()) o = o.device(options.device());
  return native::randint(low, high, self.sizes(), std::nullopt, o);
}

Tensor randint_like(const Tensor& self, int64_t high, const TensorOptions& options) {
  return randint_like_low_dtype(self, 0, high, options);
}

Tensor randperm(int64_t n, const std::optional<Generator>& generator, const TensorOptions& options) {
  EMBER_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  TensorOptions o = options.dtype_opt() ? options : options.dtype(kInt64);
  if (o.device().is_meta()) return ember::empty({n}, o);  // meta: the shape is the result
  // Other devices: made on the CPU (the permutation comes from the host's Philox stream) and copied.
  if (!o.device().is_cpu()) return ember::randperm(n, generator, o.device(Device(kCPU))).to(o.device());
  // Every value 0 .. n-1 must be representable (Note [scalar range]).
  if (o.dtype() == kFloat16) EMBER_CHECK(n <= 2049, "n cannot be greater than 2049 for Half type.");
  if (o.dtype() == kBFloat16) EMBER_CHECK(n <= 257, "n cannot be greater than 257 for BFloat16 type.");
  if (n > 0 && is_integral(o.dtype(), false)) check_scalar_in_range(Scalar(n - 1), o.dtype());
  Tensor idx = ember::empty({n}, TensorOptions(kInt64));  // before the keys: a huge n fails here, cleanly
  Generator g = pick(generator);
  uint64_t seed = g->seed(), off = g->reserve(static_cast<uint64_t>(n));
  // Sort indices by a random 64-bit key per index: a uniform permutation, independent of threads.
  std::vector<std::pair<uint64_t, int64_t>> keys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    auto r = rng::philox(seed, off + static_cast<uint64_t>(i));
    keys[i] = {(static_cast<uint64_t>(r.v[0]) << 32) | r.v[1], i};
  }
  std::sort(keys.begin(), keys.end());
  int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = keys[i].second;
  return o.dtype() == kInt64 ? idx : idx.to(std::nullopt, o.dtype());
}

Tensor uniform_(const Tensor& self, double from, double to, const std::optional<Generator>& generator) {
  self.check_defined("uniform_");
  EMBER_CHECK(from <= to, "uniform_ expects to return a [from, to) range, but found from=", from, " > to=", to);
  EMBER_CHECK(std::isfinite(from) && std::isfinite(to), "uniform_: from and to must be finite");
  dispatch::kernel<OpId::uniform_>(self.device().type(), self.dtype())(self, from, to, generator);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

Tensor normal_(const Tensor& self, double mean, double std, const std::optional<Generator>& generator) {
  self.check_defined("normal_");
  EMBER_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
  dispatch::kernel<OpId::normal_>(self.device().type(), self.dtype())(self, mean, std, generator);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

/// random_'s bounds must lie in the dtype's range (PyTorch: "from is out of bounds for unsigned char").
static void check_random_bounds(ScalarType dt, int64_t from, int64_t to_inc) {
  static const char* const names[kNumScalarTypes] = {"bool", "unsigned char", "signed char", "short", "int",
                                                     "long", "c10::Half", "c10::BFloat16", "float", "double"};
  const char* name = names[static_cast<int>(dt)];
  if (dt == kBool) {
    EMBER_CHECK(from >= 0 && from <= 1, "from is out of bounds for ", name);
    EMBER_CHECK(to_inc >= 0 && to_inc <= 1, "to - 1 is out of bounds for ", name);
    return;
  }
  EMBER_CHECK(scalar_fits(Scalar(from), dt) && (dt != kUInt8 || from >= 0), "from is out of bounds for ", name);
  EMBER_CHECK(scalar_fits(Scalar(to_inc), dt) && (dt != kUInt8 || to_inc >= 0), "to - 1 is out of bounds for ", name);
}

Tensor random_(const Tensor& self, int64_t from, std::optional<int64_t> to, const std::optional<Generator>& generator) {
  self.check_defined("random_");
  int64_t lo = to ? from : 0, hi = to ? *to : from;
  EMBER_CHECK(lo < hi, "random_ expects 'from' to be less than 'to', but got from=", lo, " >= to=", hi);
  check_random_bounds(self.dtype(), lo, hi - 1);
  dispatch::kernel<OpId::random_>(self.device().type(), self.dtype())(self, lo, hi, generator);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

Tensor random__to(const Tensor& self, int64_t to, const std::optional<Generator>& generator) {
  return self.random_(0, to, generator);
}

Tensor random__default(const Tensor& self, const std::optional<Generator>& generator) {
  self.check_defined("random_");
  // Every integer the dtype holds exactly: [0, 2^digits] for floating dtypes, [0, max] for integers.
  int64_t hi = 0;
  switch (self.dtype()) {
    case kFloat16: hi = (int64_t(1) << 11) + 1; break;
    case kBFloat16: hi = (int64_t(1) << 8) + 1; break;
    case kFloat32: hi = (int64_t(1) << 24) + 1; break;
    case kFloat64: hi = (int64_t(1) << 53) + 1; break;
    case kBool: hi = 2; break;
    case kUInt8: hi = 256; break;
    case kInt8: hi = 128; break;
    case kInt16: hi = 32768; break;
    case kInt32: hi = int64_t(1) << 31; break;
    default: hi = std::numeric_limits<int64_t>::max(); break;  // int64: [0, 2^63 - 2]
  }
  return self.random_(0, hi, generator);
}

Tensor bernoulli(const Tensor& self, const std::optional<Generator>& generator) {
  self.check_defined("bernoulli");
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(self.dtype()), "\"bernoulli_tensor_cpu_p_\" not implemented for '",
                 self.dtype(), "' (bernoulli: expected a floating-point tensor of probabilities)");
  if (!self.is_meta() && self.numel() > 0) {  // checked by ops on self's device (meta: no values to check)
    Tensor bad = ember::logical_not(ember::logical_and(self.ge(0), self.le(1)));
    if (bad.any().item<bool>())
      throw Error(detail::str("Expected p_in >= 0 && p_in <= 1 to be true, but got ",
                              ember::masked_select(self, bad).select(0, 0).item<double>()));
  }
  Tensor out = ember::empty(self.sizes(), self.options());
  dispatch::kernel<OpId::bernoulli>(self.device().type(), self.dtype())(out, self, generator);
  return out;
}

Tensor multinomial(const Tensor& self, int64_t num_samples, bool replacement, const std::optional<Generator>& generator) {
  self.check_defined("multinomial");
  EMBER_CHECK(self.dim() == 1 || self.dim() == 2, "prob_dist must be 1 or 2 dim (got ", self.dim(), "-d)");
  EMBER_CHECK(is_floating_point(self.dtype()), "multinomial only supports floating-point dtypes for input, got ",
              self.dtype());
  EMBER_CHECK(num_samples > 0, "cannot sample n_sample <= 0 samples");
  int64_t rows = self.dim() == 1 ? 1 : self.sizes()[0], cats = self.sizes()[self.dim() - 1];
  EMBER_CHECK(cats > 0, "multinomial: the distribution has no categories");
  EMBER_CHECK(replacement || num_samples <= cats, "cannot sample n_sample > prob_dist.size(-1) samples without "
              "replacement");
  if (self.is_meta())  // meta: the shape is the result
    return ember::empty(self.dim() == 1 ? DimVector{num_samples} : DimVector{rows, num_samples},
                        TensorOptions(kInt64).device(self.device()));
  // Sampled on the host (Note [host fallback], src/ops/unique.cpp): the weights are copied there.
  Tensor w = self.to(Device(kCPU), kFloat64).contiguous();
  const double* pw = w.data_ptr<double>();
  Generator g = pick(generator);
  uint64_t seed = g->seed(), off = g->reserve(static_cast<uint64_t>(rows * (replacement ? num_samples : cats)));
  Tensor out = ember::empty(self.dim() == 1 ? DimVector{num_samples} : DimVector{rows, num_samples},
                            TensorOptions(kInt64));
  int64_t* po = out.data_ptr<int64_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const double* row = pw + r * cats;
    double total = 0;
    int64_t positive = 0;
    for (int64_t c = 0; c < cats; ++c) {
      EMBER_CHECK(std::isfinite(row[c]) && row[c] >= 0, "probability tensor contains either `inf`, `nan` or "
                  "element < 0");
      total += row[c];
      positive += row[c] > 0;
    }
    EMBER_CHECK(total > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
    if (replacement) {
      std::vector<double> cdf(static_cast<size_t>(cats));
      std::partial_sum(row, row + cats, cdf.begin());
      for (int64_t s = 0; s < num_samples; ++s) {
        auto rr = rng::philox(seed, off + static_cast<uint64_t>(r * num_samples + s));
        double u = rng::uniform_double(rr.v[0], rr.v[1]) * total;
        int64_t c = std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
        while (c >= cats || row[std::min(c, cats - 1)] == 0) c = std::min(c, cats - 1) - 1;  // never a zero weight
        po[r * num_samples + s] = c;
      }
    } else {
      EMBER_CHECK(num_samples <= positive, "invalid multinomial distribution (with replacement=False, not enough "
                  "non-negative category to sample)");
      // Gumbel-top-k: the k largest log(u)/w keys are a weighted sample without replacement.
      std::vector<std::pair<double, int64_t>> keys;
      for (int64_t c = 0; c < cats; ++c) {
        auto rr = rng::philox(seed, off + static_cast<uint64_t>(r * cats + c));
        double u = std::max(rng::uniform_double(rr.v[0], rr.v[1]), 1e-300);
        keys.push_back({row[c] > 0 ? std::log(u) / row[c] : -INFINITY, c});
      }
      std::partial_sort(keys.begin(), keys.begin() + num_samples, keys.end(),
                        [](const auto& a, const auto& b) { return a.first > b.first; });
      for (int64_t s = 0; s < num_samples; ++s) po[r * num_samples + s] = keys[s].second;
    }
  }
  return out.to(self.device());
}

}  // namespace ember::native
