// The C++ normalization, dropout and embedding layers and their nn::functional forms: parameters and
// buffers (names, values, dtypes), train/eval, momentum (incl. unset = cumulative average; values checked
// against PyTorch 2.13), from_pretrained, errors, and pretty_print equal to Python's repr.
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <sstream>

using namespace ember;
namespace F = ember::nn::functional;

namespace {
std::string str(const nn::Module& m) {
  std::ostringstream s;
  m.pretty_print(s);
  return s.str();
}
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
bool same(const Tensor& a, const Tensor& b) { return a.sizes() == b.sizes() && allclose(a, b, 0, 1e-12); }
}  // namespace

TEST_CASE("BatchNorm: state, train updates running stats, eval uses them, repr", "[nn]") {
  nn::BatchNorm1d bn(3);
  REQUIRE(bn->named_parameters().keys() == std::vector<std::string>{"weight", "bias"});
  REQUIRE(bn->named_buffers().keys() ==
          std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"});
  REQUIRE(values(bn->weight) == std::vector<double>{1, 1, 1});
  REQUIRE(values(bn->bias) == std::vector<double>{0, 0, 0});
  REQUIRE(values(bn->running_var) == std::vector<double>{1, 1, 1});
  REQUIRE(bn->num_batches_tracked.dtype() == kInt64);
  REQUIRE(bn->num_batches_tracked.dim() == 0);
  bn->to(kFloat64);
  REQUIRE(bn->num_batches_tracked.dtype() == kInt64);
  REQUIRE(bn->running_mean.dtype() == kFloat64);

  auto x = arange(0, 6, 1, TensorOptions().dtype(kFloat64)).reshape({2, 3});
  auto y = bn(x);
  // batch mean [1.5, 2.5, 3.5], biased variance 2.25: y = +-1.5 / sqrt(2.25 + 1e-5)
  double v = 1.5 / std::sqrt(2.25 + 1e-5);
  REQUIRE(same(y, tensor({-v, -v, -v, v, v, v}, kFloat64).reshape({2, 3})));
  REQUIRE(same(bn->running_mean, tensor({0.15, 0.25, 0.35}, kFloat64)));
  REQUIRE(same(bn->running_var, tensor({0.9 + 0.45, 0.9 + 0.45, 0.9 + 0.45}, kFloat64)));  // unbiased var 4.5
  REQUIRE(bn->num_batches_tracked.item<int64_t>() == 1);
  bn->eval();
  auto ye = bn(x);
  REQUIRE(same(ye, (x - bn->running_mean) / (bn->running_var + 1e-5).sqrt()));
  REQUIRE(bn->num_batches_tracked.item<int64_t>() == 1);

  // momentum unset: a cumulative average (PyTorch 2.13: running_mean [3, 5, 7], running_var [21, 21, 21])
  nn::BatchNorm1d cum(nn::BatchNorm1dOptions(3).momentum(std::nullopt));
  for (int i = 0; i < 3; ++i) cum(arange(0, 6, 1).reshape({2, 3}).to(kFloat32) * (i + 1));
  REQUIRE(values(cum->running_mean) == std::vector<double>{3, 5, 7});
  REQUIRE(values(cum->running_var) == std::vector<double>{21, 21, 21});
  REQUIRE(cum->num_batches_tracked.item<int64_t>() == 3);

  nn::BatchNorm2d plain(nn::BatchNorm2dOptions(2).affine(false).track_running_stats(false));
  REQUIRE(plain->named_parameters().is_empty());
  REQUIRE(plain->named_buffers().is_empty());
  plain->eval();
  auto x4 = randn({3, 2, 2, 2}, kFloat64);
  REQUIRE(same(plain(x4), F::batch_norm(x4, Tensor(), Tensor(), F::BatchNormFuncOptions().training(true))));

  REQUIRE(str(*nn::BatchNorm1d(16)) ==
          "BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)");
  REQUIRE(str(*nn::BatchNorm2d(nn::BatchNorm2dOptions(8).eps(1e-3).momentum(std::nullopt).affine(false)
                                    .track_running_stats(false))) ==
          "BatchNorm2d(8, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=False)");
  REQUIRE_THROWS_WITH(nn::BatchNorm2d(4)(randn({2, 4, 3})), "expected 4D input (got 3D input)");
  REQUIRE_THROWS_WITH(nn::BatchNorm1d(4)(randn({2, 4, 3, 3})), "expected 2D or 3D input (got 4D input)");
  REQUIRE_THROWS_WITH(nn::BatchNorm1d(4)(randn({1, 4})),
                      Catch::StartsWith("Expected more than 1 value per channel when training"));
  // backward through batch statistics
  nn::BatchNorm2d bn2(2);
  auto xg = randn({2, 2, 3, 3}).requires_grad_();
  (bn2(xg) * randn({2, 2, 3, 3})).sum().backward();
  REQUIRE(bn2->weight.grad().defined());
  REQUIRE(xg.grad().sizes() == xg.sizes());
}

TEST_CASE("LayerNorm and GroupNorm: parameters, values, repr", "[nn]") {
  nn::LayerNorm ln(nn::LayerNormOptions({2, 3}));
  REQUIRE(ln->weight.sizes() == std::vector<int64_t>{2, 3});
  ln->to(kFloat64);
  auto x = randn({4, 2, 3}, kFloat64);
  auto flat = x.reshape({4, 6});
  auto ref = ((flat - flat.mean(1, true)) / (flat.var(1, false, true) + 1e-5).sqrt()).reshape({4, 2, 3});
  REQUIRE(allclose(ln(x), ref, 0, 1e-10));
  REQUIRE(str(*nn::LayerNorm(nn::LayerNormOptions({10}))) ==
          "LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)");
  REQUIRE(str(*nn::LayerNorm(nn::LayerNormOptions({4, 5}).eps(1e-6).elementwise_affine(false))) ==
          "LayerNorm((4, 5), eps=1e-06, elementwise_affine=False, bias=False)");
  nn::LayerNorm nobias(nn::LayerNormOptions({4}).bias(false));
  REQUIRE(nobias->named_parameters().keys() == std::vector<std::string>{"weight"});

  nn::GroupNorm gn(2, 4);
  gn->to(kFloat64);
  auto x4 = randn({2, 4, 3}, kFloat64);
  REQUIRE(same(gn(x4), group_norm(x4, 2, gn->weight, gn->bias)));
  REQUIRE(same(F::group_norm(x4, F::GroupNormFuncOptions(2)), group_norm(x4, 2)));
  REQUIRE(same(F::layer_norm(x4, F::LayerNormFuncOptions({3}).eps(1e-3)), layer_norm(x4, {3}, std::nullopt, std::nullopt, 1e-3)));
  REQUIRE(str(*gn) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)");
  REQUIRE(str(*nn::GroupNorm(nn::GroupNormOptions(1, 3).eps(0.001).affine(false))) ==
          "GroupNorm(1, 3, eps=0.001, affine=False, bias=False)");
  REQUIRE_THROWS_WITH(nn::GroupNorm(3, 4), "num_channels (4) must be divisible by num_groups (3)");
}

TEST_CASE("Dropout modules and F::dropout: train / eval, p range, channels, repr", "[nn]") {
  manual_seed(0);
  auto x = ones({100, 100}, kFloat64);
  nn::Dropout d(0.25);
  auto y = d(x);
  double kept = (y != 0).to(kFloat64).mean().item<double>();
  REQUIRE(kept > 0.7);
  REQUIRE(kept < 0.8);
  REQUIRE(y.max().item<double>() == Approx(1 / 0.75));
  d->eval();
  REQUIRE(same(d(x), x));
  REQUIRE(same(F::dropout(x, F::DropoutFuncOptions().training(false)), x));
  auto c = nn::Dropout2d(0.5)(ones({4, 6, 3, 3})).reshape({4, 6, 9});
  REQUIRE(((c == 0).all(-1).logical_or((c == 2).all(-1))).all().item<bool>());
  auto c1 = F::dropout1d(ones({3, 8, 5}), F::Dropout1dFuncOptions().p(0.5));
  REQUIRE(((c1 == 0).all(-1).logical_or((c1 == 2).all(-1))).all().item<bool>());
  REQUIRE_THROWS_AS(F::dropout1d(ones({2, 3, 4, 5})), Error);
  REQUIRE_THROWS_WITH(nn::Dropout(1.5), "dropout probability has to be between 0 and 1, but got 1.5");
  REQUIRE_THROWS_WITH(F::dropout(x, F::DropoutFuncOptions().p(-0.1)),
                      "dropout probability has to be between 0 and 1, but got -0.1");
  auto z = ones({10, 10});
  auto r = F::dropout(z, F::DropoutFuncOptions().p(0.5).inplace(true));
  REQUIRE(r.unsafeGetTensorImpl() == z.unsafeGetTensorImpl());
  REQUIRE(str(*nn::Dropout()) == "Dropout(p=0.5, inplace=False)");
  REQUIRE(str(*nn::Dropout(nn::DropoutOptions(0.2).inplace(true))) == "Dropout(p=0.2, inplace=True)");
  REQUIRE(str(*nn::Dropout1d(0.3)) == "Dropout1d(p=0.3, inplace=False)");
  REQUIRE(str(*nn::Dropout2d()) == "Dropout2d(p=0.5, inplace=False)");
}

TEST_CASE("Embedding: init, padding_idx, forward, grad, from_pretrained, repr", "[nn]") {
  manual_seed(0);
  nn::Embedding e(nn::EmbeddingOptions(10, 3).padding_idx(2));
  REQUIRE(e->weight.sizes() == std::vector<int64_t>{10, 3});
  REQUIRE(e->weight.select(0, 2).abs().sum().item<double>() == 0);
  auto idx = tensor({0, 2, 4, 2}, TensorOptions().dtype(kInt64)).reshape({2, 2});
  auto out = e(idx);
  REQUIRE(out.sizes() == std::vector<int64_t>{2, 2, 3});
  REQUIRE(same(out.select(0, 1).select(0, 0), e->weight.select(0, 4).detach()));
  out.sum().backward();
  REQUIRE(values(e->weight.grad().select(0, 2)) == std::vector<double>{0, 0, 0});
  REQUIRE(values(e->weight.grad().select(0, 0)) == std::vector<double>{1, 1, 1});
  REQUIRE(nn::Embedding(nn::EmbeddingOptions(5, 2).padding_idx(-2))->options.padding_idx() == 3);

  auto w = arange(0, 6, 1, TensorOptions().dtype(kFloat64)).reshape({3, 2});
  auto pre = nn::Embedding::from_pretrained(w);
  REQUIRE_FALSE(pre->weight.requires_grad());
  REQUIRE(same(pre(tensor({2, 0}, TensorOptions().dtype(kInt64))), tensor({4.0, 5.0, 0.0, 1.0}, kFloat64).reshape({2, 2})));
  REQUIRE(nn::Embedding::from_pretrained(w, nn::EmbeddingFromPretrainedOptions().freeze(false))->weight.requires_grad());
  REQUIRE(same(F::embedding(tensor({1}, TensorOptions().dtype(kInt64)), w), w.select(0, 1).unsqueeze(0)));
  REQUIRE_THROWS_WITH(nn::Embedding::from_pretrained(zeros({4})), "Embeddings parameter is expected to be 2-dimensional");
  REQUIRE_THROWS_WITH(nn::Embedding(nn::EmbeddingOptions(5, 2).padding_idx(5)), "Padding_idx must be within num_embeddings");
  REQUIRE_THROWS_AS(nn::Embedding(nn::EmbeddingOptions(5, 2).max_norm(1.0))(tensor({0}, TensorOptions().dtype(kInt64))),
                    NotImplementedError);
  REQUIRE(str(*nn::Embedding(10, 3)) == "Embedding(10, 3)");
  REQUIRE(str(*nn::Embedding(nn::EmbeddingOptions(10, 3).padding_idx(-1).max_norm(1.0).norm_type(1.0)
                                 .scale_grad_by_freq(true).sparse(true))) ==
          "Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True)");
}

TEST_CASE("F::pad, F::one_hot, F::interpolate", "[nn]") {
  auto x = arange(0, 4, 1, TensorOptions().dtype(kFloat64)).reshape({1, 1, 2, 2});
  REQUIRE(same(F::pad(x, F::PadFuncOptions({1, 1}).value(7)), pad(x, {1, 1}, "constant", 7.0)));
  REQUIRE(same(F::pad(x, F::PadFuncOptions({1, 0, 1, 0}).mode(kReplicate)), pad(x, {1, 0, 1, 0}, "replicate")));
  REQUIRE(same(F::one_hot(tensor({0, 2}, TensorOptions().dtype(kInt64)), 3),
               tensor({1, 0, 0, 0, 0, 1}, TensorOptions().dtype(kInt64)).reshape({2, 3})));
  REQUIRE(F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<int64_t>{4, 4})).sizes() ==
          std::vector<int64_t>{1, 1, 4, 4});
  REQUIRE(same(F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2}).mode(kBilinear)
                                     .align_corners(false)),
               upsample_bilinear2d(x, {4, 4}, false, 2.0, 2.0)));
  REQUIRE_THROWS_AS(F::interpolate(x.reshape({1, 4}), F::InterpolateFuncOptions().size(std::vector<int64_t>{2})),
                    NotImplementedError);
  REQUIRE_THROWS_AS(F::interpolate(x), ValueError);
}
