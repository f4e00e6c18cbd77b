// ember::optim lr schedulers from C++: each sequence against PyTorch's documented formula (the same
// sequences tests_py/test_lr_scheduler.py checks in Python), OneCycleLR's momentum, SequentialLR,
// ReduceLROnPlateauScheduler, step(epoch), resuming, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include <ember/ember.h>

using namespace ember;
using Catch::Matchers::Contains;

namespace {

constexpr int kN = 25;

/// An SGD over two groups with lrs 0.1 and 0.2.
std::unique_ptr<optim::SGD> make_sgd(double momentum = 0) {
  std::vector<optim::OptimizerParamGroup> groups{
      optim::OptimizerParamGroup({zeros({2}).requires_grad_(true)}),
      optim::OptimizerParamGroup({zeros({2}).requires_grad_(true)},
                                 std::make_unique<optim::SGDOptions>(optim::SGDOptions(0.2).momentum(momentum)))};
  return std::make_unique<optim::SGD>(groups, optim::SGDOptions(0.1).momentum(momentum));
}

double lr_of(optim::Optimizer& opt, size_t g) { return opt.param_groups()[g].options().get_lr(); }

/// Checks the lrs of both groups at epochs 0..n-1 against want(epoch, base_lr).
void expect(optim::Optimizer& opt, optim::LRScheduler& sched, const std::function<double(int, double)>& want,
            int n = kN) {
  for (int e = 0; e < n; ++e) {
    INFO("epoch " << e);
    for (size_t g = 0; g < 2; ++g) {
      const double base = 0.1 * static_cast<double>(g + 1);
      REQUIRE(lr_of(opt, g) == Approx(want(e, base)).epsilon(1e-12).margin(1e-15));
      REQUIRE(sched.get_last_lr()[g] == lr_of(opt, g));
    }
    opt.step();
    sched.step();
  }
}

}  // namespace

TEST_CASE("StepLR, MultiStepLR, ExponentialLR", "[optim][lr_scheduler]") {
  auto o1 = make_sgd();
  optim::StepLR step(*o1, 3, 0.5);
  expect(*o1, step, [](int e, double b) { return b * std::pow(0.5, e / 3); });

  auto o2 = make_sgd();
  std::vector<int64_t> ms{2, 5, 5, 11};
  optim::MultiStepLR multi(*o2, ms, 0.1);
  expect(*o2, multi, [&](int e, double b) {
    int k = 0;
    for (int64_t m : ms) k += m <= e;
    return b * std::pow(0.1, k);
  });

  auto o3 = make_sgd();
  optim::ExponentialLR ex(*o3, 0.9);
  expect(*o3, ex, [](int e, double b) { return b * std::pow(0.9, e); });
}

TEST_CASE("CosineAnnealingLR, LinearLR, LambdaLR", "[optim][lr_scheduler]") {
  for (double eta_min : {0.0, 0.01}) {
    auto o = make_sgd();
    optim::CosineAnnealingLR cos(*o, 10, eta_min);
    expect(*o, cos, [&](int e, double b) { return eta_min + (b - eta_min) * (1 + std::cos(M_PI * e / 10.0)) / 2; });
  }
  for (auto [start, end, total] : {std::make_tuple(1.0 / 3, 1.0, 5), std::make_tuple(1.0, 0.1, 8)}) {
    auto o = make_sgd();
    optim::LinearLR lin(*o, start, end, total);
    expect(*o, lin, [&, start = start, end = end, total = total](int e, double b) {
      return b * (start + (end - start) * std::min(e, total) / total);
    });
  }
  auto o = make_sgd();
  optim::LambdaLR lam(*o, std::vector<optim::LambdaLR::Lambda>{[](int64_t e) { return std::pow(0.95, e); },
                                                                [](int64_t e) { return 1.0 / (e + 1); }});
  for (int e = 0; e < kN; ++e) {
    REQUIRE(lr_of(*o, 0) == Approx(0.1 * std::pow(0.95, e)));
    REQUIRE(lr_of(*o, 1) == Approx(0.2 / (e + 1)));
    lam.step();
  }
}

