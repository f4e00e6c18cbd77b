// Options of BatchNorm1d/2d, LayerNorm, GroupNorm and their functional forms (libtorch's names and
// defaults): `BatchNorm2dOptions(64).momentum(0.01).affine(false)`; momentum(std::nullopt) is a
// cumulative moving average, as Python's momentum=None.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "ember/arg.h"
#include "ember/core/tensor.h"

namespace ember::nn {

/// BatchNorm{1,2}d(num_features).eps(1e-5).momentum(0.1).affine(true).track_running_stats(true).bias(true)
/// (bias: PyTorch 2.13's keyword; false registers no bias).
struct BatchNormOptions {
  /* implicit */ BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT
  EMBER_ARG(int64_t, num_features);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(std::optional<double>, momentum) = 0.1;
  EMBER_ARG(bool, affine) = true;
  EMBER_ARG(bool, track_running_stats) = true;
  EMBER_ARG(bool, bias) = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;

/// LayerNorm(normalized_shape).eps(1e-5).elementwise_affine(true).bias(true).
struct LayerNormOptions {
  /* implicit */ LayerNormOptions(std::vector<int64_t> normalized_shape)  // NOLINT
      : normalized_shape_(std::move(normalized_shape)) {}
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(bool, elementwise_affine) = true;
  EMBER_ARG(bool, bias) = true;
};

/// GroupNorm(num_groups, num_channels).eps(1e-5).affine(true).bias(true).
struct GroupNormOptions {
  GroupNormOptions(int64_t num_groups, int64_t num_channels) : num_groups_(num_groups), num_channels_(num_channels) {}
  EMBER_ARG(int64_t, num_groups);
  EMBER_ARG(int64_t, num_channels);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(bool, affine) = true;
  EMBER_ARG(bool, bias) = true;
};

namespace functional {
/// F::batch_norm(x, running_mean, running_var, BatchNormFuncOptions().weight(w).bias(b).training(true)
/// .momentum(0.1).eps(1e-5)).
struct BatchNormFuncOptions {
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(bool, training) = false;
  EMBER_ARG(std::optional<double>, momentum) = 0.1;
  EMBER_ARG(double, eps) = 1e-5;
};

/// F::layer_norm(x, LayerNormFuncOptions({4}).weight(w).bias(b).eps(1e-5)).
struct LayerNormFuncOptions {
  /* implicit */ LayerNormFuncOptions(std::vector<int64_t> normalized_shape)  // NOLINT
      : normalized_shape_(std::move(normalized_shape)) {}
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(double, eps) = 1e-5;
};

/// F::group_norm(x, GroupNormFuncOptions(num_groups).weight(w).bias(b).eps(1e-5)).
struct GroupNormFuncOptions {
  /* implicit */ GroupNormFuncOptions(int64_t num_groups) : num_groups_(num_groups) {}  // NOLINT
  EMBER_ARG(int64_t, num_groups);
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(double, eps) = 1e-5;
};
}  // namespace functional

}  // namespace ember::nn
