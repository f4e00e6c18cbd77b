// Options of Linear, Flatten and Unflatten (libtorch's names and defaults).
#pragma once
#include <cstdint>
#include <vector>

#include "ember/arg.h"
#include "ember/util/export.h"

namespace ember::nn {

/// Linear(in_features, out_features).bias(true).
struct EMBER_API LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};

/// Bilinear(in1_features, in2_features, out_features).bias(true).
struct EMBER_API BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in1_features);
  EMBER_ARG(int64_t, in2_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};

/// Flatten(start_dim=1, end_dim=-1).
struct EMBER_API FlattenOptions {
  EMBER_ARG(int64_t, start_dim) = 1;
  EMBER_ARG(int64_t, end_dim) = -1;
};

/// Unflatten(dim, sizes): splits dim into sizes (one may be -1).
struct EMBER_API UnflattenOptions {
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  EMBER_ARG(int64_t, dim);
  EMBER_ARG(std::vector<int64_t>, sizes);
};

}  // namespace ember::nn
