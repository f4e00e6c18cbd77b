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
  auto [mv, mi] = x.min(0, true);
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

TEST_CASE("reductions over the outer dim of a large contiguous tensor (copy-free column path)") {
  const int64_t R = 300, C = 500;  // 150000 elements: the parallel loops run
  auto x = arange(R * C).to(kFloat).reshape({R, C});
  x = (x * 7.0).remainder(1009.0);  // values with ties
  std::vector<float> h(x.data_ptr<float>(), x.data_ptr<float>() + R * C);
  auto [v, i] = ember::max(x, 0);
  auto s = x.sum(0);
  auto am = x.amin({0}, true);
  REQUIRE(am.sizes().vec() == std::vector<int64_t>{1, C});
  for (int64_t c = 0; c < C; c += 37) {
    float best = h[c], lo = h[c];
    int64_t bi = 0;
    double tot = 0;
    for (int64_t r = 0; r < R; ++r) {
      float e = h[r * C + c];
      if (e > best) best = e, bi = r;
      lo = std::min(lo, e);
      tot += e;
    }
    REQUIRE(v.select(0, c).item<float>() == best);
    REQUIRE(i.select(0, c).item<int64_t>() == bi);
    REQUIRE(am.select(1, c).item<float>() == lo);
    REQUIRE(s.select(0, c).item<double>() == Approx(tot).epsilon(1e-6));
  }
  auto t = x.t();  // not contiguous: the row path
  REQUIRE(std::get<1>(ember::max(t, 1)).select(0, 5).item<int64_t>() == i.select(0, 5).item<int64_t>());
}
