// Issue 17 (continued) from C++: out= resizing (with ember::warn), bit shifts, view(dtype), resize_,
// Python-number range checks of alpha / pow. Expected values are libtorch's.
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <string>
#include <vector>

namespace {
std::vector<double> vals(const ember::Tensor& t) {
  ember::Tensor c = t.to(std::nullopt, ember::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
std::vector<std::string> g_warnings;
void record(const std::string& msg) { g_warnings.push_back(msg); }
}  // namespace

TEST_CASE("Note [out= resizing]: out= of another shape is resized; a non-empty one warns", "[parity]") {
  g_warnings.clear();
  auto previous = ember::set_warning_handler(&record);
  auto a = ember::arange(6.0).reshape({2, 3});
  auto out = ember::empty({0});
  ember::add_out(out, a, ember::ones({3}), 1);
  REQUIRE(out.sizes() == std::vector<int64_t>{2, 3});
  REQUIRE(out.strides() == std::vector<int64_t>{3, 1});
  REQUIRE(vals(out) == std::vector<double>{1, 2, 3, 4, 5, 6});
  REQUIRE(g_warnings.empty());
  auto big = ember::empty({5});
  ember::exp_out(big, ember::zeros({2, 2}));
  REQUIRE(big.sizes() == std::vector<int64_t>{2, 2});
  REQUIRE(g_warnings.size() == 1);
  REQUIRE(g_warnings[0].find("An output with one or more elements was resized since it had shape [5]") == 0);
  ember::set_warning_handler(previous);
  auto expanded = ember::empty({1}).expand({3});
  REQUIRE_THROWS_WITH(ember::add_out(expanded, ember::ones({2}), ember::ones({2}), 1),
                      Catch::Contains("more than one element of the written-to tensor"));
  auto t = ember::arange(6.0);
  t.resize_({2, 2});
  REQUIRE(vals(t) == std::vector<double>{0, 1, 2, 3});
  t.resize_({3, 3});
  REQUIRE(t.numel() == 9);
}

TEST_CASE("bitwise_left_shift / bitwise_right_shift follow PyTorch past the bit width", "[parity]") {
  auto a = ember::tensor({int64_t(1), int64_t(-1), int64_t(5)}).to(ember::kInt8);
  REQUIRE(vals(ember::bitwise_left_shift(a, 1)) == std::vector<double>{2, -2, 10});
  REQUIRE(vals(ember::bitwise_left_shift(a, 8)) == std::vector<double>{0, 0, 0});
  REQUIRE(vals(ember::bitwise_right_shift(a, 9)) == std::vector<double>{0, -1, 0});
  REQUIRE(vals(ember::bitwise_right_shift(a, -1)) == std::vector<double>{0, -1, 0});
  REQUIRE(vals(a.bitwise_left_shift(ember::full({3}, 2, ember::kInt8))) == std::vector<double>{4, -4, 20});
  auto b = a.clone();
  b.bitwise_left_shift_(3);
  REQUIRE(vals(b) == std::vector<double>{8, -8, 40});
  REQUIRE_THROWS_AS(ember::bitwise_left_shift(ember::ones({2}), 1), ember::NotImplementedError);
  REQUIRE(ember::find_op("aten::bitwise_left_shift.Tensor_Scalar") != nullptr);
  REQUIRE(ember::find_op("aten::bitwise_right_shift_.Tensor") != nullptr);
}

TEST_CASE("view(dtype) reinterprets memory with PyTorch's size rules", "[parity]") {
  auto a = ember::arange(12.0, ember::kFloat32).reshape({3, 4});
  auto i = a.view(ember::kInt32);
  REQUIRE(i.sizes() == std::vector<int64_t>{3, 4});
  REQUIRE(i.data_ptr() == a.data_ptr());
  REQUIRE(a.view(ember::kFloat64).sizes() == std::vector<int64_t>{3, 2});
  REQUIRE(a.view(ember::kFloat16).sizes() == std::vector<int64_t>{3, 8});
  REQUIRE_THROWS_WITH(a.t().view(ember::kFloat16),
                      Catch::Contains("self.stride(-1) must be 1 to view Float as Half (different element sizes)"));
  REQUIRE_THROWS_WITH(ember::full({}, 1.0).view(ember::kFloat64), Catch::Contains("self.dim() cannot be 0"));
}

TEST_CASE("Python-number conversions that PyTorch checks: alpha, pow exponent", "[parity]") {
  auto u = ember::ones({1}, ember::kUInt8);
  REQUIRE_THROWS_WITH(ember::add(u, u, 300), Catch::Contains("value cannot be converted to type uint8_t without overflow"));
  REQUIRE_THROWS_WITH(ember::pow(u, 300), Catch::Contains("without overflow"));
  REQUIRE_THROWS_WITH(ember::pow(ember::tensor({int64_t(1)}), -1), Catch::Contains("negative integer powers"));
  auto base = ember::tensor({int64_t(1), int64_t(-1), int64_t(2), int64_t(0)});
  REQUIRE(vals(ember::pow(base, ember::full({}, -1, ember::kInt64))) == std::vector<double>{1, -1, 0, 0});
}

TEST_CASE("in-place forms of native ops: tril_, cumsum_, addmm_, index_add_", "[parity]") {
  auto t = ember::ones({2, 2});
  t.tril_();
  REQUIRE(vals(t) == std::vector<double>{1, 0, 1, 1});
  t.cumsum_(0);
  REQUIRE(vals(t) == std::vector<double>{1, 0, 2, 1});
  auto m = ember::zeros({2, 2});
  m.addmm_(ember::ones({2, 3}), ember::ones({3, 2}));
  REQUIRE(vals(m) == std::vector<double>{3, 3, 3, 3});
  auto x = ember::zeros({3});
  x.index_add_(0, ember::tensor({int64_t(0), int64_t(2), int64_t(0)}), ember::ones({3}), 2);
  REQUIRE(vals(x) == std::vector<double>{4, 0, 2});
  REQUIRE(ember::find_op("aten::index_add_.default") != nullptr);
  auto u = ember::ones({2, 2});
  u.triu_();
  REQUIRE(vals(u) == std::vector<double>{1, 1, 0, 1});
  auto c = ember::full({3}, 2.0);
  c.cumprod_(0);
  REQUIRE(vals(c) == std::vector<double>{2, 4, 8});
  auto b = ember::zeros({2, 2, 2});
  b.baddbmm_(ember::ones({2, 2, 3}), ember::ones({2, 3, 2}), 1, 2);
  REQUIRE(vals(b) == std::vector<double>(8, 6.0));
  auto l = ember::zeros({2});
  l.lerp_(ember::ones({2}), ember::full({2}, 0.25));  // aten::lerp_.Tensor
  REQUIRE(vals(l) == std::vector<double>{0.25, 0.25});
  auto q = ember::tensor({int64_t(7), int64_t(-7)});
  q.div_(ember::full({}, 2, ember::kInt64), "floor");  // aten::div_.Tensor_mode
  REQUIRE(vals(q) == std::vector<double>{3, -4});
  REQUIRE(ember::find_op("aten::div_.Tensor_mode") != nullptr);
}
