// Options of Dropout, Dropout1d, Dropout2d and F::dropout / dropout1d / dropout2d (libtorch's names).
#pragma once
#include "ember/arg.h"

namespace ember::nn {

/// Dropout(p=0.5).inplace(false); p must lie in [0, 1].
struct DropoutOptions {
  /* implicit */ DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  EMBER_ARG(double, p);
  EMBER_ARG(bool, inplace) = false;
};
using Dropout1dOptions = DropoutOptions;
using Dropout2dOptions = DropoutOptions;

namespace functional {
/// F::dropout(x, DropoutFuncOptions().p(0.5).training(true).inplace(false)).
struct DropoutFuncOptions {
  EMBER_ARG(double, p) = 0.5;
  EMBER_ARG(bool, training) = true;
  EMBER_ARG(bool, inplace) = false;
};
using Dropout1dFuncOptions = DropoutFuncOptions;
using Dropout2dFuncOptions = DropoutFuncOptions;
}  // namespace functional

}  // namespace ember::nn
