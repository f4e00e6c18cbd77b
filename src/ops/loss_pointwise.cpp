// Pointwise losses (src/ops/loss.yaml): composites over elementwise ops and reductions, so autograd,
// dtypes and the meta device come from the ops they call. Formulas and argument checks follow PyTorch's.
#include <string>

#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

namespace {

Tensor reduce(const char* op, const Tensor& loss, int64_t reduction) {
  EMBER_CHECK_VALUE(reduction >= 0 && reduction <= 2, op, ": ", reduction,
                    " is not a valid value for reduction (0: none, 1: mean, 2: sum)");
  if (reduction == 0) return loss;
  return reduction == 1 ? loss.mean() : loss.sum();
}

void check_pair(const char* op, const Tensor& self, const Tensor& target) {
  self.check_defined(op);
  target.check_defined(op);
  EMBER_CHECK(is_floating_point(self.dtype()), op, ": expected a floating-point input, but got ", self.dtype());
}

void check_same_size(const char* op, const Tensor& self, const Tensor& target) {
  EMBER_CHECK_VALUE(self.sizes().equals(target.sizes()), op, ": Using a target size (", target.sizes(),
                    ") that is different to the input size (", self.sizes(), ") is deprecated. Please ensure they "
                    "have the same size.");
}

}  // namespace

Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  check_pair("mse_loss", self, target);
  return reduce("mse_loss", ember::square(self - target), reduction);
}

Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  check_pair("l1_loss", self, target);
  return reduce("l1_loss", ember::abs(self - target), reduction);
}

Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  check_pair("smooth_l1_loss", self, target);
  EMBER_CHECK(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
  if (beta == 0) return ember::l1_loss(self, target, reduction);
  Tensor d = ember::abs(self - target);
  return reduce("smooth_l1_loss", ember::where(d < beta, ember::square(d) * (0.5 / beta), d - 0.5 * beta),
                reduction);
}

Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  check_pair("huber_loss", self, target);
  EMBER_CHECK(delta > 0, "huber_loss does not support non-positive values for delta.");
  Tensor d = ember::abs(self - target);
  return reduce("huber_loss", ember::where(d < delta, ember::square(d) * 0.5, (d - 0.5 * delta) * delta), reduction);
}

Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                            int64_t reduction) {
  check_pair("binary_cross_entropy", self, target);
  check_same_size("binary_cross_entropy", self, target);
  // PyTorch clamps the logs at -100 so that x = 0 or 1 gives a finite loss (and gradient).
  Tensor lx = ember::clamp(ember::log(self), Scalar(-100.0), std::nullopt);
  Tensor l1x = ember::clamp(ember::log(1.0 - self), Scalar(-100.0), std::nullopt);
  Tensor loss = -(target * lx + (1.0 - target) * l1x);
  if (weight && weight->defined()) loss = loss * *weight;
  return reduce("binary_cross_entropy", loss, reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                                        const std::optional<Tensor>& pos_weight, int64_t reduction) {
  check_pair("binary_cross_entropy_with_logits", self, target);
  check_same_size("binary_cross_entropy_with_logits", self, target);
  // log(1 + exp(-x)) computed as log1p(exp(-|x|)) + max(-x, 0): no overflow for large |x|.
  Tensor softplus_neg = ember::log1p(ember::exp(-ember::abs(self))) + ember::clamp(-self, Scalar(0.0), std::nullopt);
  Tensor loss;
  if (pos_weight && pos_weight->defined()) {
    Tensor lw = (*pos_weight - 1.0) * target + 1.0;
    loss = (1.0 - target) * self + lw * softplus_neg;
  } else {
    loss = (1.0 - target) * self + softplus_neg;
  }
  if (weight && weight->defined()) loss = loss * *weight;
  return reduce("binary_cross_entropy_with_logits", loss, reduction);
}

Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction, bool log_target) {
  check_pair("kl_div", self, target);
  Tensor loss;
  if (log_target) {
    loss = ember::exp(target) * (target - self);
  } else {  // xlogy(t, t) - t * x, with 0 log 0 = 0
    Tensor tlogt = ember::where(target > 0, target * ember::log(ember::where(target > 0, target, 1.0)), 0.0);
    loss = tlogt - target * self;
  }
  return reduce("kl_div", loss, reduction);
}

}  // namespace ember::native
