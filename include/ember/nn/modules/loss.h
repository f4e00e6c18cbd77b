// The loss modules (libtorch's classes: forward(input, target) is one nn::functional call with the
// options; repr "MSELoss()" as Python's). Per-class weight / pos_weight are registered buffers, as in
// Python (state_dict keys "weight", "pos_weight" when given).
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/loss.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

#define EMBER_LOSS_MODULE(Name)                                                  \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                    \
   public:                                                                       \
    explicit Name##Impl(Name##Options options_ = {});                            \
    void reset() override;                                                       \
    Tensor forward(const Tensor& input, const Tensor& target);                   \
    void pretty_print(std::ostream& stream) const override;                      \
    Name##Options options;                                                       \
                                                                                 \
   protected:                                                                    \
    void on_tensors_replaced() override;                                         \
  };                                                                             \
  EMBER_MODULE(Name)

/// |input - target|, reduced.
EMBER_LOSS_MODULE(L1Loss);
/// (input - target)^2, reduced.
EMBER_LOSS_MODULE(MSELoss);
/// Cross entropy of logits against class indices or probabilities.
EMBER_LOSS_MODULE(CrossEntropyLoss);
/// Negative log likelihood of log-probabilities.
EMBER_LOSS_MODULE(NLLLoss);
/// Binary cross entropy of probabilities.
EMBER_LOSS_MODULE(BCELoss);
/// Binary cross entropy of logits (pos_weight weighs the positives).
EMBER_LOSS_MODULE(BCEWithLogitsLoss);
/// Huber loss.
EMBER_LOSS_MODULE(HuberLoss);
/// Smooth L1 loss.
EMBER_LOSS_MODULE(SmoothL1Loss);
/// KL divergence.
EMBER_LOSS_MODULE(KLDivLoss);

#undef EMBER_LOSS_MODULE

}  // namespace ember::nn
