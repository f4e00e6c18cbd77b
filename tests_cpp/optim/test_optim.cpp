// ember::optim from C++: SGD, Adam, AdamW, RMSprop, Adagrad against scalar references of PyTorch's update
// rules (three steps per option combination), the same numbers as tests_py/test_optim.py's golden case,
// param groups, zero_grad, closures, errors, and the fused ops called directly.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include <ember/ember.h>

using namespace ember;
using Catch::Matchers::Contains;

namespace {

constexpr int kSteps = 3;

/// The grad of element i at step s (fixed numbers, the same in every test).
double grad_at(int s, int i) { return std::sin(1.7 * i + 0.9 * s + 0.3) * (1 + 0.25 * s); }
double init_at(int i) { return std::cos(0.7 * i + 0.1); }

/// Runs kSteps steps of opt over one float64 param of n elements; returns its values after each step.
std::vector<std::vector<double>> run(const std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>& make,
                                     int n, ScalarType dtype = kFloat64) {
  std::vector<double> init(n);
  for (int i = 0; i < n; ++i) init[i] = init_at(i);
  Tensor p = tensor(init, kFloat64).to(dtype).detach().requires_grad_(true);
  auto opt = make({p});
  std::vector<std::vector<double>> out;
  for (int s = 0; s < kSteps; ++s) {
    std::vector<double> g(n);
    for (int i = 0; i < n; ++i) g[i] = grad_at(s, i);
    p.set_grad(tensor(g, kFloat64).to(dtype));
    opt->step();
    Tensor v = p.detach().to(kFloat64).contiguous();
    out.emplace_back(v.data_ptr<double>(), v.data_ptr<double>() + n);
  }
  return out;
}

/// A scalar reference: given (param, grad, step, per-element state) returns the new param.
struct Ref {
  std::function<double(double p, double g, int t, std::vector<double>& st)> update;
  int nstate;
  double init_state = 0;
};

void check(const std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>& make, const Ref& ref,
           int n = 37, ScalarType dtype = kFloat64, double tol = 1e-12) {
  auto got = run(make, n, dtype);
  for (int i = 0; i < n; ++i) {
    double p = init_at(i);
    std::vector<double> st(ref.nstate, ref.init_state);
    for (int s = 0; s < kSteps; ++s) {
      p = ref.update(p, grad_at(s, i), s + 1, st);
      INFO("element " << i << " step " << s + 1);
      REQUIRE(got[s][i] == Approx(p).epsilon(tol).margin(tol));
    }
  }
}

Ref sgd_ref(double lr, double mom, double damp, double wd, bool nesterov, bool maximize) {
  return {[=](double p, double g, int t, std::vector<double>& st) {
            if (maximize) g = -g;
            if (wd != 0) g += wd * p;
            if (mom != 0) {
              st[0] = t == 1 ? g : mom * st[0] + (1 - damp) * g;
              g = nesterov ? g + mom * st[0] : st[0];
            }
            return p - lr * g;
          },
          1};
}

Ref adam_ref(double lr, double b1, double b2, double eps, double wd, bool amsgrad, bool maximize, bool decoupled) {
  return {[=](double p, double g, int t, std::vector<double>& st) {
            if (maximize) g = -g;
            if (wd != 0) {
              if (decoupled) p *= 1 - lr * wd;
              else g += wd * p;
            }
            st[0] += (1 - b1) * (g - st[0]);
            st[1] = b2 * st[1] + (1 - b2) * g * g;
            st[2] = std::max(st[2], st[1]);
            double denom = std::sqrt(amsgrad ? st[2] : st[1]) / std::sqrt(1 - std::pow(b2, t)) + eps;
            return p - lr / (1 - std::pow(b1, t)) * st[0] / denom;
          },
          3};
}

}  // namespace

TEST_CASE("SGD: momentum, dampening, nesterov, weight_decay, maximize", "[optim]") {
  for (double mom : {0.0, 0.9})
    for (double damp : {0.0, 0.3})
      for (double wd : {0.0, 0.1})
        for (bool nesterov : {false, true})
          for (bool maximize : {false, true}) {
            if (nesterov && (mom == 0 || damp != 0)) continue;
            INFO("momentum " << mom << " dampening " << damp << " wd " << wd << " nesterov " << nesterov);
            check([&](std::vector<Tensor> ps) {
              return std::make_unique<optim::SGD>(ps, optim::SGDOptions(0.1).momentum(mom).dampening(damp)
                                                          .weight_decay(wd).nesterov(nesterov).maximize(maximize));
            }, sgd_ref(0.1, mom, damp, wd, nesterov, maximize));
          }
}

