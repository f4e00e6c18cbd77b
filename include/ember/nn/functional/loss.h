// nn::functional losses (libtorch's torch/nn/functional/loss.h) over the schema loss ops:
// `F::cross_entropy(logits, target, F::CrossEntropyFuncOptions().label_smoothing(0.1))`,
// `F::mse_loss(x, y, ember::kSum)`.
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/options/loss.h"
#include "ember/util/export.h"

namespace ember::nn::functional {

/// |input - target|, reduced.
EMBER_API Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options = {});
/// (input - target)^2, reduced.
EMBER_API Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {});
/// Cross entropy of logits (N, C, *) or (C,) against class indices or class probabilities.
EMBER_API Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options = {});
/// Negative log likelihood of log-probabilities at class indices.
EMBER_API Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});
/// Binary cross entropy of probabilities.
EMBER_API Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                                      const BinaryCrossEntropyFuncOptions& options = {});
/// Binary cross entropy of sigmoid(input), computed stably from the logits (pos_weight weighs positives).
EMBER_API Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                  const BinaryCrossEntropyWithLogitsFuncOptions& options = {});
/// Huber loss: quadratic below delta, linear (slope delta) above.
EMBER_API Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options = {});
/// Smooth L1: quadratic (divided by beta) below beta, linear above.
EMBER_API Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options = {});
/// KL divergence of log-probabilities input from target (kBatchMean: the sum divided by the batch size).
EMBER_API Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options = {});

}  // namespace ember::nn::functional
