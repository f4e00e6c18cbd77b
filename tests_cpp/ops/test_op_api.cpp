// Every op of the schema called from C++, as a user writes it (ember::op(...) and Tensor methods),
// with expected values: the ops the family tests of this folder do not reach. tests_py/
// test_schema_coverage.py fails when a schema op is called from no C++ test.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <ember/ember.h>

using namespace ember;
using V = std::vector<double>;

namespace {

V vals(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return V(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

bool near(const V& a, const V& b, double tol = 1e-6) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::abs(a[i] - b[i]) <= tol * (1 + std::abs(b[i])))) return false;
  return true;
}

template <class F>
V map(const V& x, F f) {
  V r;
  for (double v : x) r.push_back(f(v));
  return r;
}

Tensor t64(std::initializer_list<double> v) { return tensor(v).to(kFloat64); }

}  // namespace

TEST_CASE("op api: unary math", "[op_api]") {
  V x{0.1, 0.4, 0.7};
  Tensor t = t64({0.1, 0.4, 0.7});
  REQUIRE(near(vals(acos(t)), map(x, [](double v) { return std::acos(v); })));
  REQUIRE(near(vals(asin(t)), map(x, [](double v) { return std::asin(v); })));
  REQUIRE(near(vals(atan(t)), map(x, [](double v) { return std::atan(v); })));
  REQUIRE(near(vals(cos(t)), map(x, [](double v) { return std::cos(v); })));
  REQUIRE(near(vals(cosh(t)), map(x, [](double v) { return std::cosh(v); })));
  REQUIRE(near(vals(sinh(t)), map(x, [](double v) { return std::sinh(v); })));
  REQUIRE(near(vals(tan(t)), map(x, [](double v) { return std::tan(v); })));
  REQUIRE(near(vals(exp2(t)), map(x, [](double v) { return std::exp2(v); })));
  REQUIRE(near(vals(expm1(t)), map(x, [](double v) { return std::expm1(v); })));
  REQUIRE(near(vals(log2(t)), map(x, [](double v) { return std::log2(v); })));
  REQUIRE(near(vals(log10(t)), map(x, [](double v) { return std::log10(v); })));
  REQUIRE(near(vals(rsqrt(t)), map(x, [](double v) { return 1 / std::sqrt(v); })));
  REQUIRE(near(vals(reciprocal(t)), map(x, [](double v) { return 1 / v; })));
  REQUIRE(near(vals(square(t)), map(x, [](double v) { return v * v; })));
  REQUIRE(near(vals(neg(t)), map(x, [](double v) { return -v; })));
  REQUIRE(vals(ceil(t64({-0.5, 1.2}))) == V{-0.0, 2.0});
  REQUIRE(vals(nan_to_num(t64({NAN, INFINITY, 1.0}), 0.0, 5.0)) == V{0, 5, 1});
  REQUIRE(vals(isfinite(t64({NAN, INFINITY, 1.0}))) == V{0, 0, 1});
  REQUIRE(vals(threshold_backward(t64({1, 2, 3}), t64({-1, 0, 1}), 0)) == V{0, 0, 3});
}

TEST_CASE("op api: binary math, comparisons, logical and bitwise ops", "[op_api]") {
  Tensor a = t64({1, -2, 3}), b = t64({2, 2, -1});
  REQUIRE(vals(sub(a, b)) == V{-1, -4, 4});
  REQUIRE(vals(maximum(a, b)) == V{2, 2, 3});
  REQUIRE(vals(minimum(a, b)) == V{1, -2, -1});
  REQUIRE(near(vals(atan2(a, b)), V{std::atan2(1, 2), std::atan2(-2, 2), std::atan2(3, -1)}));
  REQUIRE(vals(floor_divide(a, b)) == V{0, -1, -3});
  REQUIRE(vals(a.ge(b)) == V{0, 0, 1});
  REQUIRE(vals(gt(a, b)) == V{0, 0, 1});
  REQUIRE(vals(lt(a, b)) == V{1, 1, 0});
  REQUIRE(vals(ne(a, b)) == V{1, 1, 1});
  REQUIRE(vals(isclose(a, a + 1e-9)) == V{1, 1, 1});
  Tensor p = tensor({true, true, false}), q = tensor({true, false, false});
  REQUIRE(vals(logical_and(p, q)) == V{1, 0, 0});
  REQUIRE(vals(logical_or(p, q)) == V{1, 1, 0});
  REQUIRE(vals(logical_xor(p, q)) == V{0, 1, 0});
  REQUIRE(vals(logical_not(q)) == V{0, 1, 1});
  Tensor i = tensor({int64_t{12}, int64_t{10}}), j = tensor({int64_t{10}, int64_t{6}});
  REQUIRE(vals(bitwise_and(i, j)) == V{8, 2});
  REQUIRE(vals(bitwise_or(i, j)) == V{14, 14});
  REQUIRE(vals(bitwise_xor(i, j)) == V{6, 12});
  REQUIRE(vals(bitwise_not(i)) == V{-13, -11});
  Tensor c = t64({-3, 0.5, 4});
  REQUIRE(&c.clip_(-1, 1) == &c);
  REQUIRE(vals(c) == V{-1, 0.5, 1});
}

