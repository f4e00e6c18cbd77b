// ember::nn::init: in-place initializers (libtorch's torch::nn::init). Each runs under NoGradGuard,
// fills the tensor in place and returns it; the random ones take an optional Generator (Python's
// generator=; libtorch has none). Modes and nonlinearities are libtorch's enum values:
// `init::kaiming_uniform_(w, 0, ember::kFanOut, ember::kReLU)`.
#pragma once
#include <optional>
#include <tuple>
#include <variant>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"
#include "ember/enum.h"
#include "ember/util/export.h"

namespace ember::nn::init {

using NonlinearityType =
    std::variant<enumtype::kLinear, enumtype::kConv1D, enumtype::kConv2D, enumtype::kConv3D,
                 enumtype::kConvTranspose1D, enumtype::kConvTranspose2D, enumtype::kConvTranspose3D,
                 enumtype::kSigmoid, enumtype::kTanh, enumtype::kReLU, enumtype::kLeakyReLU, enumtype::kSELU>;
using FanModeType = std::variant<enumtype::kFanIn, enumtype::kFanOut>;

/// The recommended gain: 1 (linear, conv*, sigmoid), 5/3 (tanh), sqrt(2) (relu),
/// sqrt(2 / (1 + param^2)) (leaky_relu, param = negative_slope), 3/4 (selu).
EMBER_API double calculate_gain(NonlinearityType nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight laid out (out, in, *kernel).
EMBER_API std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor);

/// Fills with U(low, high).
EMBER_API Tensor uniform_(Tensor tensor, double low = 0, double high = 1,
                          const std::optional<Generator>& generator = std::nullopt);
/// Fills with N(mean, std^2).
EMBER_API Tensor normal_(Tensor tensor, double mean = 0, double std = 1,
                         const std::optional<Generator>& generator = std::nullopt);
/// Fills with value.
EMBER_API Tensor constant_(Tensor tensor, Scalar value);
/// Fills with ones.
EMBER_API Tensor ones_(Tensor tensor);
/// Fills with zeros.
EMBER_API Tensor zeros_(Tensor tensor);
/// Fills a 2-D tensor with the identity matrix.
EMBER_API Tensor eye_(Tensor matrix);
/// U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).
EMBER_API Tensor xavier_uniform_(Tensor tensor, double gain = 1.0,
                                 const std::optional<Generator>& generator = std::nullopt);
/// N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).
EMBER_API Tensor xavier_normal_(Tensor tensor, double gain = 1.0,
                                const std::optional<Generator>& generator = std::nullopt);
/// U(-bound, bound), bound = gain * sqrt(3 / fan), fan by mode, gain = calculate_gain(nonlinearity, a).
EMBER_API Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanModeType mode = ember::kFanIn,
                                  NonlinearityType nonlinearity = ember::kLeakyReLU,
                                  const std::optional<Generator>& generator = std::nullopt);
/// N(0, std^2), std = gain / sqrt(fan).
EMBER_API Tensor kaiming_normal_(Tensor tensor, double a = 0, FanModeType mode = ember::kFanIn,
                                 NonlinearityType nonlinearity = ember::kLeakyReLU,
                                 const std::optional<Generator>& generator = std::nullopt);
/// N(mean, std^2) truncated to [a, b] (inverse-CDF sampling in float64, as Python's trunc_normal_).
EMBER_API Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2,
                               const std::optional<Generator>& generator = std::nullopt);
/// A 3-, 4- or 5-D convolution weight as the Dirac delta (each group keeps its input channels).
EMBER_API Tensor dirac_(Tensor tensor, int64_t groups = 1);
/// A (semi-)orthogonal matrix: not implemented (ember has no QR decomposition yet), throws NotImplementedError.
EMBER_API Tensor orthogonal_(Tensor tensor, double gain = 1.0,
                             const std::optional<Generator>& generator = std::nullopt);

}  // namespace ember::nn::init
