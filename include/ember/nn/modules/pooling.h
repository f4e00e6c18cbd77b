// MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d (libtorch's classes, Python's repr):
// `nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2))`; forward_with_indices for max pooling.
#pragma once
#include <tuple>

#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/pooling.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

#define EMBER_POOL_MODULE(Name, Options, Size, ...)                    \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {          \
   public:                                                             \
    explicit Name##Impl(Size size) : Name##Impl(Options(size)) {}      \
    explicit Name##Impl(const Options& options_);                      \
    void reset() override {}                                           \
    Tensor forward(const Tensor& input);                               \
    __VA_ARGS__                                                        \
    void pretty_print(std::ostream& stream) const override;            \
    Options options;                                                   \
  };                                                                   \
  EMBER_MODULE(Name)

/// 1-D max pooling ("MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)").
EMBER_POOL_MODULE(MaxPool1d, MaxPool1dOptions, ExpandingArray<1>,
                  /** The output and the index of each maximum (Python's return_indices=True). */
                  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input););
/// 2-D max pooling.
EMBER_POOL_MODULE(MaxPool2d, MaxPool2dOptions, ExpandingArray<2>,
                  /** The output and the flat index (h * W + w) of each maximum. */
                  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input););
/// 1-D average pooling ("AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))").
EMBER_POOL_MODULE(AvgPool1d, AvgPool1dOptions, ExpandingArray<1>, );
/// 2-D average pooling.
EMBER_POOL_MODULE(AvgPool2d, AvgPool2dOptions, ExpandingArray<2>, );
/// 1-D adaptive average pooling ("AdaptiveAvgPool1d(output_size=4)").
EMBER_POOL_MODULE(AdaptiveAvgPool1d, AdaptiveAvgPool1dOptions, ExpandingArray<1>, );
/// 2-D adaptive average pooling (an unset size keeps the input's: "output_size=(None, 7)").
EMBER_POOL_MODULE(AdaptiveAvgPool2d, AdaptiveAvgPool2dOptions, ExpandingArrayWithOptionalElem<2>, );

#undef EMBER_POOL_MODULE

}  // namespace ember::nn
