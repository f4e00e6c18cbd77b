// nn::ParameterList / ParameterDict, nn::Bilinear (+ F::bilinear) and nn::init::trunc_normal_ / dirac_:
// registration names, values against hand computations, Python's repr texts.
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
}  // namespace

TEST_CASE("ParameterList and ParameterDict register parameters and print as Python", "[nn]") {
  nn::ParameterList list(ones({3}), zeros({2, 3}));
  REQUIRE(list->size() == 2);
  REQUIRE(list->named_parameters().keys() == std::vector<std::string>{"0", "1"});
  REQUIRE(list[1].sizes() == std::vector<int64_t>{2, 3});
  REQUIRE(list[0].requires_grad());
  list->append(randn({4}, kFloat64));
  REQUIRE(list->parameters().size() == 3);
  REQUIRE_THROWS_AS(list->at(5), IndexError);
  REQUIRE(str(*list) == "ParameterList(\n    (0): Parameter containing: [ember.float32 of size 3]\n"
                        "    (1): Parameter containing: [ember.float32 of size 2x3]\n"
                        "    (2): Parameter containing: [ember.float64 of size 4]\n)");
  REQUIRE(str(*nn::ParameterList(ones({3}))) == "ParameterList(  (0): Parameter containing: [ember.float32 of size 3])");
  REQUIRE(str(*nn::ParameterList()) == "ParameterList()");

  nn::ParameterDict dict;
  dict->insert("a", ones({2}));
  dict->insert("b", zeros({1, 2}));
  dict->insert("a", zeros({3}));
  REQUIRE(dict->keys() == std::vector<std::string>{"a", "b"});
  REQUIRE(dict["a"].sizes() == std::vector<int64_t>{3});
  REQUIRE(dict->named_parameters()["b"].requires_grad());
  REQUIRE(str(*dict) == "ParameterDict(\n    (a): Parameter containing: [ember.FloatTensor of size 3]\n"
                        "    (b): Parameter containing: [ember.FloatTensor of size 1x2]\n)");
  auto popped = dict->pop("a");
  REQUIRE(popped.sizes() == std::vector<int64_t>{3});
  REQUIRE(dict->size() == 1);
  REQUIRE_THROWS_AS(dict->pop("zzz"), IndexError);

  struct HolderImpl : nn::Module {
    HolderImpl() { plist = register_module("plist", nn::ParameterList(ones({2}))); }
    nn::ParameterList plist{nullptr};
  };
  auto h = std::make_shared<HolderImpl>();
  REQUIRE(h->named_parameters().keys() == std::vector<std::string>{"plist.0"});
}

TEST_CASE("Bilinear: shapes, init bounds, forward against a hand computation, repr", "[nn]") {
  manual_seed(0);
  nn::Bilinear bl(2, 3, 4);
  REQUIRE(bl->weight.sizes() == std::vector<int64_t>{4, 2, 3});
  REQUIRE(bl->weight.abs().max().item<double>() <= 1 / std::sqrt(2.0));
  REQUIRE(str(*bl) == "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)");
  bl->to(kFloat64);
  auto x1 = randn({5, 2}, kFloat64);
  auto x2 = randn({5, 3}, kFloat64);
  auto y = bl(x1, x2);
  // y[n, o] = sum_ij x1[n, i] A[o, i, j] x2[n, j] + b[o]
  auto ref = (x1.unsqueeze(1).unsqueeze(3) * bl->weight.unsqueeze(0) * x2.unsqueeze(1).unsqueeze(2))
                 .sum(std::vector<int64_t>{2, 3}) + bl->bias;
  REQUIRE(allclose(y, ref, 0, 1e-12));
  REQUIRE(F::bilinear(x1.unsqueeze(0), x2.unsqueeze(0), bl->weight).sizes() == std::vector<int64_t>{1, 5, 4});
  REQUIRE_THROWS_AS(bl(x1, randn({4, 3}, kFloat64)), Error);
  REQUIRE(nn::Bilinear(nn::BilinearOptions(2, 3, 4).bias(false))->named_parameters().keys() ==
          std::vector<std::string>{"weight"});
}

TEST_CASE("init::trunc_normal_ and init::dirac_", "[nn]") {
  manual_seed(0);
  auto t = empty({20000});
  nn::init::trunc_normal_(t, 1.0, 2.0, -1.0, 2.0);
  REQUIRE(t.min().item<double>() >= -1.0);
  REQUIRE(t.max().item<double>() <= 2.0);
  // the mean of N(1, 4) truncated to [-1, 2] is 1 + 2 (phi(-1) - phi(0.5)) / (Phi(0.5) - Phi(-1)) = 0.5867...
  REQUIRE(t.mean().item<double>() == Approx(0.5867).margin(0.03));
  auto s = empty({50000}, kFloat64);
  nn::init::trunc_normal_(s);
  REQUIRE(s.std().item<double>() == Approx(0.8796).margin(0.01));  // std of N(0, 1) truncated to [-2, 2]

  auto w = empty({4, 2, 3, 3});
  nn::init::dirac_(w, 2);
  REQUIRE(w.sum().item<double>() == 4);
  REQUIRE(w.select(0, 0).select(0, 0).select(0, 1).select(0, 1).item<double>() == 1);
  REQUIRE(w.select(0, 3).select(0, 1).select(0, 1).select(0, 1).item<double>() == 1);
  auto x = randn({1, 4, 5, 5});
  auto y = conv2d(x, nn::init::dirac_(empty({4, 4, 3, 3})), std::nullopt, IntArrayRef({1, 1}), IntArrayRef({1, 1}));
  REQUIRE(allclose(y, x));
  REQUIRE_THROWS_WITH(nn::init::dirac_(empty({2, 2})), "Only tensors with 3, 4, or 5 dimensions are supported");
  REQUIRE_THROWS_WITH(nn::init::dirac_(empty({3, 2, 3}), 2), "dim 0 must be divisible by groups");
}
