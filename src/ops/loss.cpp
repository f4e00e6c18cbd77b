// Class-index losses (src/ops/loss.yaml): cross_entropy_loss (the fused log_softmax + NLL kernel for
// class indices, a composite of ops for class probabilities) and nll_loss. Both record their own node
// (weight is an optional tensor the generator's formulas cannot save); the node calls the backward op.
// Inputs are (N, C, d1, ..., dk) or (C,); the kernels see (N, C, inner) and targets (N, inner).
#include <string>

#include "core/autograd_hooks.h"
#include "ops/nn_autograd.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

namespace {

struct ClassGeom {
  int64_t n = 1, c = 1, inner = 1;
};

void check_reduction(const char* op, int64_t reduction) {
  EMBER_CHECK_VALUE(reduction >= 0 && reduction <= 2, op, ": ", reduction,
                    " is not a valid value for reduction (0: none, 1: mean, 2: sum)");
}

/// Checks self against a class-index target (and weight) as PyTorch's nll_loss_nd does.
ClassGeom class_geom(const char* op, const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight) {
  self.check_defined(op);
  target.check_defined(op);
  EMBER_CHECK(self.dim() >= 1, op, ": Expected 1 or more dimensions (got ", self.dim(), ")");
  EMBER_CHECK(is_floating_point(self.dtype()), op, ": expected a floating-point input, but got ", self.dtype());
  EMBER_CHECK(is_integral(target.dtype(), false), op, ": expected scalar type Long but found ", target.dtype(),
              " (class-index targets are integers)");
  ClassGeom g;
  if (self.dim() == 1) {
    EMBER_CHECK(target.dim() == 0, op, ": 0D or 1D target tensor expected, multi-target not supported (input of size ",
                self.sizes(), ", target of size ", target.sizes(), ")");
    g.c = self.sizes()[0];
  } else {
    EMBER_CHECK(target.dim() >= 1 && self.sizes()[0] == target.sizes()[0], op, ": Expected input batch_size (",
                self.sizes()[0], ") to match target batch_size (", target.dim() ? target.sizes()[0] : 0, ").");
    DimVector expected{self.sizes()[0]};
    for (int64_t d = 2; d < self.dim(); ++d) expected.push_back(self.sizes()[d]);
    EMBER_CHECK(target.sizes().equals(expected), op, ": Expected target size ", IntArrayRef(expected), ", got ",
                target.sizes());
    g.n = self.sizes()[0];
    g.c = self.sizes()[1];
    for (int64_t d = 2; d < self.dim(); ++d) g.inner *= self.sizes()[d];
  }
  if (weight && weight->defined()) {
    EMBER_CHECK(weight->numel() == g.c && weight->dim() == 1, op, ": weight tensor should be defined either for all ",
                g.c, " classes or no classes but got weight tensor of shape: ", weight->sizes());
    EMBER_CHECK(weight->dtype() == self.dtype(), op, ": expected weight of dtype ", self.dtype(), ", but got ",
                weight->dtype());
  }
  return g;
}

std::optional<Tensor> contiguous_weight(const std::optional<Tensor>& w) {
  if (w && w->defined()) return w->contiguous();
  return std::nullopt;
}

void record(const Tensor& out, const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
            int64_t reduction, int64_t ignore_index, double label_smoothing, const Tensor& lse,
            const Tensor& total_weight, bool nll) {
  if (!autograd::GradMode::is_enabled() || !self.requires_grad() || !detail::g_nn_autograd.class_loss) return;
  detail::g_nn_autograd.class_loss(out, self, target, weight, reduction, ignore_index, label_smoothing, lse,
                                   total_weight, nll);
}

/// Cross entropy against class probabilities, as PyTorch composes it (differentiable through the ops).
Tensor cross_entropy_probs(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                           int64_t reduction, double label_smoothing) {
  const char* op = "cross_entropy";
  EMBER_CHECK(self.dim() >= 1, op, ": Expected 1 or more dimensions (got ", self.dim(), ")");
  EMBER_CHECK(target.sizes().equals(self.sizes()), op, ": Expected target size ", self.sizes(), ", got ",
              target.sizes(), " (class-probability targets have the input's shape)");
  EMBER_CHECK(is_floating_point(self.dtype()), op, ": expected a floating-point input, but got ", self.dtype());
  int64_t cdim = self.dim() == 1 ? 0 : 1, c = self.sizes()[cdim];
  if (weight && weight->defined())
    EMBER_CHECK(weight->dim() == 1 && weight->numel() == c, op, ": weight tensor should be defined either for all ",
                c, " classes or no classes but got weight tensor of shape: ", weight->sizes());
  Tensor logp = ember::log_softmax(self, cdim);
  Tensor t = target;
  if (label_smoothing > 0) t = t * (1 - label_smoothing) + label_smoothing / static_cast<double>(c);
  Tensor prod = logp * t;
  if (weight && weight->defined()) {
    DimVector shape(static_cast<size_t>(self.dim()), 1);
    shape[cdim] = c;
    prod = prod * weight->view(shape);
  }
  Tensor loss = -ember::sum(prod, IntArrayRef({cdim}));
  if (reduction == 0) return loss;
  if (reduction == 2) return loss.sum();
  return loss.sum() / static_cast<double>(self.dim() == 1 ? 1 : self.numel() / std::max<int64_t>(c, 1));
}

}  // namespace

Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                          int64_t reduction, int64_t ignore_index, double label_smoothing) {
  check_reduction("cross_entropy", reduction);
  EMBER_CHECK_VALUE(label_smoothing >= 0 && label_smoothing <= 1,
                    "label_smoothing must be between 0.0 and 1.0. Got: ", label_smoothing);
  self.check_defined("cross_entropy");
  target.check_defined("cross_entropy");
  if (is_floating_point(target.dtype())) return cross_entropy_probs(self, target, weight, reduction, label_smoothing);
  auto r = ember::_cross_entropy_forward(self, target, weight, reduction, ignore_index, label_smoothing);
  Tensor out = std::get<0>(r);
  record(out, self, target, weight, reduction, ignore_index, label_smoothing, std::get<1>(r), std::get<2>(r), false);
  return out;
}

