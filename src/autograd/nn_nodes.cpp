// The hand-written backward nodes of runtime nn ops (src/ops/nn_autograd.h): ConvolutionBackward0,
// CrossEntropyLossBackward0 / NllLossBackward0, NativeBatchNormBackward0 / NativeLayerNormBackward0. The
// op bodies (src/ops/convolution.cpp, loss.cpp, normalization.cpp) call the recorders below through
// detail::g_nn_autograd, which this file fills when libember loads (Note [autograd hooks]).
#include <string>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"
#include "ops/nn_autograd.h"

namespace ember::autograd {

namespace {

/// The gradients of a convolution: input, weight and (when it had one) bias.
struct ConvolutionBackward final : Node {
  SavedVariable input_, weight_;
  DimVector stride, padding, dilation;
  int64_t groups = 1;
  bool transposed = false, has_bias = false;
  std::string name() const override { return "ConvolutionBackward0"; }
  void release_variables() override {
    input_.reset();
    weight_.reset();
  }
  variable_list apply(variable_list&& grads) override {
    const Tensor& g = grads[0];
    variable_list out(has_bias ? 3 : 2);
    if (!g.defined()) return out;
    Tensor input = input_.unpack(), weight = weight_.unpack();
    if (GradMode::is_enabled() && (g.requires_grad() || input.requires_grad() || weight.requires_grad()))
      return apply_differentiable(g, input, weight);  // create_graph: gradients with their own history
    bool need_w = should_compute_output(1) || (has_bias && should_compute_output(2));
    if (!transposed) {
      if (should_compute_output(0))
        out[0] = ember::_convolution_backward_input(g, weight, input.sizes(), stride, padding, dilation, groups);
      if (need_w) {
        auto gw = ember::_convolution_backward_weight(g, input, weight.sizes(), stride, padding, dilation, groups);
        out[1] = std::get<0>(gw);
        if (has_bias) out[2] = std::get<1>(gw);
      }
    } else {  // y = A_w^T x: dx = A_w dy (a plain convolution); dw pairs x (as "grad_output") with dy
      if (should_compute_output(0))
        out[0] = ember::convolution(g, weight, std::nullopt, stride, padding, dilation, false, {0, 0}, groups);
      if (need_w) {
        auto gw = ember::_convolution_backward_weight(input, g, weight.sizes(), stride, padding, dilation, groups);
        out[1] = std::get<0>(gw);
        if (has_bias) out[2] = ember::sum(g, IntArrayRef({0, 2, 3}));
      }
    }
    return out;
  }

