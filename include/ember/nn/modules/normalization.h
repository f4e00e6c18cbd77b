// BatchNorm1d/2d, LayerNorm, GroupNorm (libtorch's classes; Python's parameters, buffers
// running_mean / running_var / num_batches_tracked, defaults, momentum rule and repr).
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/options/normalization.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

// BatchNorm1d and BatchNorm2d differ only in the input dims they accept; their members share one
// implementation (src/nn/normalization.cpp). Training: batch statistics, the running stats updated with
// momentum (a cumulative average when momentum is unset) and num_batches_tracked += 1; eval: the running
// stats (batch statistics when track_running_stats is false).

/// Batch norm over (N, C) or (N, C, L).
class EMBER_API BatchNorm1dImpl : public Cloneable<BatchNorm1dImpl> {
 public:
  explicit BatchNorm1dImpl(const BatchNorm1dOptions& options_);
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  Tensor forward(const Tensor& input);
  /// "BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)".
  void pretty_print(std::ostream& stream) const override;
  BatchNorm1dOptions options;
  /// weight / bias (affine; else undefined), running stats (track_running_stats; num_batches_tracked int64).
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(BatchNorm1d);

/// Batch norm over (N, C, H, W).
class EMBER_API BatchNorm2dImpl : public Cloneable<BatchNorm2dImpl> {
 public:
  explicit BatchNorm2dImpl(const BatchNorm2dOptions& options_);
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  BatchNorm2dOptions options;
  /// weight / bias (affine; else undefined), running stats (track_running_stats; num_batches_tracked int64).
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(BatchNorm2d);

/// Layer norm over the trailing normalized_shape dims ("LayerNorm((10,), eps=1e-05, elementwise_affine=True)").
class EMBER_API LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape) : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options_);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  LayerNormOptions options;
  Tensor weight, bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(LayerNorm);

/// Group norm of (N, C, *) ("GroupNorm(2, 4, eps=1e-05, affine=True)").
class EMBER_API GroupNormImpl : public Cloneable<GroupNormImpl> {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels)
      : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options_);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  GroupNormOptions options;
  Tensor weight, bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(GroupNorm);

}  // namespace ember::nn