TEST_CASE("Adam and AdamW: weight_decay, amsgrad, maximize", "[optim]") {
  for (double wd : {0.0, 0.1})
    for (bool amsgrad : {false, true})
      for (bool maximize : {false, true}) {
        INFO("wd " << wd << " amsgrad " << amsgrad << " maximize " << maximize);
        check([&](std::vector<Tensor> ps) {
          return std::make_unique<optim::Adam>(
              ps, optim::AdamOptions(0.01).betas({0.8, 0.9}).weight_decay(wd).amsgrad(amsgrad).maximize(maximize));
        }, adam_ref(0.01, 0.8, 0.9, 1e-8, wd, amsgrad, maximize, false));
        check([&](std::vector<Tensor> ps) {
          return std::make_unique<optim::AdamW>(
              ps, optim::AdamWOptions(0.01).weight_decay(wd).amsgrad(amsgrad).maximize(maximize));
        }, adam_ref(0.01, 0.9, 0.999, 1e-8, wd, amsgrad, maximize, true));
      }
  // float32 on the vector loops (1000 elements: vectors and a tail)
  check([](std::vector<Tensor> ps) { return std::make_unique<optim::Adam>(ps, optim::AdamOptions(0.01)); },
        adam_ref(0.01, 0.9, 0.999, 1e-8, 0, false, false, false), 1000, kFloat32, 2e-5);
}

TEST_CASE("RMSprop: alpha, centered, momentum, weight_decay, maximize", "[optim]") {
  for (double wd : {0.0, 0.1})
    for (double mom : {0.0, 0.5})
      for (bool centered : {false, true})
        for (bool maximize : {false, true}) {
          INFO("wd " << wd << " momentum " << mom << " centered " << centered << " maximize " << maximize);
          Ref ref{[=](double p, double g, int, std::vector<double>& st) {
                    if (maximize) g = -g;
                    if (wd != 0) g += wd * p;
                    st[0] = 0.9 * st[0] + 0.1 * g * g;
                    double avg;
                    if (centered) {
                      st[1] += 0.1 * (g - st[1]);
                      avg = std::sqrt(st[0] - st[1] * st[1]) + 1e-8;
                    } else {
                      avg = std::sqrt(st[0]) + 1e-8;
                    }
                    if (mom > 0) {
                      st[2] = mom * st[2] + g / avg;
                      return p - 0.01 * st[2];
                    }
                    return p - 0.01 * g / avg;
                  },
                  3};
          check([&](std::vector<Tensor> ps) {
            return std::make_unique<optim::RMSprop>(ps, optim::RMSpropOptions(0.01).alpha(0.9).weight_decay(wd)
                                                            .momentum(mom).centered(centered).maximize(maximize));
          }, ref);
        }
}

TEST_CASE("Adagrad: lr_decay, weight_decay, initial_accumulator_value, maximize", "[optim]") {
  for (double decay : {0.0, 0.1})
    for (double wd : {0.0, 0.1})
      for (double init : {0.0, 0.5})
        for (bool maximize : {false, true}) {
          INFO("lr_decay " << decay << " wd " << wd << " init " << init << " maximize " << maximize);
          Ref ref{[=](double p, double g, int t, std::vector<double>& st) {
                    if (maximize) g = -g;
                    if (wd != 0) g += wd * p;
                    st[0] += g * g;
                    return p - 0.1 / (1 + (t - 1) * decay) * g / (std::sqrt(st[0]) + 1e-10);
                  },
                  1, init};
          check([&](std::vector<Tensor> ps) {
            return std::make_unique<optim::Adagrad>(ps, optim::AdagradOptions(0.1).lr_decay(decay).weight_decay(wd)
                                                            .initial_accumulator_value(init).maximize(maximize));
          }, ref);
        }
}

TEST_CASE("optimizers: libtorch's defaults", "[optim]") {
  REQUIRE(optim::AdamOptions().lr() == 1e-3);
  REQUIRE(optim::AdamOptions().betas() == std::make_tuple(0.9, 0.999));
  REQUIRE(optim::AdamOptions().eps() == 1e-8);
  REQUIRE(optim::AdamWOptions().weight_decay() == 1e-2);
  REQUIRE(optim::RMSpropOptions().lr() == 1e-2);
  REQUIRE(optim::RMSpropOptions().alpha() == 0.99);
  REQUIRE(optim::AdagradOptions().eps() == 1e-10);
  REQUIRE(optim::SGDOptions(0.1).momentum() == 0);
  REQUIRE_FALSE(optim::SGDOptions(0.1).nesterov());
}

