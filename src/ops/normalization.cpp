// Normalization (src/ops/normalization.yaml): native_batch_norm and native_layer_norm run one kernel
// each way and record their own node (weight, bias and the running stats are optional tensors, which
// the generator's formulas cannot save); batch_norm / layer_norm / group_norm are composites over them.
#include <string>

#include "core/autograd_hooks.h"
#include "ops/nn_autograd.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

namespace {

bool has(const std::optional<Tensor>& t) { return t && t->defined(); }

void record_norm(const Tensor& out, const Tensor& input, const std::optional<Tensor>& weight,
                 const std::optional<Tensor>& bias, const Tensor& mean, const Tensor& invstd, bool layer, bool train,
                 IntArrayRef normalized_shape, double eps) {
  const Tensor w = weight.value_or(Tensor()), b = bias.value_or(Tensor());
  if (!autograd::GradMode::is_enabled() || !detail::any_requires_grad({&input, &w, &b}) || !detail::g_nn_autograd.norm) return;
  detail::g_nn_autograd.norm(out, input, weight, bias, mean, invstd, layer, train, normalized_shape, eps);
}

void check_param(const char* op, const std::optional<Tensor>& t, const char* what, int64_t c, const Tensor& input) {
  if (!has(t)) return;
  EMBER_CHECK(t->numel() == c, op, ": ", what, " should contain ", c, " elements not ", t->numel());
  EMBER_CHECK(t->dtype() == input.dtype(), op, ": expected ", what, " of dtype ", input.dtype(), ", but got ",
              t->dtype());
}

std::optional<Tensor> contig(const std::optional<Tensor>& t) {
  if (has(t)) return t->contiguous();
  return std::nullopt;
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const std::optional<Tensor>& weight,
                                                     const std::optional<Tensor>& bias,
                                                     const std::optional<Tensor>& running_mean,
                                                     const std::optional<Tensor>& running_var, bool training,
                                                     double momentum, double eps) {
  const char* op = "batch_norm";
  input.check_defined(op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected a 2-D or higher input (N, C, *), but got input of size ",
              input.sizes());
  EMBER_CHECK(is_floating_point(input.dtype()), op, ": expected a floating-point input, but got ", input.dtype());
  int64_t c = input.sizes()[1];
  check_param(op, weight, "weight", c, input);
  check_param(op, bias, "bias", c, input);
  check_param(op, running_mean, "running_mean", c, input);
  check_param(op, running_var, "running_var", c, input);
  EMBER_CHECK(has(running_mean) == has(running_var), op, ": running_mean and running_var must both be given or both "
              "be None");
  if (!training)
    EMBER_CHECK(has(running_mean), op, ": running_mean must be defined in evaluation mode");
  if (training) {
    int64_t per_channel = input.numel() / std::max<int64_t>(c, 1);
    EMBER_CHECK_VALUE(per_channel > 1 || input.numel() == 0, "Expected more than 1 value per channel when training, "
                      "got input size ", input.sizes());
  }
  Tensor out = ember::empty(input.sizes(), input.options());
  Tensor mean = ember::empty({c}, input.options()), invstd = ember::empty({c}, input.options());
  {
    NoGradGuard no_grad;
    int64_t inner = 1;
    for (int64_t d = 2; d < input.dim(); ++d) inner *= input.sizes()[d];
    // The kernel updates the running stats in place; strided ones go through a contiguous copy.
    std::optional<Tensor> rm = contig(running_mean), rv = contig(running_var);
    dispatch::kernel<OpId::native_batch_norm>(input.device().type(), input.dtype())(
        out.view({input.sizes()[0], c, inner}), mean, invstd, input.contiguous().view({input.sizes()[0], c, inner}),
        contig(weight), contig(bias), rm, rv, training, momentum, eps);
    if (training && rm && !rm->is_same(*running_mean)) running_mean->copy_(*rm);
    if (training && rv && !rv->is_same(*running_var)) running_var->copy_(*rv);
  }
  record_norm(out, input, weight, bias, mean, invstd, false, training, {}, eps);
  return {out, mean, invstd};
}

std::tuple<Tensor, Tensor, Tensor> _batch_norm_backward(const Tensor& grad_out, const Tensor& input,
                                                        const std::optional<Tensor>& weight, const Tensor& mean,
                                                        const Tensor& invstd, bool train) {
  input.check_defined("batch_norm_backward");
  EMBER_CHECK(grad_out.sizes().equals(input.sizes()), "batch_norm_backward: expected grad_out of size ",
              input.sizes(), ", but got ", grad_out.sizes());
  int64_t n = input.sizes()[0], c = input.sizes()[1], inner = 1;
  for (int64_t d = 2; d < input.dim(); ++d) inner *= input.sizes()[d];
  Tensor gi = ember::empty(input.sizes(), input.options());
  Tensor gw = ember::empty({c}, input.options()), gb = ember::empty({c}, input.options());
  dispatch::kernel<OpId::_batch_norm_backward>(input.device().type(), input.dtype())(
      gi.view({n, c, inner}), gw, gb, grad_out.to(std::nullopt, input.dtype()).contiguous().view({n, c, inner}),
      input.contiguous().view({n, c, inner}), contig(weight), mean.contiguous(), invstd.contiguous(), train);
  return {gi, gw, gb};
}

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps, bool) {
  return std::get<0>(ember::native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps));
}

