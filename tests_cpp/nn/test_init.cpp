// ember::nn::init (statistics with a seeded generator, exact fills, gains and fans) and
// ember::nn::utils (gradient clipping, parameters <-> vector).
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <cmath>
#include <limits>

using namespace ember;
namespace init = ember::nn::init;

namespace {
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
struct Stats {
  double mean, std, min, max;
};
Stats stats(const Tensor& t) {
  auto v = values(t);
  double s = 0, s2 = 0, lo = v[0], hi = v[0];
  for (double x : v) {
    s += x;
    s2 += x * x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  double n = static_cast<double>(v.size()), mean = s / n;
  return {mean, std::sqrt(s2 / n - mean * mean), lo, hi};
}
}  // namespace

TEST_CASE("init: gains and fans", "[nn]") {
  REQUIRE(init::calculate_gain(kLinear) == 1.0);
  REQUIRE(init::calculate_gain(kConv2D) == 1.0);
  REQUIRE(init::calculate_gain(kSigmoid) == 1.0);
  REQUIRE(init::calculate_gain(kTanh) == Approx(5.0 / 3));
  REQUIRE(init::calculate_gain(kReLU) == Approx(std::sqrt(2.0)));
  REQUIRE(init::calculate_gain(kLeakyReLU) == Approx(std::sqrt(2.0 / (1 + 0.01 * 0.01))));
  REQUIRE(init::calculate_gain(kLeakyReLU, 0.2) == Approx(std::sqrt(2.0 / 1.04)));
  REQUIRE(init::calculate_gain(kSELU) == 0.75);
  REQUIRE(enumtype::get_enum_name(init::FanModeType(kFanOut)) == "fan_out");
  REQUIRE(enumtype::get_enum_name(init::NonlinearityType(kLeakyReLU)) == "leaky_relu");
  auto [fin, fout] = init::_calculate_fan_in_and_fan_out(empty({16, 3, 5, 5}));
  REQUIRE(fin == 75);
  REQUIRE(fout == 400);
  REQUIRE_THROWS_WITH(init::_calculate_fan_in_and_fan_out(empty({3})),
                      "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
}

TEST_CASE("init: exact fills", "[nn]") {
  auto w = empty({2, 3}).requires_grad_();
  auto out = init::constant_(w, 0.5);
  REQUIRE(out.is_same(w));
  REQUIRE(values(w) == std::vector<double>(6, 0.5));
  REQUIRE(w.is_leaf());  // filled under NoGradGuard: no history
  init::ones_(w);
  REQUIRE(values(w) == std::vector<double>(6, 1.0));
  init::zeros_(w);
  REQUIRE(values(w) == std::vector<double>(6, 0.0));
  init::eye_(w);
  REQUIRE(values(w) == std::vector<double>{1, 0, 0, 0, 1, 0});
  REQUIRE_THROWS_AS(init::eye_(empty({2, 2, 2})), ValueError);
  REQUIRE_THROWS_AS(init::orthogonal_(empty({3, 3})), NotImplementedError);
}

TEST_CASE("init: random fills follow their distributions (seeded generator)", "[nn]") {
  Generator gen(123);
  auto t = empty({200, 500}, kFloat64);
  auto s = stats(init::uniform_(t, -2, 3, gen));
  REQUIRE(s.min >= -2);
  REQUIRE(s.max <= 3);
  REQUIRE(s.mean == Approx(0.5).margin(0.02));
  s = stats(init::normal_(t, 1.0, 2.0, gen));
  REQUIRE(s.mean == Approx(1.0).margin(0.02));
  REQUIRE(s.std == Approx(2.0).epsilon(0.01));
  // xavier: fan_in 500, fan_out 200
  double xs = std::sqrt(2.0 / 700);
  s = stats(init::xavier_uniform_(t, 1.0, gen));
  REQUIRE(s.max <= std::sqrt(3.0) * xs);
  REQUIRE(s.std == Approx(xs).epsilon(0.01));
  s = stats(init::xavier_normal_(t, 2.0, gen));
  REQUIRE(s.std == Approx(2 * xs).epsilon(0.01));
  // kaiming: std = gain / sqrt(fan)
  s = stats(init::kaiming_normal_(t, 0, kFanOut, kReLU, gen));
  REQUIRE(s.std == Approx(std::sqrt(2.0) / std::sqrt(200.0)).epsilon(0.01));
  s = stats(init::kaiming_uniform_(t, 0, kFanIn, kReLU, gen));
  double bound = std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(500.0);
  REQUIRE(s.max <= bound);
  REQUIRE(s.min >= -bound);
  REQUIRE(s.std == Approx(bound / std::sqrt(3.0)).epsilon(0.01));
  // the same seed gives the same draw
  auto a = init::kaiming_uniform_(empty({4, 4}), std::sqrt(5.0), kFanIn, kLeakyReLU, Generator(7));
  auto b = init::kaiming_uniform_(empty({4, 4}), std::sqrt(5.0), kFanIn, kLeakyReLU, Generator(7));
  REQUIRE(values(a) == values(b));
  // the default generator
  manual_seed(5);
  auto c = init::normal_(empty({8}));
  manual_seed(5);
  REQUIRE(values(init::normal_(empty({8}))) == values(c));
  // zero elements: a no-op
  REQUIRE(init::kaiming_uniform_(empty({0, 3})).numel() == 0);
}

TEST_CASE("utils: clip_grad_norm_ and clip_grad_value_", "[nn]") {
  auto a = zeros({2}, kFloat64).requires_grad_();
  auto b = zeros({1}, kFloat64).requires_grad_();
  a.set_grad(tensor({3.0, 0.0}, kFloat64));
  b.set_grad(tensor({4.0}, kFloat64));
  double total = nn::utils::clip_grad_norm_({a, b}, 1.0);
  REQUIRE(total == Approx(5.0));
  REQUIRE(values(a.grad())[0] == Approx(3.0 / (5.0 + 1e-6)));
  REQUIRE(values(b.grad())[0] == Approx(4.0 / (5.0 + 1e-6)));
  // below max_norm: unchanged
  a.set_grad(tensor({0.3, 0.0}, kFloat64));
  b.set_grad(tensor({0.4}, kFloat64));
  REQUIRE(nn::utils::clip_grad_norm_({a, b}, 1.0) == Approx(0.5));
  REQUIRE(values(a.grad()) == std::vector<double>{0.3, 0.0});
  // inf norm, single tensor, no grads
  a.set_grad(tensor({-6.0, 2.0}, kFloat64));
  REQUIRE(nn::utils::clip_grad_norm_(a, 3.0, std::numeric_limits<double>::infinity()) == 6.0);
  REQUIRE(values(a.grad())[0] == Approx(-3.0).epsilon(1e-6));
  REQUIRE(nn::utils::clip_grad_norm_({zeros({1})}, 1.0) == 0.0);
  a.set_grad(tensor({std::nan(""), 1.0}, kFloat64));
  REQUIRE_THROWS_WITH(nn::utils::clip_grad_norm_(a, 1.0, 2.0, true), Catch::Contains("is non-finite"));
  a.set_grad(tensor({-6.0, 0.5}, kFloat64));
  nn::utils::clip_grad_value_(a, 1.0);
  REQUIRE(values(a.grad()) == std::vector<double>{-1.0, 0.5});
}

TEST_CASE("utils: parameters_to_vector and vector_to_parameters", "[nn]") {
  nn::Linear fc(3, 2);
  auto vec = nn::utils::parameters_to_vector(fc->parameters());
  REQUIRE(vec.sizes() == IntArrayRef{8});
  auto w = values(fc->weight), b = values(fc->bias);
  std::vector<double> expected = w;
  expected.insert(expected.end(), b.begin(), b.end());
  REQUIRE(values(vec) == expected);
  nn::utils::vector_to_parameters(arange(8, kFloat32), fc->parameters());
  REQUIRE(values(fc->weight) == std::vector<double>{0, 1, 2, 3, 4, 5});
  REQUIRE(values(fc->bias) == std::vector<double>{6, 7});
  REQUIRE(fc->weight.requires_grad());
  REQUIRE_THROWS_WITH(nn::utils::vector_to_parameters(arange(7, kFloat32), fc->parameters()),
                      "vector_to_parameters: the vector has 7 elements but the parameters have 8");
}
