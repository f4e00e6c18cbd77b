// ember::nn::functional: libtorch's functional API over the schema ops (ember::hardtanh, ember::elu, ...),
// the same ops Python's ember.nn.functional calls, so both languages give the same values and gradients.
#include "ember/nn/functional.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::nn::functional {
namespace {
// In-place forms compute from a copy (the op's saved tensors must not be the input being overwritten),
// then write the result into input (Python's _apply in ember/nn/_functional/activation.py).
template <class Fn>
Tensor inplace(const Tensor& input, const Fn& fn) {
  Tensor out = fn(input.clone());
  input.copy_(out);
  return input;
}

}  // namespace

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  input.check_defined("linear");
  weight.check_defined("linear");
  if (bias.defined()) {
    if (input.dim() == 2) return addmm(bias, input, weight.t());
    if (input.dim() > 2 && input.is_contiguous()) {
      // (*, K) as one (M, K) GEMM with the bias fused, then back to (*, N)
      Tensor out = addmm(bias, input.reshape({-1, input.size(-1)}), weight.t());
      std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end() - 1);
      shape.push_back(out.size(-1));
      return out.reshape(shape);
    }
  }
  Tensor out = input.matmul(weight.t());
  if (bias.defined()) out = out + bias;
  return out;
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias) {
  // Python's F.bilinear: (N, in1) @ (in1, out * in2) -> (N, out, in2), then contract in2 with x2
  input1.check_defined("bilinear");
  input2.check_defined("bilinear");
  weight.check_defined("bilinear");
  std::vector<int64_t> lead1(input1.sizes().begin(), input1.sizes().end() - 1);
  std::vector<int64_t> lead2(input2.sizes().begin(), input2.sizes().end() - 1);
  EMBER_CHECK(lead1 == lead2, "bilinear(): input batch dimensions do not match: got ", IntArrayRef(lead1), " and ",
              IntArrayRef(lead2));
  EMBER_CHECK(weight.dim() == 3 && weight.size(1) == input1.size(-1) && weight.size(2) == input2.size(-1),
              "bilinear(): weight of shape ", weight.sizes(), " does not fit inputs of sizes ", input1.size(-1),
              " and ", input2.size(-1), " (expected [out, ", input1.size(-1), ", ", input2.size(-1), "])");
  Tensor x1 = input1.reshape({-1, input1.size(-1)});
  Tensor x2 = input2.reshape({-1, input2.size(-1)});
  Tensor t = x1.matmul(weight.permute({1, 0, 2}).reshape({weight.size(1), -1})).reshape({x1.size(0), weight.size(0), -1});
  Tensor out = (t * x2.unsqueeze(1)).sum(-1);
  if (bias.defined()) out = out + bias;
  lead1.push_back(weight.size(0));
  return out.reshape(lead1);
}

Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  if (options.inplace()) return input.relu_();
  return ember::relu(input);
}

Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options) {
  double lo = options.min_val(), hi = options.max_val();
  EMBER_CHECK_VALUE(lo <= hi, "min_val cannot be greater than max_val");
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return ember::hardtanh(x, lo, hi); });
  return ember::hardtanh(input, lo, hi);
}

Tensor relu6(Tensor input, const ReLU6FuncOptions& options) {
  return hardtanh(std::move(input), HardtanhFuncOptions().min_val(0.0).max_val(6.0).inplace(options.inplace()));
}

Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options) {
  double slope = options.negative_slope();
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return ember::leaky_relu(x, slope); });
  return ember::leaky_relu(input, slope);
}

Tensor elu(Tensor input, const ELUFuncOptions& options) {
  double alpha = options.alpha();
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return ember::elu(x, alpha); });
  return ember::elu(input, alpha);
}

Tensor gelu(const Tensor& input, const GELUFuncOptions& options) { return ember::gelu(input, options.approximate()); }

Tensor silu(const Tensor& input) { return ember::silu(input); }

Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options) {
  return ember::softplus(input, options.beta(), options.threshold());
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return ember::softmax(input, options.dim(), options.dtype());
}

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return ember::log_softmax(input, options.dim(), options.dtype());
}

}  // namespace ember::nn::functional
