#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <cmath>
#include <thread>

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

TEST_CASE("saved outputs give their node back: double backward, errors, views, other threads") {
  // Note [saved variables]: tanh saves its output without a reference to its own node.
  auto x = ember::tensor({0.3, -1.2, 2.0}, ember::requires_grad().dtype(kFloat64));
  auto y = x.tanh();
  auto g = autograd::grad({y.sum()}, {x}, {}, true, true)[0];  // unpack runs under grad mode: needs the node
  REQUIRE(g.requires_grad());
  auto gg = autograd::grad({g.sum()}, {x})[0];
  auto t = values(y.detach());
  auto got = values(gg);
  for (size_t i = 0; i < 3; ++i) REQUIRE(got[i] == Approx(-2 * t[i] * (1 - t[i] * t[i])).epsilon(1e-12));
  auto z = x.exp();
  z.add_(1);
  REQUIRE_THROWS_WITH(z.sum().backward(), Catch::Contains("which is output 0 of ExpBackward0, is at version 1"));
  auto b = x * 1;  // an in-place op on a view saves its output under CopySlices
  b.narrow(0, 0, 2).exp_();
  b.sum().backward();
  auto xv = values(x.detach()), xg = values(x.grad());
  REQUIRE(xg[0] == Approx(std::exp(xv[0])));
  REQUIRE(xg[2] == Approx(1.0));
  std::vector<std::thread> ts;  // independent graphs on several threads (each engine publishes its node)
  std::vector<double> res(4);
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([i, &res] {
      auto a = ember::full({8}, 0.1 * (i + 1), kFloat64).requires_grad_();
      auto ga = autograd::grad({a.tanh().sigmoid().sum()}, {a}, {}, true, true)[0];
      res[i] = values(autograd::grad({ga.sum()}, {a})[0])[0];
    });
  for (auto& th : ts) th.join();
  for (int i = 0; i < 4; ++i) {
    double a = 0.1 * (i + 1), th = std::tanh(a), s = 1 / (1 + std::exp(-th)), ds = s * (1 - s), dt = 1 - th * th;
    double d2 = ds * (1 - 2 * s) * dt * dt + ds * (-2 * th * dt);  // d/da [sigma'(tanh a) tanh'(a)]
    REQUIRE(res[i] == Approx(d2).epsilon(1e-10));
  }
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
