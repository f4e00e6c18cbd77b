// ember::nn::functional: the activations as the same compositions Python's functional.py uses, so
// both languages record the same ops and give the same values and gradients.
#include "ember/nn/functional.h"

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::nn::functional {
namespace {
// In-place forms of compositions compute from a copy (the composition's saved tensors must not be the
// input being overwritten), then write the result into input (Python's _inplace).
template <class Fn>
Tensor inplace(const Tensor& input, const Fn& fn) {
  Tensor out = fn(input.clone());
  input.copy_(out);
  return input;
}

Tensor hardtanh_impl(const Tensor& x, double min_val, double max_val) {
  // where() sends the gradient to x only strictly inside (min_val, max_val), as PyTorch's hardtanh
  Tensor inside = logical_and(x > min_val, x < max_val);
  return where(inside, x, x.detach().clamp(min_val, max_val));
}

Tensor leaky_relu_impl(const Tensor& x, double slope) { return where(x > 0, x, x * slope); }

Tensor elu_impl(const Tensor& x, double alpha) {
  // expm1 of min(x, 0) keeps the unused branch finite; value alpha * expm1(x), gradient alpha * exp(x)
  Tensor xc = x.clamp(std::nullopt, 0);
  Tensor e = exp(xc);
  Tensor neg = expm1(xc.detach()) * alpha + (e - e.detach()) * alpha;
  return where(x > 0, x, neg);
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

Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  if (options.inplace()) return input.relu_();
  return ember::relu(input);
}

Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options) {
  double lo = options.min_val(), hi = options.max_val();
  EMBER_CHECK_VALUE(lo <= hi, "min_val cannot be greater than max_val");
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return hardtanh_impl(x, lo, hi); });
  return hardtanh_impl(input, lo, hi);
}

Tensor relu6(Tensor input, const ReLU6FuncOptions& options) {
  return hardtanh(std::move(input), HardtanhFuncOptions().min_val(0.0).max_val(6.0).inplace(options.inplace()));
}

Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options) {
  double slope = options.negative_slope();
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return leaky_relu_impl(x, slope); });
  return leaky_relu_impl(input, slope);
}

Tensor elu(Tensor input, const ELUFuncOptions& options) {
  double alpha = options.alpha();
  if (options.inplace()) return inplace(input, [&](const Tensor& x) { return elu_impl(x, alpha); });
  return elu_impl(input, alpha);
}

Tensor gelu(const Tensor& input, const GELUFuncOptions& options) { return ember::gelu(input, options.approximate()); }

Tensor silu(const Tensor& input) { return ember::silu(input); }

Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options) {
  double beta = options.beta(), threshold = options.threshold();
  Tensor bx = input * beta;
  Tensor soft = log1p(exp(bx.clamp(std::nullopt, threshold))) / beta;
  return where(bx > threshold, input, soft);
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return ember::softmax(input, options.dim(), options.dtype());
}

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return ember::log_softmax(input, options.dim(), options.dtype());
}

}  // namespace ember::nn::functional
