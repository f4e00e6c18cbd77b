// ember::nn::init: the same formulas as python/ember/nn/init.py, under NoGradGuard.
#include "ember/nn/init.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"
#include "ember/util/warning.h"

namespace ember::nn::init {
namespace {
int64_t correct_fan(const Tensor& tensor, const FanModeType& mode) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  return std::holds_alternative<enumtype::kFanIn>(mode) ? fan_in : fan_out;
}
}  // namespace

double calculate_gain(NonlinearityType nonlinearity, double param) {
  if (std::holds_alternative<enumtype::kTanh>(nonlinearity)) return 5.0 / 3;
  if (std::holds_alternative<enumtype::kReLU>(nonlinearity)) return std::sqrt(2.0);
  if (std::holds_alternative<enumtype::kLeakyReLU>(nonlinearity)) return std::sqrt(2.0 / (1 + param * param));
  if (std::holds_alternative<enumtype::kSELU>(nonlinearity)) return 3.0 / 4;
  return 1.0;  // linear, conv*, conv_transpose*, sigmoid
}

std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  EMBER_CHECK_VALUE(tensor.dim() >= 2,
                    "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

Tensor uniform_(Tensor tensor, double low, double high, const std::optional<Generator>& generator) {
  NoGradGuard no_grad;
  tensor.uniform_(low, high, generator);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std, const std::optional<Generator>& generator) {
  NoGradGuard no_grad;
  tensor.normal_(mean, std, generator);
  return tensor;
}

Tensor constant_(Tensor tensor, Scalar value) {
  NoGradGuard no_grad;
  tensor.fill_(value);
  return tensor;
}

Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1); }

Tensor zeros_(Tensor tensor) {
  NoGradGuard no_grad;
  tensor.zero_();
  return tensor;
}

Tensor eye_(Tensor matrix) {
  EMBER_CHECK_VALUE(matrix.dim() == 2, "Only tensors with 2 dimensions are supported");
  NoGradGuard no_grad;
  matrix.copy_(eye(matrix.size(0), matrix.size(1), matrix.options()));
  return matrix;
}

Tensor xavier_uniform_(Tensor tensor, double gain, const std::optional<Generator>& generator) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  double a = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -a, a, generator);
}

Tensor xavier_normal_(Tensor tensor, double gain, const std::optional<Generator>& generator) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(std::move(tensor), 0, std, generator);
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity,
                        const std::optional<Generator>& generator) {
  if (tensor.numel() == 0) {
    warn("Initializing zero-element tensors is a no-op");
    return tensor;
  }
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(tensor, mode)));
  double bound = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -bound, bound, generator);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity,
                       const std::optional<Generator>& generator) {
  if (tensor.numel() == 0) {
    warn("Initializing zero-element tensors is a no-op");
    return tensor;
  }
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(tensor, mode)));
  return normal_(std::move(tensor), 0, std, generator);
}

Tensor orthogonal_(Tensor tensor, double, const std::optional<Generator>&) {
  EMBER_CHECK_VALUE(tensor.dim() >= 2, "Only tensors with 2 or more dimensions are supported");
  throw NotImplementedError("nn::init::orthogonal_ is not implemented in ember yet: it needs a QR decomposition");
}

namespace {
// Inverse error function on float64 tensors: Giles' single-precision approximation refined by two Newton
// steps on erf (python/ember/nn/init.py's _erfinv; ember has no erfinv op yet).
Tensor erfinv_approx(const Tensor& y) {
  Tensor w = -(((1 - y) * (1 + y)).log());
  Tensor small = w < 5;
  Tensor ws = w - 2.5;
  Tensor p_small = full_like(y, 2.81022636e-08);
  for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                   0.246640727, 1.50140941})
    p_small = p_small * ws + c;
  Tensor wl = w.sqrt() - 3;
  Tensor p_large = full_like(y, -0.000200214257);
  for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                   1.00167406, 2.83297682})
    p_large = p_large * wl + c;
  Tensor x = where(small, p_small, p_large) * y;
  const double two_over_sqrt_pi = 2.0 / std::sqrt(M_PI);
  for (int i = 0; i < 2; ++i) x = x - (erf(x) - y) / ((-x * x).exp() * two_over_sqrt_pi);
  return x;
}
double norm_cdf(double x) { return (1.0 + std::erf(x / std::sqrt(2.0))) / 2.0; }
}  // namespace

Tensor trunc_normal_(Tensor tensor, double mean, double std, double a, double b,
                     const std::optional<Generator>& generator) {
  if (mean < a - 2 * std || mean > b + 2 * std)
    warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
  NoGradGuard no_grad;
  double lo = norm_cdf((a - mean) / std), hi = norm_cdf((b - mean) / std);
  Tensor u = empty(tensor.sizes(), TensorOptions().dtype(kFloat64).device(tensor.device()));
  u.uniform_(2 * lo - 1, 2 * hi - 1, generator);
  u = u.clamp(-1 + 1e-15, 1 - 1e-15);
  Tensor x = erfinv_approx(u) * (std * std::sqrt(2.0)) + mean;
  tensor.copy_(x.clamp(a, b));
  return tensor;
}

Tensor dirac_(Tensor tensor, int64_t groups) {
  int64_t dims = tensor.dim();
  EMBER_CHECK_VALUE(dims >= 3 && dims <= 5, "Only tensors with 3, 4, or 5 dimensions are supported");
  EMBER_CHECK_VALUE(groups > 0 && tensor.size(0) % groups == 0, "dim 0 must be divisible by groups");
  int64_t per_group = tensor.size(0) / groups;
  int64_t min_dim = std::min(per_group, tensor.size(1));
  NoGradGuard no_grad;
  tensor.zero_();
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t d = 0; d < min_dim; ++d) {
      Tensor t = tensor.select(0, g * per_group + d).select(0, d);
      for (int64_t k = 2; k < dims; ++k) t = t.select(0, tensor.size(k) / 2);
      t.fill_(1);
    }
  }
  return tensor;
}

}  // namespace ember::nn::init
