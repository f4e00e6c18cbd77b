// The C++ loss modules and nn::functional losses (reduction enum ember::kNone / kMean / kSum, weights as
// buffers, reprs) against the schema ops; Module::clone() of built-in layers and of a user module
// deriving nn::Cloneable (deep copies: equal values, own memory, member handles re-pointed).
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <sstream>

using namespace ember;
namespace F = ember::nn::functional;

namespace {
bool same(const Tensor& a, const Tensor& b) { return a.sizes() == b.sizes() && allclose(a, b, 0, 1e-12); }
}  // namespace

TEST_CASE("Reduction enum values and names", "[nn]") {
  REQUIRE(enumtype::reduction_to_int(kNone) == 0);
  REQUIRE(enumtype::reduction_to_int(kMean) == 1);
  REQUIRE(enumtype::reduction_to_int(kSum) == 2);
  REQUIRE(enumtype::get_enum_name(nn::MSELossOptions(kSum).reduction()) == "sum");
  REQUIRE(enumtype::get_enum_name(nn::KLDivLossOptions(kBatchMean).reduction()) == "batchmean");
  REQUIRE(enumtype::get_enum_name(nn::L1LossOptions().reduction()) == "mean");
}

TEST_CASE("F:: losses equal the schema ops for every reduction", "[nn]") {
  manual_seed(0);
  auto x = randn({4, 3}, kFloat64);
  auto y = randn({4, 3}, kFloat64);
  REQUIRE(same(F::mse_loss(x, y), mse_loss(x, y, 1)));
  REQUIRE(same(F::mse_loss(x, y, kSum), mse_loss(x, y, 2)));
  REQUIRE(same(F::l1_loss(x, y, F::L1LossFuncOptions(kNone)), l1_loss(x, y, 0)));
  REQUIRE(same(F::huber_loss(x, y, F::HuberLossFuncOptions().delta(0.5)), huber_loss(x, y, 1, 0.5)));
  REQUIRE(same(F::smooth_l1_loss(x, y, F::SmoothL1LossFuncOptions(kSum).beta(0.3)), smooth_l1_loss(x, y, 2, 0.3)));
  auto t = tensor({0, 2, 1, 2}, TensorOptions().dtype(kInt64));
  auto w = tensor({1.0, 2.0, 0.5}, kFloat64);
  REQUIRE(same(F::cross_entropy(x, t, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1).ignore_index(1)),
               cross_entropy_loss(x, t, w, 1, 1, 0.1)));
  auto lp = log_softmax(x, 1);
  REQUIRE(same(F::nll_loss(lp, t, F::NLLLossFuncOptions().reduction(kSum)), nll_loss(lp, t, std::nullopt, 2)));
  auto p = sigmoid(x);
  auto b = (y > 0).to(kFloat64);
  REQUIRE(same(F::binary_cross_entropy(p, b, F::BinaryCrossEntropyFuncOptions().weight(w)),
               binary_cross_entropy(p, b, w)));
  REQUIRE(same(F::binary_cross_entropy_with_logits(x, b, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(w)),
               binary_cross_entropy_with_logits(x, b, std::nullopt, w)));
  auto q = softmax(y, 1);
  REQUIRE(same(F::kl_div(lp, q, F::KLDivFuncOptions(kBatchMean)), kl_div(lp, q, 2) / 4));
  REQUIRE(same(F::kl_div(lp, q.log(), F::KLDivFuncOptions().log_target(true).reduction(kSum)), kl_div(lp, q, 2)));
  // class-index cross entropy by hand: logsumexp - picked logit
  auto lse = x.exp().sum(1).log();
  auto picked = x.gather(1, t.unsqueeze(1)).squeeze(1);
  REQUIRE(allclose(F::cross_entropy(x, t, kNone), lse - picked, 0, 1e-12));
}