  /// The same gradients through differentiable ops (create_graph=True, double backward): the input
  /// gradient as the transposed convolution, the weight gradient as im2col (an as_strided view of the
  /// padded input) contracted with the output gradient per group.
  variable_list apply_differentiable(const Tensor& g, const Tensor& input, const Tensor& weight) {
    variable_list out(has_bias ? 3 : 2);
    const Tensor& x = transposed ? g : input;   // the plain convolution's input ...
    const Tensor& gy = transposed ? input : g;  // ... and its output gradient
    if (should_compute_output(0)) {
      if (transposed) {
        out[0] = ember::convolution(g, weight, std::nullopt, stride, padding, dilation, false, {0, 0}, groups);
      } else {
        DimVector op;
        for (int i = 0; i < 2; ++i)
          op.push_back(input.sizes()[2 + i] - ((g.sizes()[2 + i] - 1) * stride[i] - 2 * padding[i] +
                                               dilation[i] * (weight.sizes()[2 + i] - 1) + 1));
        out[0] = ember::convolution(g, weight, std::nullopt, stride, padding, dilation, true, op, groups);
      }
    }
    if (should_compute_output(1)) {
      const int64_t n = x.sizes()[0], c = x.sizes()[1], o = weight.sizes()[0], kh = weight.sizes()[2],
                    kw = weight.sizes()[3], oh = gy.sizes()[2], ow = gy.sizes()[3];
      Tensor xp = ember::constant_pad_nd(x, {padding[1], padding[1], padding[0], padding[0]}, 0).contiguous();
      const int64_t hp = xp.sizes()[2], wp = xp.sizes()[3];
      // patches[n, c, i, j, a, b] = xp[n, c, i * stride_h + a * dilation_h, j * stride_w + b * dilation_w]
      Tensor patches = xp.as_strided({n, c, oh, ow, kh, kw}, {c * hp * wp, hp * wp, stride[0] * wp, stride[1],
                                                              dilation[0] * wp, dilation[1]},
                                     xp.storage_offset());
      Tensor pg = patches.reshape({n, groups, c / groups, oh, ow, kh, kw});
      Tensor yg = gy.reshape({n, groups, o / groups, oh, ow});
      out[1] = ember::einsum("ngohw,ngchwab->gocab", {yg, pg}).reshape(weight.sizes());
    }
    if (has_bias && should_compute_output(2)) out[2] = ember::sum(g, IntArrayRef({0, 2, 3}));
    return out;
  }
};

void record_convolution(const Tensor& out, const Tensor& input, const Tensor& weight, const Tensor& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, int64_t groups,
                        bool transposed) {
  auto node = make_node<ConvolutionBackward>();
  node->stride = stride;
  node->padding = padding;
  node->dilation = dilation;
  node->groups = groups;
  node->transposed = transposed;
  node->has_bias = bias.defined();
  node->reserve_next_edges(bias.defined() ? 3 : 2);
  node->add_next_edge(gradient_edge(input));
  node->add_next_edge(gradient_edge(weight));
  if (bias.defined()) node->add_next_edge(gradient_edge(bias));
  node->input_.save(input, false);
  node->weight_.save(weight, false);
  if (AnomalyMode::is_enabled()) node->set_creation_trace(current_trace());
  set_history(out, std::shared_ptr<Node>(node));
}

struct CrossEntropyBackward final : Node {
  SavedVariable self_, target_, weight_, lse_, total_weight_;
  int64_t reduction = 1, ignore_index = -100;
  double label_smoothing = 0;
  bool has_weight = false;
  bool nll = false;  // NllLossBackward0: self holds log-probabilities
  std::string name() const override { return nll ? "NllLossBackward0" : "CrossEntropyLossBackward0"; }
  void release_variables() override {
    self_.reset();
    target_.reset();
    weight_.reset();
    lse_.reset();
    total_weight_.reset();
  }
  variable_list apply(variable_list&& grads) override {
    variable_list out(1);
    if (!grads[0].defined() || !should_compute_output(0)) return out;
    std::optional<Tensor> wo;
    if (has_weight) wo = weight_.unpack();
    Tensor self = self_.unpack();
    if (GradMode::is_enabled() && (grads[0].requires_grad() || self.requires_grad()))
      return {differentiable(grads[0], self, target_.unpack(), wo)};  // create_graph: double backward
    if (nll)
      out[0] = ember::nll_loss_backward(grads[0], self, target_.unpack(), wo, reduction, ignore_index,
                                        total_weight_.unpack());
    else
      out[0] = ember::_cross_entropy_backward(grads[0], self, target_.unpack(), wo, reduction, ignore_index,
                                              label_smoothing, lse_.unpack(), total_weight_.unpack());
    return out;
  }

