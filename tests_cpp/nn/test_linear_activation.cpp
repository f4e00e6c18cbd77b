// Linear (forward by hand, backward, default init bounds), Identity / Flatten / Unflatten, the
// activation modules and nn::functional against their formulas, and their repr.
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <cmath>

using namespace ember;
namespace F = ember::nn::functional;

namespace {
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
void require_close(const Tensor& a, const std::vector<double>& b, double tol = 1e-12) {
  auto va = values(a);
  REQUIRE(va.size() == b.size());
  for (size_t i = 0; i < b.size(); ++i) REQUIRE(va[i] == Approx(b[i]).margin(tol));
}
}  // namespace

TEST_CASE("Linear: forward against a hand computation, backward gives grads", "[nn]") {
  nn::Linear fc(nn::LinearOptions(3, 2));
  fc->to(kFloat64);
  {
    NoGradGuard no_grad;
    fc->weight.copy_(tensor({1.0, 2.0, 3.0, -1.0, 0.5, 0.0}).reshape({2, 3}));
    fc->bias.copy_(tensor({0.25, -0.5}));
  }
  auto x = tensor({1.0, 0.0, -1.0, 2.0, 1.0, 1.0}, kFloat64).reshape({2, 3}).requires_grad_();
  auto y = fc(x);
  // row 0: [1*1 + 0*2 - 1*3 + .25, -1*1 + 0 + 0 - .5] ; row 1: [2 + 2 + 3 + .25, -2 + .5 + 0 - .5]
  require_close(y, {-1.75, -1.5, 7.25, -2.0});
  y.sum().backward();
  require_close(fc->weight.grad(), {3.0, 1.0, 0.0, 3.0, 1.0, 0.0});
  require_close(fc->bias.grad(), {2.0, 2.0});
  require_close(x.grad(), {0.0, 2.5, 3.0, 0.0, 2.5, 3.0});
  // 3-D input (one GEMM) and 1-D input
  auto x3 = x.detach().reshape({1, 2, 3});
  require_close(fc(x3), {-1.75, -1.5, 7.25, -2.0});
  require_close(fc(tensor({1.0, 0.0, -1.0}, kFloat64)), {-1.75, -1.5});
  // without bias
  nn::Linear nobias(nn::LinearOptions(3, 2).bias(false));
  REQUIRE_FALSE(nobias->bias.defined());
  REQUIRE(nobias->named_parameters().keys() == std::vector<std::string>{"weight"});
  REQUIRE_THROWS_WITH(fc(ones({2, 4}, kFloat64)), Catch::Contains("Linear: expected input with last dimension 3"));
  REQUIRE(values(F::linear(x.detach(), fc->weight.detach())) ==
          values(x.detach().matmul(fc->weight.detach().t())));
}

TEST_CASE("Linear: PyTorch's default initialization bounds", "[nn]") {
  manual_seed(1);
  nn::Linear fc(256, 64);
  REQUIRE(fc->weight.sizes() == IntArrayRef{64, 256});
  REQUIRE(fc->bias.sizes() == IntArrayRef{64});
  // kaiming_uniform_(a=sqrt(5)): bound = sqrt(6 / ((1 + 5) * fan_in)) = 1 / sqrt(fan_in); bias the same
  double bound = 1.0 / std::sqrt(256.0);
  auto w = values(fc->weight);
  double lo = *std::min_element(w.begin(), w.end()), hi = *std::max_element(w.begin(), w.end());
  REQUIRE(lo >= -bound);
  REQUIRE(hi <= bound);
  REQUIRE(lo < -0.9 * bound);  // the full range is used
  REQUIRE(hi > 0.9 * bound);
  auto b = values(fc->bias);
  REQUIRE(*std::min_element(b.begin(), b.end()) >= -bound);
  REQUIRE(*std::max_element(b.begin(), b.end()) <= bound);
  REQUIRE(fc->weight.dtype() == kFloat32);
  fc->reset_parameters();
  REQUIRE(values(fc->weight) != w);
}

TEST_CASE("Identity, Flatten, Unflatten", "[nn]") {
  auto x = arange(24, kFloat32).reshape({2, 3, 4});
  nn::Identity id(1, 2.0, "ignored");
  REQUIRE(id(x).is_same(x));
  nn::Flatten flat;
  REQUIRE(flat(x).sizes() == IntArrayRef{2, 12});
  nn::Flatten flat0(nn::FlattenOptions().start_dim(0).end_dim(1));
  REQUIRE(flat0(x).sizes() == IntArrayRef{6, 4});
  nn::Unflatten unflat(2, std::vector<int64_t>{2, 2});
  REQUIRE(unflat(x).sizes() == IntArrayRef{2, 3, 2, 2});
  nn::Unflatten unflat2(nn::UnflattenOptions(1, {-1, 6}));
  REQUIRE(unflat2(flat(x)).sizes() == IntArrayRef{2, 2, 6});
  REQUIRE(values(unflat(x)) == values(x));
}

