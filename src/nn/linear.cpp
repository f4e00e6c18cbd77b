// Linear, Flatten, Unflatten.
#include "ember/nn/modules/linear.h"

#include <cmath>
#include <ostream>

#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "nn/repr.h"

namespace ember::nn {

LinearImpl::LinearImpl(const LinearOptions& options_) : Cloneable("Linear"), options(options_) { reset(); }

void LinearImpl::reset() {
  EMBER_CHECK_VALUE(options.in_features() >= 0 && options.out_features() >= 0,
                    "Linear: in_features and out_features must be non-negative, got in_features=",
                    options.in_features(), ", out_features=", options.out_features());
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(), true);
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(weight);
    (void)fan_out;
    double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
    init::uniform_(bias, -bound, bound);
  }
}

void LinearImpl::on_tensors_replaced() {
  weight = parameters_["weight"];
  bias = parameters_["bias"];
}

Tensor LinearImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() >= 1 && input.size(-1) == options.in_features(), "Linear: expected input with last "
              "dimension ", options.in_features(), " (in_features), but got input of shape ", input.sizes());
  return functional::linear(input, weight, bias);
}

void LinearImpl::pretty_print(std::ostream& stream) const {
  stream << "Linear(in_features=" << options.in_features() << ", out_features=" << options.out_features()
         << ", bias=" << detail::py_bool(options.bias()) << ")";
}

BilinearImpl::BilinearImpl(const BilinearOptions& options_) : Cloneable("Bilinear"), options(options_) { reset(); }

void BilinearImpl::reset() {
  weight = register_parameter("weight", empty({options.out_features(), options.in1_features(), options.in2_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor());
  reset_parameters();
}

void BilinearImpl::reset_parameters() {
  double bound = 1 / std::sqrt(static_cast<double>(weight.size(1)));
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

void BilinearImpl::on_tensors_replaced() {
  weight = parameters_["weight"];
  bias = parameters_["bias"];
}

Tensor BilinearImpl::forward(const Tensor& input1, const Tensor& input2) {
  return functional::bilinear(input1, input2, weight, bias);
}

void BilinearImpl::pretty_print(std::ostream& stream) const {
  stream << "Bilinear(in1_features=" << options.in1_features() << ", in2_features=" << options.in2_features()
         << ", out_features=" << options.out_features() << ", bias=" << detail::py_bool(options.bias()) << ")";
}

FlattenImpl::FlattenImpl(const FlattenOptions& options_) : Cloneable("Flatten"), options(options_) {}

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }

void FlattenImpl::pretty_print(std::ostream& stream) const {
  stream << "Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
}

UnflattenImpl::UnflattenImpl(UnflattenOptions options_) : Cloneable("Unflatten"), options(std::move(options_)) {}

Tensor UnflattenImpl::forward(const Tensor& input) { return input.unflatten(options.dim(), options.sizes()); }

void UnflattenImpl::pretty_print(std::ostream& stream) const {
  // Python prints the tuple it was given: (2, 3), or (4,) for one size
  stream << "Unflatten(dim=" << options.dim() << ", unflattened_size=(";
  const auto& sizes = options.sizes();
  for (size_t i = 0; i < sizes.size(); ++i) stream << (i ? ", " : "") << sizes[i];
  stream << (sizes.size() == 1 ? ",)" : ")") << ")";
}

}  // namespace ember::nn
