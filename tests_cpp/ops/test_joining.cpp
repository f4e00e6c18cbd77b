#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

static std::vector<double> vals(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  const double* p = static_cast<const double*>(c.data_ptr());
  return std::vector<double>(p, p + c.numel());
}

TEST_CASE("cat / stack / repeat from C++ (TensorList, promotion, autograd)") {
  auto a = arange(6, kFloat64).view({2, 3}).requires_grad_();
  auto b = ones({2, 1}, kInt32);
  Tensor c = cat({a, b}, 1);
  REQUIRE(c.dtype() == kFloat64);
  REQUIRE(vals(c) == std::vector<double>{0, 1, 2, 1, 3, 4, 5, 1});
  REQUIRE(stack({a, a}).sizes().equals({2, 2, 3}));
  REQUIRE(a.repeat({2, 1}).sizes().equals({4, 3}));
  (c * 2).sum().backward();
  REQUIRE(vals(a.grad()) == std::vector<double>(6, 2.0));
  REQUIRE_THROWS_WITH(cat({a, ones({3, 3})}, 1), Catch::Contains("Sizes of tensors must match except in dimension 1"));
}

TEST_CASE("sort / topk return std::tuple; only values are differentiable") {
  auto x = tensor({3.0, 1.0, 2.0}).requires_grad_();
  auto [v, i] = sort(x, -1, true);
  REQUIRE(vals(v) == std::vector<double>{3, 2, 1});
  REQUIRE(vals(i) == std::vector<double>{0, 2, 1});
  REQUIRE(v.requires_grad());
  REQUIRE(!i.requires_grad());
  auto [tv, ti] = x.topk(2, -1, false);
  REQUIRE(vals(ti) == std::vector<double>{1, 2});
  (tv * tensor({10.0, 1.0})).sum().backward();
  REQUIRE(vals(x.grad()) == std::vector<double>{0, 10, 1});
  auto [u, inv, cnt] = _unique2(tensor({int64_t{2}, int64_t{1}, int64_t{2}}));
  REQUIRE(vals(u) == std::vector<double>{1, 2});
  REQUIRE(vals(cnt) == std::vector<double>{1, 2});
}

TEST_CASE("unique: one C++ op for torch.unique's flat and dim forms", "[joining][unique]") {
  Tensor x = tensor({int64_t{3}, int64_t{1}, int64_t{3}, int64_t{2}});
  auto [u, inv, cnt] = unique(x, /*sorted=*/true, /*return_inverse=*/true, /*return_counts=*/true);
  REQUIRE(vals(u) == std::vector<double>{1, 2, 3});
  REQUIRE(vals(inv) == std::vector<double>{2, 0, 2, 1});
  REQUIRE(vals(cnt) == std::vector<double>{1, 1, 2});
  Tensor rows = tensor({1.0, 2.0, 0.0, 1.0, 1.0, 2.0}).view({3, 2});
  auto [ur, invr, cntr] = x.unique(true, true, true, 0);  // method form; dim=0 on a 1-D tensor
  REQUIRE(vals(ur) == std::vector<double>{1, 2, 3});
  auto [u2, inv2, cnt2] = unique(rows, true, true, true, 0);
  REQUIRE(u2.sizes() == std::vector<int64_t>{2, 2});
  REQUIRE(vals(u2) == std::vector<double>{0, 1, 1, 2});
  REQUIRE(vals(inv2) == std::vector<double>{1, 0, 1});
  REQUIRE(vals(cnt2) == std::vector<double>{1, 2});
  const OpInfo* entry = find_op("aten::unique");
  REQUIRE((entry != nullptr && std::string(entry->overload) == "default"));
  REQUIRE_THROWS_AS(unique(rows, true, false, false, 2), IndexError);
}
