#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

static std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

TEST_CASE("the issue's C++ example: polynomial gradient") {
  auto x = ember::tensor({1., 2., 3.}, ember::requires_grad());
  auto y = (3 * x.pow(3) + 2 * x.pow(2) - x + 5).sum();
  y.backward();
  REQUIRE(values(x.grad()) == std::vector<double>{12, 43, 92});
  REQUIRE(x.is_leaf());
  REQUIRE_FALSE(y.is_leaf());
  REQUIRE(y.grad_fn()->name() == "SumBackward0");
}

TEST_CASE("second order through autograd::grad with create_graph") {
  auto x = ember::tensor({1., 2., 3.}, ember::requires_grad());
  auto y = 3 * x.pow(3) + 2 * x.pow(2) - x + 5;
  auto g = autograd::grad({y.sum()}, {x}, {}, true, true)[0];
  REQUIRE(values(g) == std::vector<double>{12, 43, 92});
  REQUIRE(g.requires_grad());
  g.sum().backward();
  REQUIRE(values(x.grad()) == std::vector<double>{22, 40, 58});  // 18x + 4
}

TEST_CASE("broadcasting gradients are reduced to each input's shape") {
  auto a = ones({2, 3}, kFloat64).requires_grad_();
  auto b = ones({3}, kFloat64).requires_grad_();
  (a * b * 2).sum().backward();
  REQUIRE(b.grad().sizes().vec() == std::vector<int64_t>{3});
  REQUIRE(values(b.grad()) == std::vector<double>{4, 4, 4});
  REQUIRE(values(a.grad()) == std::vector<double>(6, 2));
}

TEST_CASE("modifying a saved tensor in place is detected at backward") {
  auto x = ones({3}, kFloat64).requires_grad_();
  auto y = x * 2;
  auto z = y * y;
  y.view({3}).add_(1);  // through a view: same version counter
  REQUIRE_THROWS_WITH(z.sum().backward(), Catch::Contains("modified by an inplace operation"));
}

TEST_CASE("in-place on a leaf requiring grad is refused unless grad mode is off") {
  auto w = ones({2}, kFloat64).requires_grad_();
  REQUIRE_THROWS_WITH(w.add_(1), Catch::Contains("leaf Variable that requires grad"));
  {
    NoGradGuard g;
    w.add_(1);
  }
  REQUIRE(values(w) == std::vector<double>{2, 2});
}

TEST_CASE("a second backward without retain_graph fails clearly") {
  auto x = ones({2}, kFloat64).requires_grad_();
  auto y = (x * x).sum();
  y.backward({}, true);
  y.backward();
  REQUIRE(values(x.grad()) == std::vector<double>{4, 4});
  REQUIRE_THROWS_WITH(y.backward(), Catch::Contains("backward through the graph a second time"));
}

TEST_CASE("only floating tensors require grad; integer results never do") {
  REQUIRE_THROWS_WITH(ones({2}, kInt64).requires_grad_(), Catch::Contains("floating point"));
  auto x = ones({2}).requires_grad_();
  REQUIRE((x + 1).requires_grad());
  NoGradGuard g;
  REQUIRE_FALSE((x + 1).requires_grad());
}

TEST_CASE("long chains are freed without deep recursion") {
  auto x = ones({1}).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 200000; ++i) y = y * 1.0;
  y = Tensor();  // the whole graph dies here
  SUCCEED();
}

TEST_CASE("hooks see and may replace gradients") {
  auto x = ones({2}, kFloat64).requires_grad_();
  auto y = x * 3;
  y.register_hook([](const Tensor& g) { return g * 10; });
  int calls = 0;
  x.register_post_accumulate_grad_hook([&](const Tensor& t) { calls += static_cast<int>(t.grad().numel()); });
  y.sum().backward();
  REQUIRE(values(x.grad()) == std::vector<double>{30, 30});
  REQUIRE(calls == 2);
}

struct MulConst : autograd::Function<MulConst> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x, double c) {
    ctx->saved_data["c"] = c;
    ctx->save_for_backward({x});
    return x * c;
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx, autograd::variable_list g) {
    auto saved = ctx->get_saved_variables();
    REQUIRE(saved.size() == 1);
    return {g[0] * ctx->saved_data["c"].toDouble(), Tensor()};
  }
};

TEST_CASE("C++ custom Function") {
  auto x = ones({3}, kFloat64).requires_grad_();
  auto y = MulConst::apply(x, 2.5);
  REQUIRE(y.requires_grad());
  REQUIRE(y.grad_fn()->name().find("CppNode") == 0);
  (y * y).sum().backward();
  REQUIRE(values(x.grad()) == std::vector<double>{12.5, 12.5, 12.5});  // 2 * 2.5x * 2.5
  NoGradGuard g;
  REQUIRE_FALSE(MulConst::apply(x, 2.0).requires_grad());
}
