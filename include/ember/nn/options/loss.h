// Options of the loss modules and their functional forms (libtorch's names and defaults). A reduction is
// ember::kNone, ember::kMean or ember::kSum (kl_div adds kBatchMean), given to the constructor or set:
// `MSELossOptions(ember::kSum)`, `CrossEntropyLossOptions().ignore_index(0).reduction(ember::kSum)`,
// `F::mse_loss(x, y, ember::kSum)`.
#pragma once
#include <cstdint>
#include <type_traits>

#include "ember/arg.h"
#include "ember/core/tensor.h"
#include "ember/enum.h"

// The constructors of an options struct whose only positional argument is its reduction.
#define EMBER_LOSS_REDUCTION_CTORS(Name, Variant)                                                     \
  Name() = default;                                                                                  \
  template <class E, class = std::enable_if_t<std::is_constructible_v<Variant, E>>>                  \
  /* implicit */ Name(E reduction) : reduction_(reduction) {} /* NOLINT */

namespace ember::nn {

/// L1Loss(reduction=kMean).
struct L1LossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(L1LossOptions, reduction_t)
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
};

/// MSELoss(reduction=kMean).
struct MSELossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(MSELossOptions, reduction_t)
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
};

/// CrossEntropyLoss: weight (per class), ignore_index(-100), reduction(kMean), label_smoothing(0).
struct CrossEntropyLossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(CrossEntropyLossOptions, reduction_t)
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
  EMBER_ARG(double, label_smoothing) = 0.0;
};

/// NLLLoss: weight, ignore_index(-100), reduction(kMean).
struct NLLLossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(NLLLossOptions, reduction_t)
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
};

/// BCELoss: weight, reduction(kMean).
struct BCELossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(BCELossOptions, reduction_t)
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
};

/// BCEWithLogitsLoss: weight, reduction(kMean), pos_weight.
struct BCEWithLogitsLossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(BCEWithLogitsLossOptions, reduction_t)
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
  EMBER_ARG(Tensor, pos_weight) = Tensor();
};

/// HuberLoss: reduction(kMean), delta(1.0).
struct HuberLossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(HuberLossOptions, reduction_t)
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
  EMBER_ARG(double, delta) = 1.0;
};

/// SmoothL1Loss: reduction(kMean), beta(1.0).
struct SmoothL1LossOptions {
  using reduction_t = enumtype::Reduction;
  EMBER_LOSS_REDUCTION_CTORS(SmoothL1LossOptions, reduction_t)
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
  EMBER_ARG(double, beta) = 1.0;
};

/// KLDivLoss: reduction(kMean; kBatchMean divides the sum by the batch size), log_target(false).
struct KLDivLossOptions {
  using reduction_t = enumtype::KLDivReduction;
  EMBER_LOSS_REDUCTION_CTORS(KLDivLossOptions, reduction_t)
  EMBER_ARG(reduction_t, reduction) = ember::kMean;
  EMBER_ARG(bool, log_target) = false;
};

namespace functional {
using L1LossFuncOptions = L1LossOptions;
using MSELossFuncOptions = MSELossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using KLDivFuncOptions = KLDivLossOptions;
}  // namespace functional

}  // namespace ember::nn

#undef EMBER_LOSS_REDUCTION_CTORS
