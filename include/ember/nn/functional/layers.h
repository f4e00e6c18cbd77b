// nn::functional for the layers (libtorch's torch/nn/functional/{conv,pooling,normalization,dropout,
// embedding,padding,vision}.h): thin calls of the schema ops with the Options structs, the same ops
// Python's ember.nn.functional calls.
#pragma once
#include <tuple>

#include "ember/core/tensor.h"
#include "ember/nn/options/conv.h"
#include "ember/nn/options/dropout.h"
#include "ember/nn/options/embedding.h"
#include "ember/nn/options/normalization.h"
#include "ember/nn/options/padding.h"
#include "ember/nn/options/pooling.h"
#include "ember/util/export.h"

namespace ember::nn::functional {

/// 1-D convolution of (N, C_in, L) or (C_in, L) with weight (C_out, C_in / groups, k).
EMBER_API Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
/// 2-D convolution of (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in / groups, kH, kW).
EMBER_API Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
/// 1-D transposed convolution with weight (C_in, C_out / groups, k).
EMBER_API Tensor conv_transpose1d(const Tensor& input, const Tensor& weight,
                                  const ConvTranspose1dFuncOptions& options = {});
/// 2-D transposed convolution with weight (C_in, C_out / groups, kH, kW).
EMBER_API Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                                  const ConvTranspose2dFuncOptions& options = {});

/// 1-D max pooling.
EMBER_API Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
/// 1-D max pooling and the index of each maximum.
EMBER_API std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& options);
/// 2-D max pooling.
EMBER_API Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
/// 2-D max pooling and the flat index (h * W + w) of each maximum.
EMBER_API std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& options);
/// 1-D average pooling (divisor_override must be unset).
EMBER_API Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
/// 2-D average pooling.
EMBER_API Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
/// 1-D average pooling to output_size windows.
EMBER_API Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& options);
/// 2-D average pooling to output_size windows (an unset size keeps the input's).
EMBER_API Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);

/// Batch norm over (N, C, *); in training the running stats (when defined) are updated in place.
EMBER_API Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                            const BatchNormFuncOptions& options = {});
/// Layer norm over the trailing normalized_shape dims.
EMBER_API Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);
/// Group norm of (N, C, *) over num_groups groups of channels.
EMBER_API Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);

/// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when training.
EMBER_API Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
/// Zeroes whole channels of (N, C, L) or (C, L) when training.
EMBER_API Tensor dropout1d(Tensor input, const Dropout1dFuncOptions& options = {});
/// Zeroes whole channels of (N, C, H, W) or (C, H, W) when training.
EMBER_API Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options = {});

/// The rows of weight at the indices input (max_norm throws NotImplementedError).
EMBER_API Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {});
/// int64 one-hot encoding of class indices (num_classes -1: max + 1).
EMBER_API Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1);
/// Pads the trailing dims: options.pad() holds (left, right) pairs, last dim first.
EMBER_API Tensor pad(const Tensor& input, const PadFuncOptions& options);
/// Resizes (N, C, H, W) by size or scale_factor, modes kNearest and kBilinear.
EMBER_API Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options = {});

}  // namespace ember::nn::functional