TEST_CASE("activations: modules and functional against their formulas", "[nn]") {
  auto x = tensor({-30.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 6.0, 7.0, 30.0}, kFloat64);
  auto xs = values(x);
  auto map = [&](auto f) {
    std::vector<double> out;
    for (double v : xs) out.push_back(f(v));
    return out;
  };
  require_close(nn::ReLU()(x), map([](double v) { return std::max(v, 0.0); }));
  require_close(nn::ReLU6()(x), map([](double v) { return std::min(std::max(v, 0.0), 6.0); }));
  require_close(nn::Hardtanh(nn::HardtanhOptions().min_val(-2).max_val(1))(x),
                map([](double v) { return std::min(std::max(v, -2.0), 1.0); }));
  require_close(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))(x),
                map([](double v) { return v > 0 ? v : 0.2 * v; }));
  require_close(nn::ELU(nn::ELUOptions().alpha(1.5))(x), map([](double v) { return v > 0 ? v : 1.5 * std::expm1(v); }));
  require_close(nn::GELU()(x), map([](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }));
  require_close(nn::GELU(nn::GELUOptions().approximate("tanh"))(x), map([](double v) {
                  return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
                }), 1e-9);
  require_close(nn::SiLU()(x), map([](double v) { return v / (1 + std::exp(-v)); }));
  require_close(nn::Tanh()(x), map([](double v) { return std::tanh(v); }));
  require_close(nn::Sigmoid()(x), map([](double v) { return 1 / (1 + std::exp(-v)); }));
  require_close(nn::Softplus(nn::SoftplusOptions().beta(2).threshold(10))(x),
                map([](double v) { return 2 * v > 10 ? v : std::log1p(std::exp(2 * v)) / 2; }));
  auto m = tensor({1.0, 2.0, 3.0, 0.0, 0.0, 0.0}, kFloat64).reshape({2, 3});
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  require_close(nn::Softmax(1)(m), {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z, 1 / 3.0, 1 / 3.0, 1 / 3.0});
  require_close(nn::LogSoftmax(1)(m), {1 - std::log(z), 2 - std::log(z), 3 - std::log(z), -std::log(3.0),
                                       -std::log(3.0), -std::log(3.0)});
  require_close(F::softmax(m, F::SoftmaxFuncOptions(0)), {1 / (1 + std::exp(-1.0)), 1 / (1 + std::exp(-2.0)),
                                                          1 / (1 + std::exp(-3.0)), 1 / (1 + std::exp(1.0)),
                                                          1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(3.0))});
  REQUIRE(F::log_softmax(m.to(kFloat32), F::LogSoftmaxFuncOptions(1).dtype(kFloat64)).dtype() == kFloat64);
  REQUIRE(F::gelu(x, F::GELUFuncOptions().approximate("tanh")).sizes() == x.sizes());
  REQUIRE_THROWS_AS(nn::Hardtanh(nn::HardtanhOptions().min_val(1).max_val(0)), ValueError);
}

TEST_CASE("activations: gradients follow PyTorch's boundary rules", "[nn]") {
  auto grad_of = [](auto f, std::vector<double> xs) {
    auto x = tensor(xs, kFloat64).requires_grad_();
    f(x).sum().backward();
    return values(x.grad());
  };
  // hardtanh / relu6: 1 strictly inside, 0 at and beyond the bounds
  REQUIRE(grad_of([](Tensor x) { return F::relu6(x); }, {-1, 0, 3, 6, 7}) == std::vector<double>{0, 0, 1, 0, 0});
  REQUIRE(grad_of([](Tensor x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.1)); },
                  {-1, 0, 2}) == std::vector<double>{0.1, 0.1, 1});
  auto g = grad_of([](Tensor x) { return F::elu(x); }, {-40, -1, 1, 50});
  REQUIRE(g[0] == Approx(std::exp(-40.0)));
  REQUIRE(g[1] == Approx(std::exp(-1.0)));
  REQUIRE(g[3] == 1.0);
  auto gs = grad_of([](Tensor x) { return F::softplus(x); }, {-3, 0, 100});
  REQUIRE(gs[0] == Approx(1 / (1 + std::exp(3.0))));
  REQUIRE(gs[2] == 1.0);  // above the threshold: x itself, no NaN
}

