// ember::nn::functional (libtorch's torch::nn::functional, usually `namespace F = ember::nn::functional;`):
// the stateless forms of the layers. ReLU6 / Hardtanh / LeakyReLU / ELU / Softplus are compositions of
// schema ops equal to Python's ember.nn.functional (values and gradients as PyTorch's, boundaries included).
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/options/activation.h"
#include "ember/util/export.h"

namespace ember::nn::functional {

/// input @ weight.T + bias; input (*, in), weight (out, in), bias (out) or undefined.
EMBER_API Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
/// x1^T A x2 + b: input1 (*, in1), input2 (*, in2), weight (out, in1, in2), bias (out) or undefined.
EMBER_API Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias = {});
/// max(x, 0); options.inplace() writes into input.
EMBER_API Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
/// min(max(x, 0), 6).
EMBER_API Tensor relu6(Tensor input, const ReLU6FuncOptions& options = {});
/// clamp(x, min_val, max_val), gradient 1 strictly inside the interval.
EMBER_API Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options = {});
/// x for x > 0, negative_slope * x otherwise.
EMBER_API Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options = {});
/// x for x > 0, alpha * (exp(x) - 1) otherwise.
EMBER_API Tensor elu(Tensor input, const ELUFuncOptions& options = {});
/// x * Phi(x); approximate("tanh") for the tanh form.
EMBER_API Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
/// x * sigmoid(x).
EMBER_API Tensor silu(const Tensor& input);
/// log(1 + exp(beta * x)) / beta, and x where beta * x > threshold.
EMBER_API Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options = {});
/// softmax along options.dim() (computed in options.dtype() when set).
EMBER_API Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
/// log_softmax along options.dim().
EMBER_API Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);

}  // namespace ember::nn::functional

#include "ember/nn/functional/layers.h"
#include "ember/nn/functional/loss.h"
