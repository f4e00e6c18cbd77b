// Tensor transforms (libtorch's torch/data/transforms/tensor.h): TensorTransform maps the data
// tensor of each example, TensorLambda from a function, Normalize subtracts a mean and divides by
// a standard deviation per channel.
#pragma once
#include <functional>
#include <utility>
#include <vector>

#include "ember/core/tensor_new.h"
#include "ember/data/example.h"
#include "ember/data/transforms/base.h"
#include "ember/gen/functions.h"

namespace ember::data::transforms {

/// Maps the data tensor of every example; the target passes through.
template <typename Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  using E = Example<Tensor, Target>;
  using typename Transform<E, E>::InputType;
  using typename Transform<E, E>::OutputType;
  /// The transformed data tensor.
  virtual Tensor operator()(Tensor input) = 0;
  /// input with its data transformed.
  OutputType apply(InputType input) override {
    input.data = (*this)(std::move(input.data));
    return input;
  }
};

/// A TensorTransform given as a function.
template <typename Target = Tensor>
class TensorLambda : public TensorTransform<Target> {
 public:
  using FunctionType = std::function<Tensor(Tensor)>;
  explicit TensorLambda(FunctionType function) : function_(std::move(function)) {}
  /// function(input).
  Tensor operator()(Tensor input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

/// (data - mean) / stddev, with one mean and stddev per channel (dim -3 of the data: C of CxHxW),
/// or one for every element.
template <typename Target = Tensor>
struct Normalize : public TensorTransform<Target> {
  /// One mean and standard deviation for all elements.
  Normalize(double mean, double stddev) : Normalize(std::vector<double>{mean}, std::vector<double>{stddev}) {}
  /// Per-channel means and standard deviations (of equal count).
  Normalize(ArrayRef<double> mean, ArrayRef<double> stddev)
      : mean(ember::tensor(mean.vec(), TensorOptions(kFloat32)).unsqueeze(-1).unsqueeze(-1)),
        stddev(ember::tensor(stddev.vec(), TensorOptions(kFloat32)).unsqueeze(-1).unsqueeze(-1)) {}
  /// (input - mean) / stddev.
  Tensor operator()(Tensor input) override { return input.sub(mean).div(stddev); }

  Tensor mean, stddev;
};

}  // namespace ember::data::transforms
