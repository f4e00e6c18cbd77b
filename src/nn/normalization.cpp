// BatchNorm1d/2d, LayerNorm, GroupNorm: Python's parameters, buffers, initialization, momentum rule and
// repr (python/ember/nn/modules/normalization.py); the math is the schema ops' (F::batch_norm, ...).
#include "ember/nn/modules/normalization.h"

#include <ostream>

#include "ember/core/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;
using detail::py_bool;
using detail::py_float;

namespace {
template <class Impl>
void bn_reset(Impl& m) {
  const auto& o = m.options;
  int64_t n = o.num_features();
  m.weight = m.register_parameter("weight", o.affine() ? empty({n}) : Tensor());
  m.bias = m.register_parameter("bias", o.affine() && o.bias() ? empty({n}) : Tensor());
  m.running_mean = m.register_buffer("running_mean", o.track_running_stats() ? zeros({n}) : Tensor());
  m.running_var = m.register_buffer("running_var", o.track_running_stats() ? ones({n}) : Tensor());
  m.num_batches_tracked = m.register_buffer(
      "num_batches_tracked", o.track_running_stats() ? zeros({}, TensorOptions().dtype(kInt64)) : Tensor());
  m.reset_parameters();
}

template <class Impl>
void bn_reset_running_stats(Impl& m) {
  if (!m.options.track_running_stats()) return;
  NoGradGuard no_grad;
  m.running_mean.zero_();
  m.running_var.fill_(1);
  m.num_batches_tracked.zero_();
}

template <class Impl>
void bn_reset_parameters(Impl& m) {
  m.reset_running_stats();
  if (m.weight.defined()) init::ones_(m.weight);
  if (m.bias.defined()) init::zeros_(m.bias);
}

template <class Impl>
void bn_on_tensors_replaced(Impl& m, const OrderedDict<std::string, Tensor>& params,
                            const OrderedDict<std::string, Tensor>& buffers) {
  m.weight = params["weight"];
  m.bias = params["bias"];
  m.running_mean = buffers["running_mean"];
  m.running_var = buffers["running_var"];
  m.num_batches_tracked = buffers["num_batches_tracked"];
}

// Python's _BatchNorm.forward
template <class Impl>
Tensor bn_forward(Impl& m, const Tensor& input) {
  const auto& o = m.options;
  double factor = o.momentum().value_or(0.0);
  if (m.is_training() && o.track_running_stats() && m.num_batches_tracked.defined()) {
    {
      NoGradGuard no_grad;
      m.num_batches_tracked.add_(1);
    }
    // momentum unset: a cumulative moving average
    if (!o.momentum()) factor = 1.0 / static_cast<double>(m.num_batches_tracked.template item<int64_t>());
  }
  bool bn_training = m.is_training() || (!m.running_mean.defined() && !m.running_var.defined());
  bool use_running = !m.is_training() || o.track_running_stats();
  return F::batch_norm(input, use_running ? m.running_mean : Tensor(), use_running ? m.running_var : Tensor(),
                       F::BatchNormFuncOptions().weight(m.weight).bias(m.bias).training(bn_training)
                           .momentum(factor).eps(o.eps()));
}

void bn_print(std::ostream& s, const char* name, const BatchNormOptions& o) {
  s << name << "(" << o.num_features() << ", eps=" << py_float(o.eps())
    << ", momentum=" << (o.momentum() ? py_float(*o.momentum()) : std::string("None"))
    << ", affine=" << py_bool(o.affine()) << ", bias=" << py_bool(o.affine() && o.bias())
    << ", track_running_stats=" << py_bool(o.track_running_stats()) << ")";
}
}  // namespace

