// Linear, Identity, Flatten, Unflatten (libtorch's classes; Python's parameter names and repr).
#pragma once
#include <cstdint>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/module.h"
#include "ember/nn/options/linear.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

/// y = x @ weight.T + bias; weight (out, in) starts kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(in), 1/sqrt(in)).
class EMBER_API LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  /// Re-creates and registers weight (and bias), then reset_parameters().
  void reset() override;
  /// Re-draws weight and bias with the default initialization.
  void reset_parameters();
  Tensor forward(const Tensor& input);
  /// "Linear(in_features=3, out_features=4, bias=True)".
  void pretty_print(std::ostream& stream) const override;

  LinearOptions options;
  /// (out_features, in_features).
  Tensor weight;
  /// (out_features), undefined when options.bias() is false.
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(Linear);

/// y = x1^T A x2 + b; weight (out, in1, in2) and bias start U(-1/sqrt(in1), 1/sqrt(in1)).
class EMBER_API BilinearImpl : public Cloneable<BilinearImpl> {
 public:
  BilinearImpl(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : BilinearImpl(BilinearOptions(in1_features, in2_features, out_features)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input1, const Tensor& input2);
  /// "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)".
  void pretty_print(std::ostream& stream) const override;
  BilinearOptions options;
  Tensor weight;
  Tensor bias;

 protected:
  void on_tensors_replaced() override;
};
EMBER_MODULE(Bilinear);

/// Returns its input.
class EMBER_API IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  IdentityImpl() : Cloneable("Identity") {}
  void reset() override {}
  /// Any constructor arguments are ignored, as in PyTorch.
  template <class... Args, class = std::enable_if_t<(sizeof...(Args) > 0)>>
  explicit IdentityImpl(Args&&...) : IdentityImpl() {}
  Tensor forward(const Tensor& input) { return input; }
};
EMBER_MODULE(Identity);

/// Flattens dims start_dim..end_dim into one.
class EMBER_API FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {});
  void reset() override {}
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  FlattenOptions options;
};
EMBER_MODULE(Flatten);

/// Splits dim into sizes.
class EMBER_API UnflattenImpl : public Cloneable<UnflattenImpl> {
 public:
  void reset() override {}
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes) : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  explicit UnflattenImpl(UnflattenOptions options);
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  UnflattenOptions options;
};
EMBER_MODULE(Unflatten);

}  // namespace ember::nn