TEST_CASE("OneCycleLR: lr and momentum, cos / linear, three phases", "[optim][lr_scheduler]") {
  for (bool three : {false, true})
    for (std::string strategy : {"cos", "linear"}) {
      auto o = make_sgd(0.9);
      const int total = 20;
      optim::OneCycleLR sched(*o, 1.0, total, optim::OneCycleLROptions().anneal_strategy(strategy).three_phase(three));
      auto anneal = [&](double a, double b, double pct) {
        return strategy == "cos" ? b + (a - b) / 2 * (std::cos(M_PI * pct) + 1) : (b - a) * pct + a;
      };
      const double init = 1.0 / 25, lo = init / 1e4, up = 0.3 * total - 1;
      struct Ph { double end, l0, l1, m0, m1; };
      std::vector<Ph> phases = three ? std::vector<Ph>{{up, init, 1.0, 0.95, 0.85}, {2 * 0.3 * total - 2, 1.0, init, 0.85, 0.95},
                                                       {total - 1.0, init, lo, 0.95, 0.95}}
                                     : std::vector<Ph>{{up, init, 1.0, 0.95, 0.85}, {total - 1.0, 1.0, lo, 0.85, 0.95}};
      for (int s = 0; s < total; ++s) {
        double start = 0, lr = 0, mom = 0;
        for (size_t i = 0; i < phases.size(); ++i) {
          if (s <= phases[i].end || i == phases.size() - 1) {
            const double pct = (s - start) / (phases[i].end - start);
            lr = anneal(phases[i].l0, phases[i].l1, pct);
            mom = anneal(phases[i].m0, phases[i].m1, pct);
            break;
          }
          start = phases[i].end;
        }
        INFO("step " << s << " three_phase " << three << " " << strategy);
        REQUIRE(lr_of(*o, 0) == Approx(lr).epsilon(1e-12));
        REQUIRE(static_cast<optim::SGDOptions&>(o->param_groups()[0].options()).momentum() == Approx(mom));
        o->step();
        if (s + 1 < total) sched.step();
      }
      sched.step();
      REQUIRE_THROWS_WITH(sched.step(), Contains("Tried to step 21 times. The specified number of total steps is 20"));
    }
  // Adam's beta1 cycles; Adagrad has neither momentum nor betas
  Tensor p = zeros({2}).requires_grad_(true);
  optim::Adam adam({p}, optim::AdamOptions(0.01).betas({0.9, 0.99}));
  optim::OneCycleLR sched(adam, 0.01, 10, optim::OneCycleLROptions().base_momentum(0.8).max_momentum(0.9));
  REQUIRE(std::get<0>(static_cast<optim::AdamOptions&>(adam.param_groups()[0].options()).betas()) == 0.9);
  sched.step();
  REQUIRE(std::get<0>(static_cast<optim::AdamOptions&>(adam.param_groups()[0].options()).betas()) < 0.9);
  REQUIRE(std::get<1>(static_cast<optim::AdamOptions&>(adam.param_groups()[0].options()).betas()) == 0.99);
  optim::Adagrad ada({zeros({2}).requires_grad_(true)});
  REQUIRE_THROWS_WITH(optim::OneCycleLR(ada, 0.1, 10), Contains("optimizer must support momentum or beta1"));
}

TEST_CASE("SequentialLR: linear warmup, then exponential decay", "[optim][lr_scheduler]") {
  auto o = make_sgd();
  auto warm = std::make_shared<optim::LinearLR>(*o, 0.1, 1.0, 4);
  auto decay = std::make_shared<optim::ExponentialLR>(*o, 0.8);
  optim::SequentialLR seq(*o, {warm, decay}, {4});
  expect(*o, seq, [](int e, double b) { return e < 4 ? b * (0.1 + 0.9 * e / 4) : b * std::pow(0.8, e - 4); });
  REQUIRE_THROWS_WITH(optim::SequentialLR(*o, {warm, decay}, {}),
                      Contains("expects number of schedulers provided to be one more"));
}

TEST_CASE("ReduceLROnPlateauScheduler", "[optim][lr_scheduler]") {
  auto o = make_sgd();
  optim::ReduceLROnPlateauScheduler sched(*o, optim::ReduceLROnPlateauScheduler::min, 0.5, 2, 1e-4,
                                          optim::ReduceLROnPlateauScheduler::rel, 1, {0.0, 0.15});
  const std::vector<double> metrics{1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.8, 0.8, 0.8, 0.8};
  std::vector<double> lr{0.1, 0.2}, lo{0.0, 0.15};
  double best = INFINITY;
  int bad = 0, cool = 0;
  for (double m : metrics) {  // PyTorch's documented rule, written out
    sched.step(m);
    if (m < best * (1 - 1e-4)) best = m, bad = 0;
    else ++bad;
    if (cool > 0) --cool, bad = 0;
    if (bad > 2) {
      for (size_t g = 0; g < 2; ++g) {
        const double n = std::max(lr[g] * 0.5, lo[g]);
        if (lr[g] - n > 1e-8) lr[g] = n;
      }
      cool = 1, bad = 0;
    }
    REQUIRE(sched.get_last_lr()[0] == Approx(lr[0]));
    REQUIRE(sched.get_last_lr()[1] == Approx(lr[1]));
  }
  REQUIRE(lr_of(*o, 1) == 0.15);
  REQUIRE_THROWS_WITH(optim::ReduceLROnPlateauScheduler(*o, optim::ReduceLROnPlateauScheduler::min, 1.0),
                      Contains("Factor should be < 1.0."));
}