TEST_CASE("Loss modules: forward, buffers, repr, gradients", "[nn]") {
  auto x = randn({4, 3}, kFloat64).requires_grad_();
  auto t = tensor({0, 2, 1, 2}, TensorOptions().dtype(kInt64));
  auto w = tensor({1.0, 2.0, 0.5}, kFloat64);
  nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().weight(w));
  REQUIRE(ce->named_buffers().keys() == std::vector<std::string>{"weight"});
  REQUIRE(nn::CrossEntropyLoss()->named_buffers().is_empty());
  auto loss = ce(x, t);
  REQUIRE(same(loss, cross_entropy_loss(x, t, w)));
  loss.backward();
  REQUIRE(x.grad().sizes() == x.sizes());
  REQUIRE(nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(w))->named_buffers().keys() ==
          std::vector<std::string>{"pos_weight"});
  auto y = randn({4, 3}, kFloat64);
  REQUIRE(same(nn::MSELoss(kSum)(x, y), mse_loss(x, y, 2)));
  REQUIRE(same(nn::L1Loss()(x, y), l1_loss(x, y)));
  REQUIRE(same(nn::HuberLoss(nn::HuberLossOptions().delta(2.0))(x, y), huber_loss(x, y, 1, 2.0)));
  REQUIRE(same(nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(0.5))(x, y), smooth_l1_loss(x, y, 1, 0.5)));
  REQUIRE(same(nn::NLLLoss()(x, t), nll_loss(x, t)));
  auto p = sigmoid(y);
  REQUIRE(same(nn::BCELoss()(p, (y > 0).to(kFloat64)), binary_cross_entropy(p, (y > 0).to(kFloat64))));
  REQUIRE(same(nn::KLDivLoss(nn::KLDivLossOptions(kBatchMean))(x, p), kl_div(x, p, 2) / 4));
  std::ostringstream s;
  nn::MSELoss()->pretty_print(s);
  s << " ";
  ce->pretty_print(s);
  s << " ";
  nn::KLDivLoss()->pretty_print(s);
  REQUIRE(s.str() == "MSELoss() CrossEntropyLoss() KLDivLoss()");
  nn::NLLLoss wl(nn::NLLLossOptions().weight(tensor({1.0f, 2.0f, 3.0f})));
  wl->to(kFloat64);
  REQUIRE(wl->options.weight().dtype() == kFloat64);
}

namespace {
struct NetImpl : nn::Cloneable<NetImpl> {
  NetImpl() { reset(); }
  void reset() override {
    conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(1, 2, 3)));
    bn = register_module("bn", nn::BatchNorm2d(2));
    fc = register_module("fc", nn::Linear(2, 1));
    scale = register_parameter("scale", ones({1}));
  }
  Tensor forward(const Tensor& x) {
    return fc(bn(conv(x)).mean(std::vector<int64_t>{2, 3})) * scale;
  }
  nn::Conv2d conv{nullptr};
  nn::BatchNorm2d bn{nullptr};
  nn::Linear fc{nullptr};
  Tensor scale;
};
EMBER_MODULE(Net);

struct PlainImpl : nn::Module {};
EMBER_MODULE(Plain);
}  // namespace