TEST_CASE("op api: factories and conversions", "[op_api]") {
  Tensor x = ones({2, 3}, kFloat64);
  REQUIRE(empty_like(x).sizes().equals({2, 3}));
  REQUIRE(vals(full_like(x, 4)) == V(6, 4.0));
  REQUIRE(rand_like(x).dtype() == kFloat64);
  REQUIRE(x.new_empty({4}).sizes().equals({4}));
  REQUIRE(vals(x.new_full({2}, 3)) == V{3, 3});
  REQUIRE(vals(x.new_ones({2})) == V{1, 1});
  REQUIRE(vals(x.new_zeros({1})) == V{0});
  REQUIRE(near(vals(logspace(0, 2, 3)), V{1, 10, 100}));
  REQUIRE(vals(tril(ones({2, 2}))) == V{1, 0, 1, 1});
  REQUIRE(vals(triu(ones({2, 2}))) == V{1, 1, 0, 1});
  REQUIRE(x.type_as(ones({1}, kInt32)).dtype() == kInt32);
  Tensor y = zeros({2, 3}, kFloat64);
  y.copy_(x);
  REQUIRE(vals(y) == V(6, 1.0));
  y.zero_();
  REQUIRE(vals(y) == V(6, 0.0));
}

TEST_CASE("op api: shape ops", "[op_api]") {
  Tensor x = arange(6, kFloat64).view({2, 3});
  REQUIRE(x.permute({1, 0}).sizes().equals({3, 2}));
  REQUIRE(vals(x.permute({1, 0})) == V{0, 3, 1, 4, 2, 5});
  REQUIRE(x.flatten().sizes().equals({6}));
  REQUIRE(unflatten(x.flatten(), 0, {3, 2}).sizes().equals({3, 2}));
  REQUIRE(x.view_as(ones({3, 2})).sizes().equals({3, 2}));
  REQUIRE(x.reshape_as(ones({6})).sizes().equals({6}));
  REQUIRE(vals(slice(x, 1, 0, 3, 2)) == V{0, 2, 3, 5});
  REQUIRE(vals(tile(t64({1, 2}), {2})) == V{1, 2, 1, 2});
  REQUIRE(hstack({t64({1}), t64({2, 3})}).sizes().equals({3}));
  REQUIRE(vstack({t64({1, 2}), t64({3, 4})}).sizes().equals({2, 2}));
  REQUIRE(dstack({t64({1, 2}), t64({3, 4})}).sizes().equals({1, 2, 2}));
}

TEST_CASE("op api: linear algebra", "[op_api]") {
  Tensor a = arange(4, kFloat64).view({2, 2}), e = eye(2, kFloat64);
  REQUIRE(vals(addmm(e, a, e, 2, 1)) == V{2, 1, 2, 5});
  REQUIRE(vals(bmm(a.unsqueeze(0), e.unsqueeze(0))) == vals(a));
  REQUIRE(vals(baddbmm(a.unsqueeze(0), a.unsqueeze(0), e.unsqueeze(0), 0.5, 1)) == V{0, 1.5, 3, 4.5});
  REQUIRE(dot(t64({1, 2}), t64({3, 4})).item<double>() == 11);
}