TEST_CASE("schedulers: step(epoch) closed forms and resuming", "[optim][lr_scheduler]") {
  auto o = make_sgd();
  optim::StepLR step(*o, 2, 0.5);
  step.step(5);
  REQUIRE(step.last_epoch() == 5);
  REQUIRE(lr_of(*o, 0) == Approx(0.1 * 0.25));
  // a second scheduler resumes from the groups' initial_lr
  optim::CosineAnnealingLR cos(*o, 7, 0.0, 5);
  REQUIRE(cos.base_lrs() == std::vector<double>{0.1, 0.2});
  auto fresh = make_sgd();
  REQUIRE_THROWS_WITH(optim::StepLR(*fresh, 2, 0.1, 3), Contains("initial_lr"));
  REQUIRE_THROWS_WITH(optim::LinearLR(*fresh, 0.0), Contains("Starting multiplicative factor"));
}

TEST_CASE("schedulers: state_dict resumes the sequence", "[optim][lr_scheduler]") {
  auto lrs = [](optim::Optimizer& o) { return std::vector<double>{lr_of(o, 0), lr_of(o, 1)}; };
  // uninterrupted: 12 epochs of warmup then cosine
  auto run = [&](optim::Optimizer& o, optim::LRScheduler& s, int n) {
    std::vector<std::vector<double>> out;
    for (int e = 0; e < n; ++e) {
      out.push_back(lrs(o));
      o.step();
      s.step();
    }
    return out;
  };
  auto o1 = make_sgd();
  optim::SequentialLR full(*o1, {std::make_shared<optim::LinearLR>(*o1, 0.1, 1.0, 3),
                                 std::make_shared<optim::CosineAnnealingLR>(*o1, 7)}, {3});
  auto want = run(*o1, full, 12);
  // 5 epochs, save, rebuild over another optimizer at the saved lrs, load, 7 more
  auto o2 = make_sgd();
  optim::SequentialLR first(*o2, {std::make_shared<optim::LinearLR>(*o2, 0.1, 1.0, 3),
                                  std::make_shared<optim::CosineAnnealingLR>(*o2, 7)}, {3});
  auto got = run(*o2, first, 5);
  optim::LRSchedulerState saved = first.state_dict();
  REQUIRE(saved.last_epoch == 5);
  REQUIRE(saved.children.size() == 2);
  auto o3 = make_sgd();
  for (size_t g = 0; g < 2; ++g) {
    o3->param_groups()[g].options().set_lr(lr_of(*o2, g));
    o3->param_groups()[g].options().initial_lr() = 0.1 * static_cast<double>(g + 1);
  }
  optim::SequentialLR second(*o3, {std::make_shared<optim::LinearLR>(*o3, 0.1, 1.0, 3),
                                   std::make_shared<optim::CosineAnnealingLR>(*o3, 7)}, {3});
  for (size_t g = 0; g < 2; ++g) o3->param_groups()[g].options().set_lr(lr_of(*o2, g));  // as the optimizer's state
  second.load_state_dict(saved);
  auto rest = run(*o3, second, 7);
  got.insert(got.end(), rest.begin(), rest.end());
  REQUIRE(got.size() == want.size());
  for (size_t e = 0; e < want.size(); ++e)
    for (size_t g = 0; g < 2; ++g) REQUIRE(got[e][g] == Approx(want[e][g]).epsilon(1e-12));

  auto o4 = make_sgd();
  optim::ReduceLROnPlateauScheduler plateau(*o4, optim::ReduceLROnPlateauScheduler::min, 0.5, 1);
  plateau.step(1.0);
  plateau.step(2.0);
  auto st = plateau.state_dict();
  REQUIRE(st.best == 1.0);
  REQUIRE(st.num_bad_epochs == 1);
  optim::ReduceLROnPlateauScheduler again(*o4, optim::ReduceLROnPlateauScheduler::min, 0.5, 1);
  again.load_state_dict(st);
  again.step(2.0);  // the second bad epoch: reduce
  REQUIRE(lr_of(*o4, 0) == Approx(0.05));
  REQUIRE(again.last_epoch() == 3);
}