  /// The same gradient through differentiable ops (create_graph=True): per sample, with g the incoming
  /// gradient scaled by the reduction and zero for ignored targets,
  /// nll: -g w_t onehot; cross entropy: g ((1 - ls) w_t + ls/C sum(w)) softmax(x) - g (1 - ls) w_t onehot - g ls/C w.
  Tensor differentiable(const Tensor& grad, const Tensor& self, const Tensor& target,
                        const std::optional<Tensor>& weight) {
    const int64_t cdim = self.dim() == 1 ? 0 : 1, c = self.sizes()[cdim];
    Tensor t = target.to(std::nullopt, kInt64);
    Tensor keep = (t != ignore_index).to(std::nullopt, self.dtype());
    Tensor tc = ember::where(t != ignore_index, t, Scalar(int64_t(0)));
    Tensor onehot = ember::one_hot(tc, c).to(std::nullopt, self.dtype()).movedim(-1, cdim);
    Tensor wt = weight ? weight->index_select(0, tc.reshape({-1})).view(t.sizes()) : ember::ones_like(keep);
    wt = wt * keep;
    Tensor g = reduction == 0 ? grad : reduction == 1 ? grad / total_weight_.unpack() : grad;
    Tensor gs = (g * keep).unsqueeze(cdim);  // broadcast over the class dim
    if (nll) return -(gs * wt.unsqueeze(cdim)) * onehot;
    DimVector wshape(static_cast<size_t>(self.dim()), 1);
    wshape[cdim] = c;
    Tensor wfull = weight ? weight->view(wshape) : ember::ones(wshape, self.options());
    const double ls = label_smoothing, sm = ls / static_cast<double>(c);
    Tensor a = (wt * (1 - ls) + wfull.sum() * sm).unsqueeze(cdim);
    return gs * (a * ember::softmax(self, cdim) - wt.unsqueeze(cdim) * onehot * (1 - ls) - wfull * sm);
  }
};

void record_class_loss(const Tensor& out, const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
            int64_t reduction, int64_t ignore_index, double label_smoothing, const Tensor& lse,
            const Tensor& total_weight, bool nll) {
  if (!GradMode::is_enabled() || !self.requires_grad()) return;
  auto node = make_node<CrossEntropyBackward>();
  node->reduction = reduction;
  node->ignore_index = ignore_index;
  node->label_smoothing = label_smoothing;
  node->nll = nll;
  node->reserve_next_edges(1);
  node->add_next_edge(gradient_edge(self));
  node->self_.save(self, false);
  node->target_.save(target, false);
  node->has_weight = weight && weight->defined();
  if (node->has_weight) node->weight_.save(*weight, false);
  if (lse.defined()) node->lse_.save(lse, false);
  node->total_weight_.save(total_weight, false);
  if (AnomalyMode::is_enabled()) node->set_creation_trace(current_trace());
  set_history(out, std::shared_ptr<Node>(node));
}

/// The gradients of a normalization: input, then weight and bias where they were given.
struct NormBackward final : Node {
  SavedVariable input_, weight_, mean_, invstd_;
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
  variable_list apply(variable_list&& grads) override {
    size_t n = 1 + has_weight + has_bias;
    variable_list out(n);
    if (!grads[0].defined()) return out;
    std::optional<Tensor> w;
    if (has_weight) w = weight_.unpack();
    Tensor input = input_.unpack();
    if (GradMode::is_enabled() &&
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
  variable_list differentiable(const Tensor& g, const Tensor& x, const std::optional<Tensor>& w) {
    size_t n = 1 + has_weight + has_bias;
    variable_list out(n);
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

void record_norm_node(const Tensor& out, const Tensor& input, const std::optional<Tensor>& weight,
                 const std::optional<Tensor>& bias, const Tensor& mean, const Tensor& invstd, bool layer, bool train,
                 IntArrayRef normalized_shape, double eps) {
  const Tensor w = weight.value_or(Tensor()), b = bias.value_or(Tensor());
  if (!GradMode::is_enabled() || !any_requires_grad({&input, &w, &b})) return;
  auto node = make_node<NormBackward>();
  node->has_weight = w.defined();
  node->has_bias = b.defined();
  node->layer = layer;
  node->train = train;
  node->normalized_shape = DimVector(normalized_shape);
  node->eps = eps;
  node->reserve_next_edges(1 + node->has_weight + node->has_bias);
  node->add_next_edge(gradient_edge(input));
  if (w.defined()) node->add_next_edge(gradient_edge(w));
  if (b.defined()) node->add_next_edge(gradient_edge(b));
  node->input_.save(input, false);
  if (w.defined()) node->weight_.save(w, false);
  node->mean_.save(mean, false);
  node->invstd_.save(invstd, false);
  if (AnomalyMode::is_enabled()) node->set_creation_trace(current_trace());
  set_history(out, std::shared_ptr<Node>(node));
}

struct InstallNNHooks {
  InstallNNHooks() {
    detail::g_nn_autograd.convolution = &record_convolution;
    detail::g_nn_autograd.class_loss = &record_class_loss;
    detail::g_nn_autograd.norm = &record_norm_node;
  }
} g_install_nn_hooks;

}  // namespace

}  // namespace ember::autograd
