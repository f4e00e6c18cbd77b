// Options of F::pad and F::interpolate (libtorch's PadFuncOptions and InterpolateFuncOptions).
#pragma once
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ember/arg.h"
#include "ember/enum.h"

namespace ember::nn::functional {

/// F::pad(x, PadFuncOptions({1, 1, 2, 2}).mode(ember::kReflect).value(0)): (left, right) pairs, last dim first.
struct PadFuncOptions {
  using mode_t = std::variant<enumtype::kConstant, enumtype::kReflect, enumtype::kReplicate, enumtype::kCircular>;
  /* implicit */ PadFuncOptions(std::vector<int64_t> pad) : pad_(std::move(pad)) {}  // NOLINT
  EMBER_ARG(std::vector<int64_t>, pad);
  EMBER_ARG(mode_t, mode) = ember::kConstant;
  EMBER_ARG(double, value) = 0;
};

/// F::interpolate(x, InterpolateFuncOptions().size({8, 8}).mode(ember::kBilinear).align_corners(false)):
/// 4-D inputs, modes kNearest and kBilinear (others throw NotImplementedError).
struct InterpolateFuncOptions {
  using mode_t = std::variant<enumtype::kNearest, enumtype::kBilinear, enumtype::kLinear>;
  EMBER_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  EMBER_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  EMBER_ARG(mode_t, mode) = ember::kNearest;
  EMBER_ARG(std::optional<bool>, align_corners) = std::nullopt;
  EMBER_ARG(std::optional<bool>, recompute_scale_factor) = std::nullopt;
  EMBER_ARG(bool, antialias) = false;
};

}  // namespace ember::nn::functional