TEST_CASE("optimizers: param groups, zero_grad, closure, state", "[optim]") {
  Tensor a = ones({2}, kFloat64).requires_grad_(true);
  Tensor b = ones({2}, kFloat64).requires_grad_(true);
  std::vector<optim::OptimizerParamGroup> groups{
      optim::OptimizerParamGroup({a}),
      optim::OptimizerParamGroup({b}, std::make_unique<optim::SGDOptions>(optim::SGDOptions(0.5)))};
  optim::SGD opt(groups, optim::SGDOptions(0.1).momentum(0.9));
  REQUIRE(opt.param_groups().size() == 2);
  REQUIRE(opt.param_groups()[1].options().get_lr() == 0.5);
  REQUIRE(opt.size() == 2);
  a.set_grad(ones({2}, kFloat64));
  b.set_grad(ones({2}, kFloat64));
  opt.step();
  REQUIRE(a.select(0, 0).item<double>() == Approx(0.9));
  REQUIRE(b.select(0, 0).item<double>() == Approx(0.5));
  auto& st = static_cast<optim::SGDParamState&>(*opt.state().at(a.unsafeGetTensorImpl()));
  REQUIRE(st.momentum_buffer().select(0, 0).item<double>() == 1.0);
  REQUIRE(opt.state().count(b.unsafeGetTensorImpl()) == 0);  // group 1 has no momentum

  opt.zero_grad(false);
  REQUIRE(a.grad().sum().item<double>() == 0.0);
  opt.zero_grad();
  REQUIRE_FALSE(a.grad().defined());

  Tensor w = tensor(std::vector<double>{1.0, 2.0}, kFloat64).requires_grad_(true);
  optim::Adagrad ada({w}, optim::AdagradOptions(0.1));
  Tensor loss = ada.step([&] {
    ada.zero_grad();
    Tensor l = (w * w).sum();
    l.backward();
    return l;
  });
  REQUIRE(loss.item<double>() == 5.0);
  REQUIRE(w.select(0, 0).item<double>() == Approx(0.9));

  Tensor c = zeros({3}).requires_grad_(true);
  opt.add_param_group(optim::OptimizerParamGroup({c}));
  REQUIRE(opt.param_groups().size() == 3);
  REQUIRE(opt.param_groups()[2].options().get_lr() == 0.1);
}

TEST_CASE("optimizers: the same numbers as Python (golden values)", "[optim]") {
  // tests_py/test_optim.py::test_golden_values runs the same three steps in Python.
  auto golden = [](optim::Optimizer& opt, Tensor p) {
    for (int s = 0; s < 3; ++s) {
      p.set_grad(tensor(std::vector<double>{0.5 - s, 1.5, -2.0 + 0.25 * s}, kFloat64));
      opt.step();
    }
    return std::vector<double>{p.select(0, 0).item<double>(), p.select(0, 1).item<double>(),
                               p.select(0, 2).item<double>()};
  };
  auto leaf = [] { return tensor(std::vector<double>{1.0, -2.0, 3.0}, kFloat64).requires_grad_(true); };
  Tensor p1 = leaf(), p2 = leaf(), p3 = leaf(), p4 = leaf(), p5 = leaf();
  optim::SGD sgd({p1}, optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(0.01));
  optim::Adam adam({p2}, optim::AdamOptions(0.1).amsgrad(true));
  optim::AdamW adamw({p3}, optim::AdamWOptions(0.1));
  optim::RMSprop rms({p4}, optim::RMSpropOptions(0.1).centered(true).momentum(0.5));
  optim::Adagrad ada({p5}, optim::AdagradOptions(0.1).lr_decay(0.1));
  std::vector<std::vector<double>> got{golden(sgd, p1), golden(adam, p2), golden(adamw, p3), golden(rms, p4),
                                       golden(ada, p5)};
  const std::vector<std::vector<double>> want = {{1.240848958191, -3.189194631132, 4.420254725223},
      {0.9647876241003217, -2.299999997999999, 3.2977727155685437},
      {0.9619852599385342, -2.2937060960019986, 3.2884823808529116},
      {1.214035329016212, -5.421941317757633, 6.261224674827399},
      {1.039660270804127, -2.2123949570742427, 3.200825651278132}};
  for (size_t k = 0; k < want.size(); ++k)
    for (size_t i = 0; i < 3; ++i) {
      INFO("optimizer " << k << " element " << i);
      REQUIRE(got[k][i] == Approx(want[k][i]).epsilon(1e-14).margin(1e-15));
    }
}

