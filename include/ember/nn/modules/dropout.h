// Dropout, Dropout1d, Dropout2d (libtorch's classes; active in training mode only; repr as Python's
// "Dropout(p=0.5, inplace=False)"). AlphaDropout is not provided: ember has no alpha_dropout op.
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/dropout.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

#define EMBER_DROPOUT_MODULE(Name)                                                     \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                          \
   public:                                                                             \
    explicit Name##Impl(const DropoutOptions& options_ = {});                          \
    explicit Name##Impl(double p) : Name##Impl(DropoutOptions(p)) {}                   \
    void reset() override;                                                             \
    Tensor forward(Tensor input);                                                      \
    void pretty_print(std::ostream& stream) const override;                            \
    DropoutOptions options;                                                            \
  };                                                                                   \
  EMBER_MODULE(Name)

/// Zeroes each element with probability p, scaling the rest by 1 / (1 - p).
EMBER_DROPOUT_MODULE(Dropout);
/// Zeroes whole channels of (N, C, L) or (C, L).
EMBER_DROPOUT_MODULE(Dropout1d);
/// Zeroes whole channels of (N, C, H, W) or (C, H, W).
EMBER_DROPOUT_MODULE(Dropout2d);

#undef EMBER_DROPOUT_MODULE

}  // namespace ember::nn
