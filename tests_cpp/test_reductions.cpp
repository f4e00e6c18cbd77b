#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

TEST_CASE("max / min overloads, argmax, prod and their gradients from C++") {
  auto x = tensor({1.0, 5.0, 3.0, 7.0, 2.0, 0.0}).reshape({2, 3});
  REQUIRE(ember::max(x).item<double>() == 7.0);
  REQUIRE(x.min().item<double>() == 0.0);
  auto [v, i] = ember::max(x, 1);
  REQUIRE(v.sizes().vec() == std::vector<int64_t>{2});
  REQUIRE(i.dtype() == kInt64);
  REQUIRE(i.select(0, 0).item<int64_t>() == 1);
  REQUIRE(i.select(0, 1).item<int64_t>() == 0);
  auto [mv, mi] = x.min_dim(0, true);
  REQUIRE(mv.sizes().vec() == std::vector<int64_t>{1, 3});
  REQUIRE(mi.select(0, 0).select(0, 2).item<int64_t>() == 1);
  REQUIRE(ember::max(x, zeros({2, 3})).sum().item<double>() == 18.0);
  REQUIRE(x.argmax().item<int64_t>() == 3);
  REQUIRE(x.argmin(1, true).sizes().vec() == std::vector<int64_t>{2, 1});
  REQUIRE(x.prod(1).select(0, 1).item<double>() == 0.0);
  REQUIRE(x.amax({0, 1}).item<double>() == 7.0);
  REQUIRE(x.all().item<bool>() == false);
  REQUIRE(x.any(1).dtype() == kBool);
  REQUIRE(x.count_nonzero().item<int64_t>() == 5);

  auto y = x.detach().requires_grad_();
  auto [yv, yi] = ember::max(y, 1);
  yv.sum().backward();
  REQUIRE(y.grad().select(0, 0).select(0, 1).item<double>() == 1.0);
  REQUIRE(y.grad().sum().item<double>() == 2.0);
  REQUIRE_FALSE(yi.requires_grad());
  auto z = x.detach().requires_grad_();
  z.prod(1).sum().backward();
  REQUIRE(z.grad().select(0, 1).select(0, 2).item<double>() == 14.0);  // the zero gets the product of the others
  REQUIRE(z.grad().select(0, 1).select(0, 0).item<double>() == 0.0);
  CHECK_THROWS_WITH(zeros({0}).max(), Catch::Contains("Expected reduction dim to be specified"));
}
