// AccumulateGrad: the node at a leaf that adds incoming gradients into the leaf's .grad.
#pragma once
#include "ember/autograd/autograd.h"

namespace ember::autograd {

class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor variable) : variable_(std::move(variable)) { set_num_inputs(1); }
  variable_list apply(variable_list&& grads) override;
  std::string name() const override { return "ember::autograd::AccumulateGrad"; }
  const Tensor& variable() const { return variable_; }

 private:
  Tensor variable_;
};

}  // namespace ember::autograd
