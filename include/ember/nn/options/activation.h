// Options of the activation modules and their functional forms (libtorch's names and defaults;
// functional::XFuncOptions is XOptions except for softmax / log_softmax, which add dtype).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "ember/arg.h"
#include "ember/core/dtype.h"
#include "ember/util/export.h"

namespace ember::nn {

/// ReLU(inplace=false).
struct EMBER_API ReLUOptions {
  /* implicit */ ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  EMBER_ARG(bool, inplace);
};

/// ReLU6(inplace=false).
struct EMBER_API ReLU6Options {
  /* implicit */ ReLU6Options(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  EMBER_ARG(bool, inplace);
};

/// LeakyReLU(negative_slope=1e-2, inplace=false).
struct EMBER_API LeakyReLUOptions {
  EMBER_ARG(double, negative_slope) = 1e-2;
  EMBER_ARG(bool, inplace) = false;
};

/// ELU(alpha=1.0, inplace=false).
struct EMBER_API ELUOptions {
  EMBER_ARG(double, alpha) = 1.0;
  EMBER_ARG(bool, inplace) = false;
};

/// GELU(approximate="none"), "tanh" for the tanh form.
struct EMBER_API GELUOptions {
  EMBER_ARG(std::string, approximate) = "none";
};

/// Softplus(beta=1.0, threshold=20.0).
struct EMBER_API SoftplusOptions {
  EMBER_ARG(double, beta) = 1.0;
  EMBER_ARG(double, threshold) = 20.0;
};

/// Hardtanh(min_val=-1.0, max_val=1.0, inplace=false).
struct EMBER_API HardtanhOptions {
  EMBER_ARG(double, min_val) = -1.0;
  EMBER_ARG(double, max_val) = 1.0;
  EMBER_ARG(bool, inplace) = false;
};

/// Softmax(dim).
struct EMBER_API SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  EMBER_ARG(int64_t, dim);
};

/// LogSoftmax(dim).
struct EMBER_API LogSoftmaxOptions {
  LogSoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  EMBER_ARG(int64_t, dim);
};

namespace functional {
using ReLUFuncOptions = ReLUOptions;
using ReLU6FuncOptions = ReLU6Options;
using LeakyReLUFuncOptions = LeakyReLUOptions;
using ELUFuncOptions = ELUOptions;
using GELUFuncOptions = GELUOptions;
using SoftplusFuncOptions = SoftplusOptions;
using HardtanhFuncOptions = HardtanhOptions;

/// F::softmax(x, SoftmaxFuncOptions(dim).dtype(kFloat64)).
struct EMBER_API SoftmaxFuncOptions {
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  EMBER_ARG(int64_t, dim);
  EMBER_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};

/// F::log_softmax(x, LogSoftmaxFuncOptions(dim).dtype(kFloat64)).
struct EMBER_API LogSoftmaxFuncOptions {
  LogSoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  EMBER_ARG(int64_t, dim);
  EMBER_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
}  // namespace functional

}  // namespace ember::nn