std::tuple<Tensor, Tensor, Tensor> native_layer_norm(const Tensor& input, IntArrayRef normalized_shape,
                                                     const std::optional<Tensor>& weight,
                                                     const std::optional<Tensor>& bias, double eps) {
  const char* op = "layer_norm";
  input.check_defined(op);
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  EMBER_CHECK(k >= 1, op, ": Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
              "element, but got normalized_shape = ", normalized_shape);
  bool ok = input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.sizes()[input.dim() - k + i] == normalized_shape[i];
  std::string tail;
  for (int64_t v : normalized_shape) tail += ", " + std::to_string(v);
  EMBER_CHECK(ok, "Given normalized_shape=", normalized_shape, ", expected input with shape [*", tail,
              "], but got input of size", input.sizes());
  for (const auto* t : {&weight, &bias})
    if (has(*t))
      EMBER_CHECK((*t)->sizes().equals(normalized_shape), "Expected ", t == &weight ? "weight" : "bias",
                  " to be of same shape as normalized_shape, but got ", t == &weight ? "weight" : "bias",
                  " of shape ", (*t)->sizes(), " and normalized_shape = ", normalized_shape);
  EMBER_CHECK(is_floating_point(input.dtype()), op, ": expected a floating-point input, but got ", input.dtype());
  int64_t cols = 1, rows = 1;
  for (int64_t v : normalized_shape) cols *= v;
  for (int64_t d = 0; d < input.dim() - k; ++d) rows *= input.sizes()[d];
  DimVector stat_shape;
  for (int64_t d = 0; d < input.dim() - k; ++d) stat_shape.push_back(input.sizes()[d]);
  for (int64_t i = 0; i < k; ++i) stat_shape.push_back(1);
  Tensor out = ember::empty(input.sizes(), input.options());
  Tensor mean = ember::empty(stat_shape, input.options()), rstd = ember::empty(stat_shape, input.options());
  {
    NoGradGuard no_grad;
    dispatch::kernel<OpId::native_layer_norm>(input.device().type(), input.dtype())(
        out.view({rows, cols}), mean.view({rows}), rstd.view({rows}), input.contiguous().view({rows, cols}),
        normalized_shape, contig(weight), contig(bias), eps);
  }
  record_norm(out, input, weight, bias, mean, rstd, true, true, normalized_shape, eps);
  return {out, mean, rstd};
}

std::tuple<Tensor, Tensor, Tensor> _layer_norm_backward(const Tensor& grad_out, const Tensor& input,
                                                        IntArrayRef normalized_shape, const Tensor& mean,
                                                        const Tensor& rstd, const std::optional<Tensor>& weight) {
  input.check_defined("layer_norm_backward");
  EMBER_CHECK(grad_out.sizes().equals(input.sizes()), "layer_norm_backward: expected grad_out of size ",
              input.sizes(), ", but got ", grad_out.sizes());
  int64_t cols = 1;
  for (int64_t v : normalized_shape) cols *= v;
  int64_t rows = cols ? input.numel() / cols : 0;
  Tensor gi = ember::empty(input.sizes(), input.options());
  Tensor gw = ember::empty(normalized_shape, input.options()), gb = ember::empty(normalized_shape, input.options());
  dispatch::kernel<OpId::_layer_norm_backward>(input.device().type(), input.dtype())(
      gi.view({rows, cols}), gw.view({cols}), gb.view({cols}),
      grad_out.to(std::nullopt, input.dtype()).contiguous().view({rows, cols}), input.contiguous().view({rows, cols}),
      normalized_shape, mean.contiguous().view({rows}), rstd.contiguous().view({rows}), contig(weight));
  return {gi, gw, gb};
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool) {
  return std::get<0>(ember::native_layer_norm(input, normalized_shape, weight, bias, eps));
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool) {
  input.check_defined("group_norm");
  EMBER_CHECK(input.dim() >= 2, "group_norm: Expected at least 2 dimensions for input tensor but received ",
              input.dim());
  EMBER_CHECK(num_groups > 0, "group_norm: num_groups must be positive, but got ", num_groups);
  int64_t n = input.sizes()[0], c = input.sizes()[1];
  EMBER_CHECK(c % num_groups == 0, "Expected number of channels in input to be divisible by num_groups, but got input "
              "of shape ", input.sizes(), " and num_groups=", num_groups);
  for (const auto* t : {&weight, &bias})
    if (has(*t))
      EMBER_CHECK((*t)->dim() == 1 && (*t)->numel() == c, "Expected ", t == &weight ? "weight" : "bias",
                  " to be a vector of size equal to the number of channels in input, but got ",
                  t == &weight ? "weight" : "bias", " of shape ", (*t)->sizes(), " and input of shape ", input.sizes());
  int64_t per_group = n ? input.numel() / (n * num_groups) : 0;
  Tensor x = input.reshape({n, num_groups, per_group});
  Tensor y = std::get<0>(ember::native_layer_norm(x, {per_group}, std::nullopt, std::nullopt, eps)).view(input.sizes());
  DimVector shape(static_cast<size_t>(input.dim()), 1);
  shape[1] = c;
  if (has(weight)) y = y * weight->view(shape);
  if (has(bias)) y = y + bias->view(shape);
  return y;
}

}  // namespace ember::native