TEST_CASE("optimizers: bad input", "[optim]") {
  Tensor a = zeros({2}).requires_grad_(true);
  REQUIRE_THROWS_WITH(optim::SGD(std::vector<Tensor>{}, optim::SGDOptions(0.1)), Contains("optimizer got an empty parameter list"));
  REQUIRE_THROWS_WITH(optim::Adam({a * 2}), Contains("can't optimize a non-leaf Tensor"));
  REQUIRE_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(-1.0)), Contains("Invalid learning rate: -1"));
  REQUIRE_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(0.1).nesterov(true)),
                      Contains("Nesterov momentum requires a momentum and zero dampening"));
  REQUIRE_THROWS_WITH(optim::Adam({a}, optim::AdamOptions().betas({1.0, 0.9})),
                      Contains("Invalid beta parameter at index 0: 1"));
  REQUIRE_THROWS_WITH(optim::RMSprop({a}, optim::RMSpropOptions().alpha(-1)), Contains("Invalid alpha value: -1"));
  REQUIRE_THROWS_WITH(optim::Adagrad({a}, optim::AdagradOptions().lr_decay(-1)), Contains("Invalid lr_decay value"));
  std::vector<optim::OptimizerParamGroup> dup{optim::OptimizerParamGroup({a}), optim::OptimizerParamGroup({a})};
  REQUIRE_THROWS_WITH(optim::SGD(dup, optim::SGDOptions(0.1)),
                      Contains("some parameters appear in more than one parameter group"));
  REQUIRE_THROWS_AS(optim::SGD(dup, optim::SGDOptions(0.1)), ValueError);
}

TEST_CASE("fused optimizer ops called directly", "[optim][ops]") {
  std::vector<Tensor> ps{ones({3}), ones({4})}, gs{ones({3}), ones({4})}, ms{zeros({3}), zeros({4})},
      vs{zeros({3}), zeros({4})}, steps{ones({}), ones({})};
  auto v0 = ps[0]._version();
  _fused_adam_(ps, gs, ms, vs, {}, steps, 0.1, 0.9, 0.999, 0.0, 1e-8, false, false);
  REQUIRE(ps[1].select(0, 3).item<float>() == Approx(0.9f));
  REQUIRE(ps[0]._version() > v0);
  _fused_adamw_(ps, gs, ms, vs, {}, steps, 0.1, 0.9, 0.999, 0.1, 1e-8, false, false);
  _fused_sgd_(ps, gs, {}, 0.0, 0.0, 0.5, 0.0, false, false, false);
  _fused_rmsprop_(ps, gs, vs, {}, {}, steps, 0.1, 0.9, 1e-8, 0.0, 0.0, false, false);
  _fused_adagrad_(ps, gs, ms, steps, 0.1, 0.0, 0.0, 1e-10, false);
  REQUIRE(std::isfinite(ps[0].sum().item<float>()));
  REQUIRE_THROWS_WITH(_fused_adam_(ps, {gs[0]}, ms, vs, {}, steps, 0.1, 0.9, 0.999, 0.0, 1e-8, false, false),
                      Contains("_fused_adam_: expected grads to hold 2 tensors (one per param), got 1"));
  REQUIRE_THROWS_AS(_fused_adam_(ps, gs, ms, vs, {}, steps, 0.1, 0.9, 0.999, 0.0, 1e-8, false, false, ones({})),
                    NotImplementedError);
  Tensor leaf = ones({3}).requires_grad_(true);
  REQUIRE_THROWS_WITH(_fused_sgd_({leaf}, {ones({3})}, {}, 0.0, 0.0, 0.1, 0.0, false, false, false),
                      Contains("a leaf Variable that requires grad is being used in an in-place operation"));
  {
    NoGradGuard no_grad;
    _fused_sgd_({leaf}, {ones({3})}, {}, 0.0, 0.0, 0.1, 0.0, false, false, false);
  }
  REQUIRE(leaf.select(0, 0).item<float>() == Approx(0.9f));
}