BatchNorm1dImpl::BatchNorm1dImpl(const BatchNorm1dOptions& options_) : Cloneable("BatchNorm1d"), options(options_) {
  reset();
}
void BatchNorm1dImpl::reset() { bn_reset(*this); }
void BatchNorm1dImpl::reset_running_stats() { bn_reset_running_stats(*this); }
void BatchNorm1dImpl::reset_parameters() { bn_reset_parameters(*this); }
void BatchNorm1dImpl::on_tensors_replaced() { bn_on_tensors_replaced(*this, parameters_, buffers_); }
Tensor BatchNorm1dImpl::forward(const Tensor& input) {
  input.check_defined("BatchNorm1d");
  EMBER_CHECK_VALUE(input.dim() == 2 || input.dim() == 3, "expected 2D or 3D input (got ", input.dim(), "D input)");
  return bn_forward(*this, input);
}
void BatchNorm1dImpl::pretty_print(std::ostream& s) const { bn_print(s, "BatchNorm1d", options); }

BatchNorm2dImpl::BatchNorm2dImpl(const BatchNorm2dOptions& options_) : Cloneable("BatchNorm2d"), options(options_) {
  reset();
}
void BatchNorm2dImpl::reset() { bn_reset(*this); }
void BatchNorm2dImpl::reset_running_stats() { bn_reset_running_stats(*this); }
void BatchNorm2dImpl::reset_parameters() { bn_reset_parameters(*this); }
void BatchNorm2dImpl::on_tensors_replaced() { bn_on_tensors_replaced(*this, parameters_, buffers_); }
Tensor BatchNorm2dImpl::forward(const Tensor& input) {
  input.check_defined("BatchNorm2d");
  EMBER_CHECK_VALUE(input.dim() == 4, "expected 4D input (got ", input.dim(), "D input)");
  return bn_forward(*this, input);
}
void BatchNorm2dImpl::pretty_print(std::ostream& s) const { bn_print(s, "BatchNorm2d", options); }

LayerNormImpl::LayerNormImpl(LayerNormOptions options_) : Cloneable("LayerNorm"), options(std::move(options_)) {
  reset();
}
void LayerNormImpl::reset() {
  bool affine = options.elementwise_affine();
  weight = register_parameter("weight", affine ? ember::empty(options.normalized_shape()) : Tensor());
  bias = register_parameter("bias", affine && options.bias() ? ember::empty(options.normalized_shape()) : Tensor());
  reset_parameters();
}
void LayerNormImpl::reset_parameters() {
  if (weight.defined()) init::ones_(weight);
  if (bias.defined()) init::zeros_(bias);
}
void LayerNormImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor LayerNormImpl::forward(const Tensor& input) {
  return F::layer_norm(input, F::LayerNormFuncOptions(options.normalized_shape()).weight(weight).bias(bias)
                                  .eps(options.eps()));
}
void LayerNormImpl::pretty_print(std::ostream& s) const {
  const auto& shape = options.normalized_shape();
  s << "LayerNorm((";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")") << ", eps=" << py_float(options.eps())
    << ", elementwise_affine=" << py_bool(options.elementwise_affine())
    << ", bias=" << py_bool(options.elementwise_affine() && options.bias()) << ")";
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options_) : Cloneable("GroupNorm"), options(options_) {
  EMBER_CHECK_VALUE(options.num_groups() > 0 && options.num_channels() % options.num_groups() == 0, "num_channels (",
                    options.num_channels(), ") must be divisible by num_groups (", options.num_groups(), ")");
  reset();
}
void GroupNormImpl::reset() {
  weight = register_parameter("weight", options.affine() ? empty({options.num_channels()}) : Tensor());
  bias = register_parameter("bias", options.affine() && options.bias() ? empty({options.num_channels()}) : Tensor());
  reset_parameters();
}
void GroupNormImpl::reset_parameters() {
  if (weight.defined()) init::ones_(weight);
  if (bias.defined()) init::zeros_(bias);
}
void GroupNormImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor GroupNormImpl::forward(const Tensor& input) {
  return F::group_norm(input, F::GroupNormFuncOptions(options.num_groups()).weight(weight).bias(bias)
                                  .eps(options.eps()));
}
void GroupNormImpl::pretty_print(std::ostream& s) const {
  s << "GroupNorm(" << options.num_groups() << ", " << options.num_channels() << ", eps=" << py_float(options.eps())
    << ", affine=" << py_bool(options.affine()) << ", bias=" << py_bool(options.affine() && options.bias()) << ")";
}

}  // namespace ember::nn
