// Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d (libtorch's classes; Python's parameter names, default
// initialization and repr): `nn::Conv2d(nn::Conv2dOptions(3, 8, 3).padding(1).bias(false))`.
#pragma once
#include <optional>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/conv.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

/// 1-D convolution; weight (out_channels, in_channels / groups, k) kaiming_uniform_(a=sqrt(5)), bias
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
class EMBER_API Conv1dImpl : public Cloneable<Conv1dImpl> {
 public:
  Conv1dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<1> kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv1dImpl(Conv1dOptions options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  /// "Conv1d(3, 8, kernel_size=(3,), stride=(1,))".
  void pretty_print(std::ostream& stream) const override;
  Conv1dOptions options;
  Tensor weight;
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(Conv1d);

/// 2-D convolution; weight (out_channels, in_channels / groups, kH, kW).
class EMBER_API Conv2dImpl : public Cloneable<Conv2dImpl> {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(Conv2dOptions options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  /// "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))".
  void pretty_print(std::ostream& stream) const override;
  Conv2dOptions options;
  Tensor weight;
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(Conv2d);

/// 1-D transposed convolution; weight (in_channels, out_channels / groups, k).
class EMBER_API ConvTranspose1dImpl : public Cloneable<ConvTranspose1dImpl> {
 public:
  ConvTranspose1dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<1> kernel_size)
      : ConvTranspose1dImpl(ConvTranspose1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose1dImpl(ConvTranspose1dOptions options);
  void reset() override;
  void reset_parameters();
  /// output_size (with or without the batch and channel dims) picks the output_padding.
  Tensor forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size = std::nullopt);
  void pretty_print(std::ostream& stream) const override;
  ConvTranspose1dOptions options;
  Tensor weight;
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(ConvTranspose1d);

/// 2-D transposed convolution; weight (in_channels, out_channels / groups, kH, kW).
class EMBER_API ConvTranspose2dImpl : public Cloneable<ConvTranspose2dImpl> {
 public:
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(ConvTranspose2dOptions options);
  void reset() override;
  void reset_parameters();
  /// output_size (with or without the batch and channel dims) picks the output_padding.
  Tensor forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size = std::nullopt);
  void pretty_print(std::ostream& stream) const override;
  ConvTranspose2dOptions options;
  Tensor weight;
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(ConvTranspose2d);

}  // namespace ember::nn
