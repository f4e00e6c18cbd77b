// libtorch's C++ frontend API as its documentation uses it (tensor creation, indexing, autograd:
// basic operations, higher-order gradients, custom functions), written for ember: code ports by
// renaming torch:: to ember::. Expected values are libtorch's. Also the issue 17 robustness rules
// from C++ (size overflow, scalar range, concurrent backward).
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <thread>

using namespace ember::indexing;

namespace {
std::vector<double> vals(const ember::Tensor& t) {
  ember::Tensor c = t.to(std::nullopt, ember::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
}  // namespace

TEST_CASE("libtorch parity: creating tensors with factories and TensorOptions") {
  ember::Tensor a = ember::ones(5);
  REQUIRE(a.sizes().equals({5}));
  REQUIRE(a.dtype() == ember::kFloat32);
  ember::Tensor b = ember::randn({3, 4});
  REQUIRE(b.sizes().equals({3, 4}));
  ember::Tensor c = ember::zeros({2, 3}, ember::kInt32);
  REQUIRE(c.dtype() == ember::kInt32);
  REQUIRE(vals(ember::full({2, 2}, 7)) == std::vector<double>(4, 7.0));
  REQUIRE(vals(ember::arange(1, 5)) == std::vector<double>{1, 2, 3, 4});
  REQUIRE(vals(ember::eye(2)) == std::vector<double>{1, 0, 0, 1});
  REQUIRE(ember::randint(0, 5, {10}).max().item<int64_t>() < 5);
  REQUIRE(vals(ember::linspace(0, 1, 3)) == std::vector<double>{0, 0.5, 1});

  auto options = ember::TensorOptions().dtype(ember::kFloat64).device(ember::kCPU).requires_grad(true);
  ember::Tensor d = ember::full({3, 4}, 123, options);
  REQUIRE(d.dtype() == ember::kFloat64);
  REQUIRE(d.device() == ember::Device(ember::kCPU));
  REQUIRE(d.requires_grad());
  // the shorthand functions return options, chainable
  ember::Tensor e = ember::empty({2}, ember::dtype(ember::kInt64).requires_grad(false));
  REQUIRE(e.dtype() == ember::kInt64);
  REQUIRE(ember::ones({1}, ember::requires_grad()).requires_grad());
  REQUIRE(ember::zeros_like(d).sizes().equals({3, 4}));
  REQUIRE(ember::randn_like(d).dtype() == ember::kFloat64);

  // conversion
  ember::Tensor f = d.to(ember::kInt32);
  REQUIRE(f.dtype() == ember::kInt32);
  REQUIRE(f.options().dtype() == ember::kInt32);
  // from existing data
  float data[] = {1, 2, 3, 4, 5, 6};
  ember::Tensor g = ember::from_blob(data, {2, 3});
  REQUIRE(g.data_ptr<float>() == data);  // shares memory
  REQUIRE(vals(ember::tensor({1, 2, 3})) == std::vector<double>{1, 2, 3});
}

TEST_CASE("libtorch parity: indexing with ember::indexing") {
  ember::Tensor t = ember::arange(24).reshape({2, 3, 4});
  REQUIRE(t.index({None}).sizes().equals({1, 2, 3, 4}));
  REQUIRE(t.index({Ellipsis, None}).sizes().equals({2, 3, 4, 1}));
  REQUIRE(t.index({"..."}).sizes().equals({2, 3, 4}));
  REQUIRE(t.index({1, 2}).sizes().equals({4}));
  REQUIRE(t.index({1, 2, 3}).item<int64_t>() == 23);
  REQUIRE(t.index({Slice(None, 1)}).sizes().equals({1, 3, 4}));
  REQUIRE(vals(t.index({0, 0, Slice(1, None, 2)})) == std::vector<double>{1, 3});
  REQUIRE(vals(t.index({0, Slice(), 0})) == std::vector<double>{0, 4, 8});
  REQUIRE(t.index({ember::tensor({true, false})}).sizes().equals({1, 3, 4}));
  REQUIRE(vals(t.index({0, 0, ember::tensor({3, 0})})) == std::vector<double>{3, 0});
  REQUIRE(t.index({Ellipsis, 0}).sizes().equals({2, 3}));

  ember::Tensor u = ember::zeros({3, 3});
  u.index_put_({1, 2}, 1);
  u.index_put_({Slice(None, 1)}, 2);
  u.index_put_({Ellipsis, 0}, ember::full({3}, 5.0));
  REQUIRE(vals(u) == std::vector<double>{5, 2, 2, 5, 0, 1, 5, 0, 0});
  u.index_put_({u > 4}, -1);
  REQUIRE(vals(u.index({Slice(), 0})) == std::vector<double>{-1, -1, -1});
}

TEST_CASE("libtorch parity: autograd basic operations") {
  ember::Tensor x = ember::ones({2, 2}, ember::requires_grad());
  ember::Tensor y = x + 2;
  REQUIRE(y.grad_fn() != nullptr);
  REQUIRE(y.grad_fn()->name() == "AddBackward0");
  ember::Tensor z = y * y * 3;
  ember::Tensor out = z.mean();
  REQUIRE(out.item<float>() == 27.0f);

  ember::Tensor a = ember::randn({2, 2});
  a = ((a * 3) / (a - 1));
  REQUIRE_FALSE(a.requires_grad());
  a.requires_grad_(true);
  REQUIRE(a.requires_grad());
  ember::Tensor b = (a * a).sum();
  REQUIRE(b.grad_fn()->name() == "SumBackward0");

  out.backward();
  REQUIRE(vals(x.grad()) == std::vector<double>(4, 4.5));

  // vector-Jacobian product: backward with a gradient, on a non-scalar output
  ember::Tensor v = ember::randn(3, ember::requires_grad());
  ember::Tensor w = v * 2;
  while (w.norm().item<double>() < 1000) w = w * 2;
  ember::Tensor gradient = ember::tensor({0.1, 1.0, 0.0001}, ember::kFloat32);
  w.backward(gradient);
  double scale = (w / v).detach().index({0}).item<double>();
  std::vector<double> g = vals(v.grad());
  REQUIRE(g[0] == Approx(0.1 * scale).epsilon(1e-5));
  REQUIRE(g[2] == Approx(0.0001 * scale).epsilon(1e-5));

  REQUIRE(v.requires_grad());
  REQUIRE(v.pow(2).requires_grad());
  {
    ember::NoGradGuard no_grad;
    REQUIRE_FALSE(v.pow(2).requires_grad());
  }
  ember::Tensor d = v.detach();
  REQUIRE_FALSE(d.requires_grad());
  REQUIRE(v.eq(d).all().item<bool>());
}

TEST_CASE("libtorch parity: higher-order gradients (a gradient penalty)") {
  ember::Tensor input = ember::randn({3, 4}, ember::dtype(ember::kFloat64).requires_grad(true));
  ember::Tensor weight = ember::randn({4, 2}, ember::kFloat64);
  ember::Tensor output = ember::tanh(input.matmul(weight));
  ember::Tensor grad_output = ember::ones_like(output);
  ember::Tensor gradient = ember::autograd::grad({output}, {input}, /*grad_outputs=*/{grad_output},
                                                 /*retain_graph=*/true, /*create_graph=*/true)[0];
  REQUIRE(gradient.requires_grad());
  ember::Tensor gradient_penalty = ember::pow((gradient.norm(2, 1) - 1), 2).mean();
  gradient_penalty.backward();
  REQUIRE(input.grad().defined());
  REQUIRE(input.grad().sizes().equals({3, 4}));
  // against finite differences of the penalty itself
  auto penalty = [&](const ember::Tensor& in) {
    ember::Tensor i = in.detach().set_requires_grad(true);
    ember::Tensor o = ember::tanh(i.matmul(weight));
    ember::Tensor gi = ember::autograd::grad({o}, {i}, {ember::ones_like(o)}, true, true)[0];
    return ember::pow(gi.norm(2, 1) - 1, 2).mean().item<double>();
  };
  ember::Tensor p = input.detach().clone();
  double h = 1e-6;
  p.index_put_({0, 0}, p.index({0, 0}).item<double>() + h);
  double up = penalty(p);
  p.index_put_({0, 0}, p.index({0, 0}).item<double>() - 2 * h);
  double down = penalty(p);
  REQUIRE(input.grad().index({0, 0}).item<double>() == Approx((up - down) / (2 * h)).epsilon(1e-5));
}

namespace {
// A linear layer as a custom function; bias is optional (a defaulted tensor argument), and backward
// returns one gradient per declared parameter, as the libtorch docs' example does.
struct LinearFn : public ember::autograd::Function<LinearFn> {
  static ember::Tensor forward(ember::autograd::AutogradContext* ctx, ember::Tensor input, ember::Tensor weight,
                               ember::Tensor bias = ember::Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto out = input.mm(weight.t());
    if (bias.defined()) out += bias.unsqueeze(0).expand_as(out);
    return out;
  }
  static ember::autograd::tensor_list backward(ember::autograd::AutogradContext* ctx,
                                               ember::autograd::tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0], weight = saved[1], bias = saved[2];
    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = ember::Tensor();
    if (bias.defined()) grad_bias = grad_output.sum(0);
    return {grad_input, grad_weight, grad_bias};
  }
};

struct ScaleFn : public ember::autograd::Function<ScaleFn> {
  static ember::Tensor forward(ember::autograd::AutogradContext* ctx, ember::Tensor t, double constant) {
    ctx->saved_data["constant"] = constant;
    return t * constant;
  }
  static ember::autograd::variable_list backward(ember::autograd::AutogradContext* ctx,
                                                 ember::autograd::variable_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), ember::Tensor()};
  }
};
}  // namespace

