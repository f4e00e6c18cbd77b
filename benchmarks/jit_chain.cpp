// S16 without Python: the traced chain of 100 pointwise ops on a 16-element tensor, run by the C++
// interpreter under no_grad (benchmarks/jit_chain.sh builds it against the dev tree).
#include <chrono>
#include <cstdio>

#include <ember/ember.h>
#include <ember/jit.h>

int main() {
  using namespace ember;
  auto chain = [](const std::vector<Tensor>& in) {
    Tensor x = in[0];
    for (int i = 0; i < 25; ++i) x = (x * 1.01 + 0.01).tanh() - 0.001;
    return x;
  };
  Tensor x = ember::randn({16});
  NoGradGuard no_grad;
  jit::Function f("chain", jit::trace(chain, {x}));
  std::vector<IValue> in{x};
  for (int i = 0; i < 100; ++i) (void)f(in);
  auto time = [&](auto&& body) {
    double best = 1e30;
    for (int rep = 0; rep < 7; ++rep) {
      int n = 2000;
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) body();
      double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
      best = us < best ? us : best;
    }
    return best;
  };
  double interp = time([&] { (void)f(in); });
  double eager = time([&] { (void)chain({x}); });
  std::printf("S16 C++: interpreter %.2f us per call (%zu instructions), eager C++ %.2f us (best of 7)\n", interp,
              f.num_instructions(), eager);
  return 0;
}
