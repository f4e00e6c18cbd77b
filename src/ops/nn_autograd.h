// The nn ops whose backward node is hand-written (convolution, the class losses, batch / layer norm):
// their bodies live in the runtime (src/ops), their nodes in the autograd layer
// (src/autograd/nn_nodes.cpp), which fills these pointers when libember loads (Note [autograd hooks]).
// Each op calls its hook after computing, when grad mode is on and an input requires grad.
#pragma once
#include <optional>

#include "ember/core/tensor.h"

namespace ember::detail {

struct NNAutogradHooks {
  /// ConvolutionBackward0 for out = convolution(input, weight, bias (undefined: none), ...).
  void (*convolution)(const Tensor& out, const Tensor& input, const Tensor& weight, const Tensor& bias,
                      IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, int64_t groups,
                      bool transposed) = nullptr;
  /// CrossEntropyLossBackward0 (nll false: self holds logits, lse their logsumexp) or NllLossBackward0.
  void (*class_loss)(const Tensor& out, const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                     int64_t reduction, int64_t ignore_index, double label_smoothing, const Tensor& lse,
                     const Tensor& total_weight, bool nll) = nullptr;
  /// NativeBatchNormBackward0 (layer false) or NativeLayerNormBackward0.
  void (*norm)(const Tensor& out, const Tensor& input, const std::optional<Tensor>& weight,
               const std::optional<Tensor>& bias, const Tensor& mean, const Tensor& invstd, bool layer, bool train,
               IntArrayRef normalized_shape, double eps) = nullptr;
};

/// Defined in src/ops/convolution.cpp; filled by libember's static initializer.
EMBER_API extern NNAutogradHooks g_nn_autograd;

}  // namespace ember::detail