TEST_CASE("clone(): deep copies of built-in layers and of Cloneable user modules", "[nn]") {
  nn::Linear fc(3, 2);
  auto copy = std::dynamic_pointer_cast<nn::LinearImpl>(fc->clone());
  REQUIRE(copy != nullptr);
  REQUIRE(same(copy->weight, fc->weight));
  REQUIRE(copy->weight.unsafeGetTensorImpl() != fc->weight.unsafeGetTensorImpl());
  REQUIRE(copy->weight.requires_grad());
  REQUIRE(copy->named_parameters()["weight"].unsafeGetTensorImpl() == copy->weight.unsafeGetTensorImpl());
  {
    NoGradGuard no_grad;
    copy->weight.add_(1);
  }
  REQUIRE_FALSE(allclose(copy->weight, fc->weight));

  nn::BatchNorm2d bn(3);
  bn->to(kFloat64);
  bn(randn({2, 3, 2, 2}, kFloat64));
  auto bcopy = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(bn->clone());
  REQUIRE(same(bcopy->running_mean, bn->running_mean));
  REQUIRE(bcopy->running_mean.dtype() == kFloat64);
  REQUIRE(bcopy->num_batches_tracked.item<int64_t>() == 1);
  REQUIRE(bcopy->named_buffers()["running_var"].unsafeGetTensorImpl() == bcopy->running_var.unsafeGetTensorImpl());

  Net net;
  net->eval();
  auto x = randn({2, 1, 5, 5});
  auto ncopy = std::dynamic_pointer_cast<NetImpl>(net->clone());
  REQUIRE(same(ncopy->forward(x), net->forward(x)));
  REQUIRE(ncopy->conv.ptr() == ncopy->named_child("conv"));
  REQUIRE(ncopy->conv.ptr() != net->conv.ptr());
  REQUIRE_FALSE(ncopy->is_training());
  {
    NoGradGuard no_grad;
    ncopy->conv->weight.mul_(2);
    ncopy->scale.fill_(3);
  }
  REQUIRE_FALSE(allclose(ncopy->forward(x), net->forward(x)));
  REQUIRE(net->scale.item<double>() == 1);
  REQUIRE(nn::repr(*ncopy) == nn::repr(*net));

  nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().weight(ones({3})));
  auto cecopy = std::dynamic_pointer_cast<nn::CrossEntropyLossImpl>(ce->clone());
  REQUIRE(cecopy->options.weight().unsafeGetTensorImpl() != ce->options.weight().unsafeGetTensorImpl());
  REQUIRE(same(cecopy->named_buffers()["weight"], ones({3})));

  REQUIRE_THROWS_AS(Plain()->clone(), NotImplementedError);
}

TEST_CASE("clone() of containers clones every child and keeps names and forward", "[nn]") {
  nn::Sequential seq({{"fc", nn::Linear(3, 2)}, {"act", nn::ReLU()}, {"out", nn::Linear(2, 1)}});
  auto scopy = std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  REQUIRE(scopy != nullptr);
  REQUIRE(scopy->named_parameters().keys() == seq->named_parameters().keys());
  auto x = randn({4, 3});
  REQUIRE(same(scopy->forward(x), seq->forward(x)));
  REQUIRE(scopy->ptr(0) != seq->ptr(0));
  REQUIRE(nn::repr(*scopy) == nn::repr(*seq));

  nn::ModuleList list(nn::Linear(2, 2), nn::BatchNorm1d(2));
  list[1]->eval();
  auto lcopy = std::dynamic_pointer_cast<nn::ModuleListImpl>(list->clone());
  REQUIRE(lcopy->size() == 2);
  REQUIRE_FALSE(lcopy->ptr(1)->is_training());
  REQUIRE(lcopy->ptr(0)->named_parameters()["weight"].unsafeGetTensorImpl() !=
          list->ptr(0)->named_parameters()["weight"].unsafeGetTensorImpl());

  nn::ModuleDict dict(std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{{"a", nn::Linear(2, 2).ptr()}});
  auto dcopy = std::dynamic_pointer_cast<nn::ModuleDictImpl>(dict->clone());
  REQUIRE(dcopy->keys() == std::vector<std::string>{"a"});

  struct WithSeqImpl : nn::Cloneable<WithSeqImpl> {
    WithSeqImpl() { reset(); }
    void reset() override { body = register_module("body", nn::Sequential(nn::Linear(2, 2), nn::Tanh())); }
    nn::Sequential body{nullptr};
  };
  auto w = std::make_shared<WithSeqImpl>();
  auto wcopy = std::dynamic_pointer_cast<WithSeqImpl>(w->clone());
  REQUIRE(wcopy->body.ptr() == wcopy->named_child("body"));
  auto x2 = randn({3, 2});
  REQUIRE(same(wcopy->body->forward(x2), w->body->forward(x2)));
}