TEST_CASE("libtorch parity: custom autograd functions") {
  ember::Tensor x = ember::randn({2, 3}, ember::requires_grad());
  ember::Tensor weight = ember::randn({4, 3}, ember::requires_grad());
  ember::Tensor bias = ember::randn({4}, ember::requires_grad());
  auto y = LinearFn::apply(x, weight, bias);
  y.sum().backward();
  REQUIRE(vals(bias.grad()) == std::vector<double>(4, 2.0));
  REQUIRE_THAT(vals(x.grad()), Catch::Matchers::Approx(vals(weight.sum(0).expand({2, 3}))));

  // without the defaulted bias: backward's trailing undefined gradient is accepted (as in libtorch)
  ember::Tensor x2 = ember::randn({2, 3}, ember::requires_grad());
  auto y2 = LinearFn::apply(x2, weight);
  y2.sum().backward();
  REQUIRE(x2.grad().sizes().equals({2, 3}));

  ember::Tensor s = ember::randn({2}, ember::requires_grad());
  auto r = ScaleFn::apply(s, 5.5);
  r.sum().backward();
  REQUIRE(vals(s.grad()) == std::vector<double>(2, 5.5));
}

namespace {
struct TooMany : public ember::autograd::Function<TooMany> {
  static ember::Tensor forward(ember::autograd::AutogradContext*, ember::Tensor t) { return t * 2; }
  static ember::autograd::variable_list backward(ember::autograd::AutogradContext*, ember::autograd::variable_list g) {
    return {g[0] * 2, g[0]};  // a defined extra gradient is still an error
  }
};
}  // namespace