std::tuple<Tensor, Tensor, Tensor> _cross_entropy_forward(const Tensor& self, const Tensor& target,
                                                          const std::optional<Tensor>& weight, int64_t reduction,
                                                          int64_t ignore_index, double label_smoothing) {
  check_reduction("cross_entropy", reduction);
  ClassGeom g = class_geom("cross_entropy", self, target, weight);
  Tensor out = reduction == 0 ? ember::empty(target.sizes(), self.options()) : ember::empty({}, self.options());
  Tensor lse = ember::empty(target.sizes(), self.options());
  Tensor total = ember::empty({}, self.options());
  NoGradGuard no_grad;
  Tensor x = self.contiguous().view({g.n, g.c, g.inner});
  Tensor t = target.to(std::nullopt, kInt64).contiguous().view({g.n, g.inner});
  dispatch::kernel<OpId::_cross_entropy_forward>(self.device().type(), self.dtype())(
      reduction == 0 ? out.view({g.n, g.inner}) : out, lse.view({g.n, g.inner}), total, x, t,
      contiguous_weight(weight), reduction, ignore_index, label_smoothing);
  return {out, lse, total};
}

Tensor _cross_entropy_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target,
                               const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index,
                               double label_smoothing, const Tensor& lse, const Tensor& total_weight) {
  check_reduction("cross_entropy", reduction);
  ClassGeom g = class_geom("cross_entropy", self, target, weight);
  EMBER_CHECK(reduction != 0 ? grad_output.numel() == 1 : grad_output.sizes().equals(target.sizes()),
              "_cross_entropy_backward: grad_output of size ", grad_output.sizes(), " does not match the loss");
  Tensor gi = ember::empty(self.sizes(), self.options());
  Tensor go = grad_output.to(std::nullopt, self.dtype()).contiguous();
  Tensor x = self.contiguous().view({g.n, g.c, g.inner});
  Tensor t = target.to(std::nullopt, kInt64).contiguous().view({g.n, g.inner});
  dispatch::kernel<OpId::_cross_entropy_backward>(self.device().type(), self.dtype())(
      gi.view({g.n, g.c, g.inner}), reduction == 0 ? go.view({g.n, g.inner}) : go.reshape({}), x, t,
      contiguous_weight(weight), reduction, ignore_index, label_smoothing, lse.contiguous().view({g.n, g.inner}),
      total_weight);
  return gi;
}

Tensor nll_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                int64_t ignore_index) {
  auto r = ember::nll_loss_forward(self, target, weight, reduction, ignore_index);
  Tensor out = std::get<0>(r);
  record(out, self, target, weight, reduction, ignore_index, 0.0, Tensor(), std::get<1>(r), true);
  return out;
}

std::tuple<Tensor, Tensor> nll_loss_forward(const Tensor& self, const Tensor& target,
                                            const std::optional<Tensor>& weight, int64_t reduction,
                                            int64_t ignore_index) {
  check_reduction("nll_loss", reduction);
  ClassGeom g = class_geom("nll_loss", self, target, weight);
  Tensor out = reduction == 0 ? ember::empty(target.sizes(), self.options()) : ember::empty({}, self.options());
  Tensor total = ember::empty({}, self.options());
  NoGradGuard no_grad;
  Tensor x = self.contiguous().view({g.n, g.c, g.inner});
  Tensor t = target.to(std::nullopt, kInt64).contiguous().view({g.n, g.inner});
  dispatch::kernel<OpId::nll_loss_forward>(self.device().type(), self.dtype())(
      reduction == 0 ? out.view({g.n, g.inner}) : out, total, x, t, contiguous_weight(weight), reduction,
      ignore_index);
  return {out, total};
}

Tensor nll_loss_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target,
                         const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index,
                         const Tensor& total_weight) {
  check_reduction("nll_loss", reduction);
  ClassGeom g = class_geom("nll_loss", self, target, weight);
  EMBER_CHECK(reduction != 0 ? grad_output.numel() == 1 : grad_output.sizes().equals(target.sizes()),
              "nll_loss_backward: grad_output of size ", grad_output.sizes(), " does not match the loss");
  Tensor gi = ember::empty(self.sizes(), self.options());
  Tensor go = grad_output.to(std::nullopt, self.dtype()).contiguous();
  Tensor t = target.to(std::nullopt, kInt64).contiguous().view({g.n, g.inner});
  dispatch::kernel<OpId::nll_loss_backward>(self.device().type(), self.dtype())(
      gi.view({g.n, g.c, g.inner}), reduction == 0 ? go.view({g.n, g.inner}) : go.reshape({}), self, t,
      contiguous_weight(weight), reduction, ignore_index, total_weight);
  return gi;
}

Tensor nll_loss2d(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                  int64_t ignore_index) {
  self.check_defined("nll_loss2d");
  EMBER_CHECK(self.dim() == 4, "nll_loss2d: only batches of spatial inputs supported (4D tensors), but got input of "
              "size: ", self.sizes());
  return ember::nll_loss(self, target, weight, reduction, ignore_index);
}

Tensor nll_loss_nd(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                   int64_t ignore_index) {
  return ember::nll_loss(self, target, weight, reduction, ignore_index);
}

}  // namespace ember::native