TEST_CASE("activations: inplace forms write into the input", "[nn]") {
  auto x = tensor({-1.0, 0.5, 8.0});
  auto y = F::relu(x, F::ReLUFuncOptions().inplace(true));
  REQUIRE(y.is_same(x));
  REQUIRE(values(x) == std::vector<double>{0.0, 0.5, 8.0});
  auto x2 = tensor({-1.0, 0.5, 8.0}, kFloat64);
  nn::ReLU6(nn::ReLU6Options(true))(x2);
  REQUIRE(values(x2) == std::vector<double>{0.0, 0.5, 6.0});
  auto x3 = tensor({-2.0, 1.0}, kFloat64);
  F::leaky_relu(x3, F::LeakyReLUFuncOptions().inplace(true));
  REQUIRE(values(x3) == std::vector<double>{-0.02, 1.0});
  auto x4 = tensor({-1.0, 1.0}, kFloat64);
  F::elu(x4, F::ELUFuncOptions().inplace(true));
  require_close(x4, {std::expm1(-1.0), 1.0});
}

TEST_CASE("layers print as Python's repr", "[nn]") {
  // Python: repr(nn.Sequential(nn.Identity(), nn.Flatten(), ...)) with the same arguments
  nn::Sequential seq(nn::Identity(), nn::Flatten(), nn::Unflatten(1, std::vector<int64_t>{2, 3}), nn::ReLU6(),
                     nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)), nn::ELU(), nn::Hardtanh(),
                     nn::Softplus(), nn::Softmax(1), nn::LogSoftmax(-1), nn::SiLU(), nn::Tanh(), nn::Sigmoid(),
                     nn::ReLU(true), nn::GELU(), nn::Unflatten(0, std::vector<int64_t>{4}),
                     nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(1e-5).inplace(true)),
                     nn::ELU(nn::ELUOptions().alpha(0.1)));
  REQUIRE(nn::repr(*seq) == R"(Sequential(
  (0): Identity()
  (1): Flatten(start_dim=1, end_dim=-1)
  (2): Unflatten(dim=1, unflattened_size=(2, 3))
  (3): ReLU6()
  (4): LeakyReLU(negative_slope=0.2)
  (5): ELU(alpha=1.0)
  (6): Hardtanh(min_val=-1.0, max_val=1.0)
  (7): Softplus(beta=1.0, threshold=20.0)
  (8): Softmax(dim=1)
  (9): LogSoftmax(dim=-1)
  (10): SiLU()
  (11): Tanh()
  (12): Sigmoid()
  (13): ReLU(inplace=True)
  (14): GELU(approximate='none')
  (15): Unflatten(dim=0, unflattened_size=(4,))
  (16): LeakyReLU(negative_slope=1e-05, inplace=True)
  (17): ELU(alpha=0.1)
))");
  REQUIRE(nn::repr(*nn::Sequential()) == "Sequential()");
  nn::ModuleList nested(nn::Sequential(nn::Linear(2, 2)), nn::Sequential(nn::Linear(2, 2)));
  REQUIRE(nn::repr(*nested) == R"(ModuleList(
  (0-1): 2 x Sequential(
    (0): Linear(in_features=2, out_features=2, bias=True)
  )
))");
}

TEST_CASE("Linear: the same seed gives Python's weights (same state_dict keys and values)", "[nn]") {
  // Python: ember.manual_seed(0); m = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1));
  // m.state_dict() and m(ember.tensor([[1.0, -2.0, 0.5]])), printed by running it
  // (C++ leaves the order of evaluating constructor arguments open, and GCC goes right to left: make
  // the layers first, in order, to draw their weights in Python's order)
  manual_seed(0);
  nn::Linear l0(3, 2);
  nn::Linear l2(2, 1);
  nn::Sequential m(l0, nn::ReLU(), l2);
  auto sd = m->named_parameters();
  REQUIRE(sd.keys() == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  REQUIRE(values(sd["0.weight"]) == std::vector<double>{-0.11657115817070007, 0.5452971458435059, -0.5548920035362244,
                                                        0.3318237066268921, 0.5017591714859009, -0.05735844373703003});
  REQUIRE(values(sd["0.bias"]) == std::vector<double>{0.24665820598602295, 0.18357783555984497});
  REQUIRE(values(sd["2.weight"]) == std::vector<double>{-0.35479071736335754, 0.1265619993209839});
  REQUIRE(values(sd["2.bias"]) == std::vector<double>{0.4831969141960144});
  REQUIRE(m->forward(tensor({{1.0f, -2.0f, 0.5f}})).item<double>() == 0.4831969141960144);
}
