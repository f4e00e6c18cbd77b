// Normalization (src/ops/normalization.yaml): native_batch_norm and native_layer_norm run one kernel
// each way and record their own node (weight, bias and the running stats are optional tensors, which
// the generator's formulas cannot save); batch_norm / layer_norm / group_norm are composites over them.
#include <string>

#include "ember/autograd/autograd.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

namespace {

bool has(const std::optional<Tensor>& t) { return t && t->defined(); }

/// The gradients of a normalization: input, then weight and bias where they were given.
struct NormBackward final : autograd::Node {
  autograd::SavedVariable input_, weight_, mean_, invstd_;
  bool has_weight = false, has_bias = false, layer = false, train = true;
  DimVector normalized_shape;
  double eps = 1e-5;
  std::string name() const override { return layer ? "NativeLayerNormBackward0" : "NativeBatchNormBackward0"; }
  void release_variables() override {
    input_.reset();
    weight_.reset();
    mean_.reset();
    invstd_.reset();
  }
  autograd::variable_list apply(autograd::variable_list&& grads) override {
    size_t n = 1 + has_weight + has_bias;
    autograd::variable_list out(n);
    if (!grads[0].defined()) return out;
    std::optional<Tensor> w;
    if (has_weight) w = weight_.unpack();
    Tensor input = input_.unpack();
    if (autograd::GradMode::is_enabled() &&
        (grads[0].requires_grad() || input.requires_grad() || (w && w->requires_grad())))
      return differentiable(grads[0], input, w);  // create_graph: double backward
    auto r = layer ? ember::_layer_norm_backward(grads[0], input, normalized_shape, mean_.unpack(), invstd_.unpack(), w)
                   : ember::_batch_norm_backward(grads[0], input, w, mean_.unpack(), invstd_.unpack(), train);
    out[0] = std::get<0>(r);
    if (has_weight) out[1] = std::get<1>(r);
    if (has_bias) out[n - 1] = std::get<2>(r);
    return out;
  }

  /// The same gradients through differentiable ops (create_graph=True): the statistics recomputed from
  /// the input as ops (in eval mode the running ones are constants), then
  /// dx = rstd (w g - mean(w g) - xhat mean(w g xhat)), dw = sum(g xhat), db = sum(g).
  autograd::variable_list differentiable(const Tensor& g, const Tensor& x, const std::optional<Tensor>& w) {
    size_t n = 1 + has_weight + has_bias;
    autograd::variable_list out(n);
    const int64_t k = layer ? static_cast<int64_t>(normalized_shape.size()) : 0;
    // dims: where the statistics are taken; pdims: what the weight / bias gradients sum over.
    // Layer norm: the trailing normalized dims / the leading ones. Batch norm: (N, *) for both.
    DimVector dims, pdims, pshape(static_cast<size_t>(x.dim()), 1);
    for (int64_t d = 0; d < x.dim(); ++d) {
      if (layer) (d >= x.dim() - k ? dims : pdims).push_back(d);
      else if (d != 1) dims.push_back(d), pdims.push_back(d);
    }
    if (!layer) pshape[1] = x.sizes()[1];
    Tensor mean, rstd;
    if (layer || train) {
      mean = x.mean(IntArrayRef(dims), true);
      rstd = ember::rsqrt(ember::square(x - mean).mean(IntArrayRef(dims), true) + eps);
    } else {
      mean = mean_.unpack().view(pshape);
      rstd = invstd_.unpack().view(pshape);
    }
    Tensor xhat = (x - mean) * rstd;
    Tensor wg = w ? g * (layer ? *w : w->view(pshape)) : g;
    if (layer || train)
      out[0] = rstd * (wg - wg.mean(IntArrayRef(dims), true) - xhat * (wg * xhat).mean(IntArrayRef(dims), true));
    else
      out[0] = wg * rstd;
    auto param_sum = [&](const Tensor& t) { return pdims.empty() ? t : t.sum(IntArrayRef(pdims)); };
    if (has_weight) out[1] = param_sum(g * xhat);
    if (has_bias) out[n - 1] = param_sum(g);
    return out;
  }
};

void record_norm(const Tensor& out, const Tensor& input, const std::optional<Tensor>& weight,
                 const std::optional<Tensor>& bias, const Tensor& mean, const Tensor& invstd, bool layer, bool train,
                 IntArrayRef normalized_shape, double eps) {
  const Tensor w = weight.value_or(Tensor()), b = bias.value_or(Tensor());
  if (!autograd::GradMode::is_enabled() || !autograd::any_requires_grad({&input, &w, &b})) return;
  auto node = autograd::make_node<NormBackward>();
  node->has_weight = w.defined();
  node->has_bias = b.defined();
  node->layer = layer;
  node->train = train;
  node->normalized_shape = DimVector(normalized_shape);
  node->eps = eps;
  node->reserve_next_edges(1 + node->has_weight + node->has_bias);
  node->add_next_edge(autograd::gradient_edge(input));
  if (w.defined()) node->add_next_edge(autograd::gradient_edge(w));
  if (b.defined()) node->add_next_edge(autograd::gradient_edge(b));
  node->input_.save(input, false);
  if (w.defined()) node->weight_.save(w, false);
  node->mean_.save(mean, false);
  node->invstd_.save(invstd, false);
  if (autograd::AnomalyMode::is_enabled()) node->set_creation_trace(autograd::current_trace());
  autograd::set_history(out, std::shared_ptr<autograd::Node>(node));
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
    autograd::NoGradGuard no_grad;
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
    autograd::NoGradGuard no_grad;
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
