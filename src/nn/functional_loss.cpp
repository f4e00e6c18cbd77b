// nn::functional losses: the schema loss ops with the reduction enum mapped to the ops' integer
// (0 none, 1 mean, 2 sum), as Python's ember.nn.functional maps the strings.
#include <optional>
#include <variant>

#include "ember/gen/functions.h"
#include "ember/nn/functional.h"

namespace ember::nn::functional {
namespace {
std::optional<Tensor> opt(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }
int64_t red(const enumtype::Reduction& r) { return enumtype::reduction_to_int(r); }
}  // namespace

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& o) {
  return ember::l1_loss(input, target, red(o.reduction()));
}

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& o) {
  return ember::mse_loss(input, target, red(o.reduction()));
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& o) {
  return ember::cross_entropy_loss(input, target, opt(o.weight()), red(o.reduction()), o.ignore_index(),
                                   o.label_smoothing());
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& o) {
  return ember::nll_loss(input, target, opt(o.weight()), red(o.reduction()), o.ignore_index());
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BinaryCrossEntropyFuncOptions& o) {
  return ember::binary_cross_entropy(input, target, opt(o.weight()), red(o.reduction()));
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& o) {
  return ember::binary_cross_entropy_with_logits(input, target, opt(o.weight()), opt(o.pos_weight()),
                                                 red(o.reduction()));
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& o) {
  return ember::huber_loss(input, target, red(o.reduction()), o.delta());
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& o) {
  return ember::smooth_l1_loss(input, target, red(o.reduction()), o.beta());
}

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& o) {
  if (std::holds_alternative<enumtype::kBatchMean>(o.reduction())) {
    Tensor loss = ember::kl_div(input, target, 2, o.log_target());
    return input.dim() != 0 ? loss / input.size(0) : loss;
  }
  int64_t r = std::visit([](const auto& e) -> int64_t {
    using E = std::decay_t<decltype(e)>;
    if constexpr (std::is_same_v<E, enumtype::kNone>) return 0;
    else if constexpr (std::is_same_v<E, enumtype::kSum>) return 2;
    else return 1;
  }, o.reduction());
  return ember::kl_div(input, target, r, o.log_target());
}

}  // namespace ember::nn::functional