TEST_CASE("op api: reductions, scans and order statistics", "[op_api]") {
  Tensor x = t64({3, 1, 2, 5});
  REQUIRE(near(vals(softmax(t64({0, 0}), 0)), V{0.5, 0.5}));
  REQUIRE(near(vals(log_softmax(t64({0, 0}), 0)), V{std::log(0.5), std::log(0.5)}));
  REQUIRE(near(vals(logsumexp(t64({0, 0}), {0})), V{std::log(2.0)}));
  REQUIRE(nansum(t64({1, NAN, 2})).item<double>() == 3);
  auto [sd, mean] = std_mean(t64({1, 3}));
  REQUIRE(mean.item<double>() == 2);
  REQUIRE(near(vals(sd), V{std::sqrt(2.0)}));
  REQUIRE(vals(cumsum(x, 0)) == V{3, 4, 6, 11});
  REQUIRE(vals(cumprod(x, 0)) == V{3, 3, 6, 30});
  REQUIRE(vals(std::get<0>(cummax(x, 0))) == V{3, 3, 3, 5});
  REQUIRE(vals(std::get<1>(cummin(x, 0))) == V{0, 1, 1, 1});
  REQUIRE(std::get<0>(kthvalue(x, 2)).item<double>() == 2);
  REQUIRE(median(x).item<double>() == 2);
  REQUIRE(quantile(x, 0.5).item<double>() == 2.5);
  REQUIRE(vals(argsort(x)) == V{1, 2, 0, 3});
  REQUIRE(vals(msort(x)) == V{1, 2, 3, 5});
  REQUIRE(vals(bincount(tensor({int64_t{0}, int64_t{2}, int64_t{2}}))) == V{1, 0, 2});
  auto [u, inv, counts] = unique_dim(t64({1, 2, 1, 2}).view({2, 2}), 0);
  REQUIRE(u.sizes().equals({1, 2}));
  REQUIRE(vals(counts) == V{2});
}

TEST_CASE("op api: indexing ops", "[op_api]") {
  Tensor x = arange(6, kFloat64).view({2, 3});
  Tensor idx = tensor({int64_t{2}, int64_t{0}}).view({1, 2});
  REQUIRE(vals(take_along_dim(x, idx, 1)) == V{2, 0, 5, 3});  // idx broadcast over the rows
  REQUIRE(vals(index_put(zeros({3}, kFloat64), {tensor({int64_t{1}})}, t64({7}))) == V{0, 7, 0});
  Tensor s = zeros({2, 3}, kFloat64);
  s.scatter_(1, idx, t64({1, 2}).view({1, 2}));
  REQUIRE(vals(s) == V{2, 0, 1, 0, 0, 0});
  REQUIRE(vals(scatter_add(zeros({3}, kFloat64), 0, tensor({int64_t{1}, int64_t{1}}), t64({1, 2}))) == V{0, 3, 0});
  Tensor m = ones({3}, kFloat64);
  m.masked_fill_(tensor({true, false, true}), 0);
  REQUIRE(vals(m) == V{0, 1, 0});
  // The internal ops of Tensor indexing: idx is [k, n] coordinates.
  Tensor co = tensor({int64_t{1}, int64_t{0}, int64_t{2}, int64_t{1}}).view({2, 2});
  REQUIRE(vals(_index_gather(x, co)) == V{5, 1});
  Tensor w = zeros({2, 3}, kFloat64);
  _index_scatter_(w, co, t64({1, 2}), false);
  REQUIRE(vals(w) == V{0, 2, 0, 0, 0, 1});
  REQUIRE(vals(_index_scatter(zeros({2, 3}, kFloat64), co, t64({1, 2}), true)) == vals(w));
  REQUIRE(vals(_index_scatter_self_backward(ones({2, 3}, kFloat64), co, false)) == V{1, 0, 1, 1, 1, 0});
}

TEST_CASE("op api: random ops", "[op_api]") {
  Generator g(1);
  Tensor u = empty({100}, kFloat64);
  u.uniform_(2, 3, g);
  REQUIRE(u.min().item<double>() >= 2);
  REQUIRE(u.max().item<double>() < 3);
  u.normal_(0, 1, g);
  REQUIRE(std::abs(u.mean().item<double>()) < 0.5);
  REQUIRE(vals(bernoulli(t64({0, 1}), g)) == V{0, 1});
  REQUIRE(vals(multinomial(t64({0, 1, 0}), 2, true, g)) == V{1, 1});
  REQUIRE(vals(msort(randperm(5, g))) == V{0, 1, 2, 3, 4});
}
