// Options of the convolution modules and of F::conv1d/2d, F::conv_transpose1d/2d (libtorch's names and
// defaults): `Conv2dOptions(3, 8, 3).stride(2).padding(1).bias(false)`, `.padding(ember::kSame)`.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <variant>

#include "ember/arg.h"
#include "ember/core/tensor.h"
#include "ember/enum.h"
#include "ember/expanding_array.h"

namespace ember::nn {
namespace detail {
/// A convolution's padding: sizes, ember::kValid or ember::kSame.
template <size_t D>
using conv_padding_t = std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>;
/// How a convolution pads: ember::kZeros, kReflect, kReplicate or kCircular.
using conv_padding_mode_t = std::variant<enumtype::kZeros, enumtype::kReflect, enumtype::kReplicate,
                                         enumtype::kCircular>;
}  // namespace detail

/// Conv{1,2}d(in_channels, out_channels, kernel_size).stride(1).padding(0).dilation(1).groups(1).bias(true)
/// .padding_mode(kZeros).
template <size_t D>
struct ConvOptions {
  using padding_t = detail::conv_padding_t<D>;
  using padding_mode_t = detail::conv_padding_mode_t;
  ConvOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(padding_t, padding) = 0;

 public:
  /// padding({1, 2}): one size per spatial dim.
  ConvOptions& padding(std::initializer_list<int64_t> sizes) { return padding(padding_t(ExpandingArray<D>(sizes))); }
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(padding_mode_t, padding_mode) = ember::kZeros;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

/// ConvTranspose{1,2}d(in_channels, out_channels, kernel_size).stride(1).padding(0).output_padding(0)
/// .groups(1).bias(true).dilation(1).padding_mode(kZeros) (only kZeros is supported, as in PyTorch).
template <size_t D>
struct ConvTransposeOptions {
  using padding_mode_t = detail::conv_padding_mode_t;
  ConvTransposeOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(ExpandingArray<D>, output_padding) = 0;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  EMBER_ARG(padding_mode_t, padding_mode) = ember::kZeros;
};
using ConvTranspose1dOptions = ConvTransposeOptions<1>;
using ConvTranspose2dOptions = ConvTransposeOptions<2>;

namespace functional {
/// F::conv2d(x, w, Conv2dFuncOptions().bias(b).stride(2).padding(1).dilation(1).groups(1)).
template <size_t D>
struct ConvFuncOptions {
  using padding_t = detail::conv_padding_t<D>;
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(padding_t, padding) = 0;

 public:
  ConvFuncOptions& padding(std::initializer_list<int64_t> sizes) {
    return padding(padding_t(ExpandingArray<D>(sizes)));
  }
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;

/// F::conv_transpose2d(x, w, ConvTranspose2dFuncOptions().bias(b).stride(2).output_padding(1)).
template <size_t D>
struct ConvTransposeFuncOptions {
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(ExpandingArray<D>, output_padding) = 0;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
};
using ConvTranspose1dFuncOptions = ConvTransposeFuncOptions<1>;
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;
}  // namespace functional

}  // namespace ember::nn