TEST_CASE("custom function: a defined extra gradient is an error") {
  ember::Tensor x = ember::ones({2}, ember::requires_grad());
  REQUIRE_THROWS_WITH(TooMany::apply(x).sum().backward(),
                      Catch::Contains("returned an incorrect number of gradients (expected 1, got 2)"));
}

TEST_CASE("Note [size overflow]: huge sizes throw instead of wrapping") {
  const int64_t big = int64_t(1) << 62;
  REQUIRE_THROWS_WITH(ember::zeros({big}), Catch::Contains("Storage size calculation overflowed"));
  REQUIRE_THROWS_WITH(ember::empty({int64_t(1) << 32, int64_t(1) << 32, 4}),
                      Catch::Contains("Storage size calculation overflowed"));
  REQUIRE_THROWS_WITH(ember::ones({1}).expand({int64_t(1) << 40, int64_t(1) << 40}),
                      Catch::Contains("numel: integer multiplication overflow"));
  REQUIRE_THROWS_AS(ember::ones({1}).expand({-2}), ember::Error);
  REQUIRE(ember::ones({1}).expand({big}).numel() == big);
  REQUIRE_THROWS_AS(ember::compute_numel({int64_t(1) << 40, int64_t(1) << 40}), ember::Error);
  REQUIRE(ember::compute_numel({int64_t(1) << 40, 0, int64_t(1) << 40}) == 0);
  REQUIRE(ember::compute_storage_nbytes({3, 4}, 8) == 96);
}

