// The loss modules: forward is one nn::functional call; weight / pos_weight are buffers (Python's
// _WeightedLoss / BCEWithLogitsLoss register them), so forward reads them back from buffers_.
#include "ember/nn/modules/loss.h"

#include <ostream>

#include "ember/nn/functional.h"

namespace ember::nn {
namespace F = functional;

#define EMBER_LOSS_COMMON(Name)                                                                           \
  Name##Impl::Name##Impl(Name##Options options_) : Cloneable(#Name), options(std::move(options_)) { reset(); } \
  void Name##Impl::pretty_print(std::ostream& s) const { s << #Name "()"; }

#define EMBER_UNWEIGHTED_LOSS(Name, fn)                                                        \
  EMBER_LOSS_COMMON(Name)                                                                      \
  void Name##Impl::reset() {}                                                                  \
  void Name##Impl::on_tensors_replaced() {}                                                    \
  Tensor Name##Impl::forward(const Tensor& input, const Tensor& target) { return F::fn(input, target, options); }

#define EMBER_WEIGHTED_LOSS(Name, fn)                                                          \
  EMBER_LOSS_COMMON(Name)                                                                      \
  void Name##Impl::reset() { register_buffer("weight", options.weight()); }                    \
  void Name##Impl::on_tensors_replaced() { options.weight(buffers_["weight"]); }               \
  Tensor Name##Impl::forward(const Tensor& input, const Tensor& target) { return F::fn(input, target, options); }

EMBER_UNWEIGHTED_LOSS(L1Loss, l1_loss)
EMBER_UNWEIGHTED_LOSS(MSELoss, mse_loss)
EMBER_UNWEIGHTED_LOSS(HuberLoss, huber_loss)
EMBER_UNWEIGHTED_LOSS(SmoothL1Loss, smooth_l1_loss)
EMBER_UNWEIGHTED_LOSS(KLDivLoss, kl_div)
EMBER_WEIGHTED_LOSS(CrossEntropyLoss, cross_entropy)
EMBER_WEIGHTED_LOSS(NLLLoss, nll_loss)
EMBER_WEIGHTED_LOSS(BCELoss, binary_cross_entropy)

EMBER_LOSS_COMMON(BCEWithLogitsLoss)
void BCEWithLogitsLossImpl::reset() {
  register_buffer("weight", options.weight());
  register_buffer("pos_weight", options.pos_weight());
}
void BCEWithLogitsLossImpl::on_tensors_replaced() {
  options.weight(buffers_["weight"]);
  options.pos_weight(buffers_["pos_weight"]);
}
Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy_with_logits(input, target, options);
}

#undef EMBER_WEIGHTED_LOSS
#undef EMBER_UNWEIGHTED_LOSS
#undef EMBER_LOSS_COMMON

}  // namespace ember::nn
