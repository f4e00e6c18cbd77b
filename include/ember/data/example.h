// data::Example (libtorch's torch/data/example.h): one sample, a data and a target.
#pragma once
#include "ember/core/tensor.h"

namespace ember::data {

/// One sample: data and target (Example<Tensor, example::NoTarget> has data only).
template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}
  Data data;
  Target target;
};

namespace example {
/// The Target of an example without a target.
using NoTarget = void;
}  // namespace example

/// An example with data only.
template <typename Data>
struct Example<Data, example::NoTarget> {
  using DataType = Data;
  using TargetType = example::NoTarget;
  Example() = default;
  /*implicit*/ Example(Data data) : data(std::move(data)) {}  // NOLINT: as libtorch, a Tensor converts
  operator Data&() { return data; }
  operator const Data&() const { return data; }
  Data data;
};

/// An example holding one tensor and no target.
using TensorExample = Example<Tensor, example::NoTarget>;

}  // namespace ember::data