TEST_CASE("Note [scalar range]: fills check, arithmetic wraps") {
  REQUIRE(ember::scalar_fits(255, ember::kUInt8));
  REQUIRE(ember::scalar_fits(-255, ember::kUInt8));
  REQUIRE_FALSE(ember::scalar_fits(-256, ember::kUInt8));
  REQUIRE_FALSE(ember::scalar_fits(128, ember::kInt8));
  REQUIRE_FALSE(ember::scalar_fits(255.5, ember::kUInt8));
  REQUIRE_FALSE(ember::scalar_fits(std::nan(""), ember::kInt32));
  REQUIRE(ember::scalar_fits(std::numeric_limits<double>::infinity(), ember::kFloat16));
  REQUIRE_FALSE(ember::scalar_fits(1e6, ember::kFloat16));
  REQUIRE(ember::scalar_fits(int64_t(1) << 40, ember::kBool));
  REQUIRE_THROWS_WITH(ember::full({2}, int64_t(1) << 40, ember::kInt32),
                      Catch::Contains("value cannot be converted to type int without overflow"));
  REQUIRE_THROWS_WITH(ember::zeros({2}, ember::kUInt8).fill_(300), Catch::Contains("uint8_t without overflow"));
  auto u = ember::tensor({1, 2}).to(ember::kUInt8);
  REQUIRE(vals(u + (-1)) == std::vector<double>{0, 1});
  REQUIRE(vals(u.to(ember::kInt8) == 1000) == std::vector<double>{0, 0});
}

TEST_CASE("Note [concurrent accumulation]: backward from several threads into one leaf") {
  ember::Tensor x = ember::ones({4}, ember::requires_grad());
  const int threads = 8, iters = 200;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&] {
      for (int k = 0; k < iters; ++k) (x * 2).sum().backward();
    });
  for (auto& t : pool) t.join();
  REQUIRE(vals(x.grad()) == std::vector<double>(4, 2.0 * threads * iters));
}

TEST_CASE("libtorch parity: sizes() compares with vectors and other IntArrayRefs") {
  ember::Tensor t = ember::zeros({2, 3});
  REQUIRE(t.sizes() == std::vector<int64_t>{2, 3});
  REQUIRE(std::vector<int64_t>{2, 3} == t.sizes());
  REQUIRE(t.sizes() != std::vector<int64_t>{3, 2});
  REQUIRE(t.sizes() != std::vector<int64_t>{2, 3, 1});
  REQUIRE(t.sizes() == ember::ones({2, 3}).sizes());
  REQUIRE(t.t().sizes() != t.sizes());
  REQUIRE(t.strides() == std::vector<int64_t>{3, 1});
}
