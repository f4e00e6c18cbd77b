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

}  // namespace ember::nn::init
