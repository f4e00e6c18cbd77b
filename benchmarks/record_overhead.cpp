// S10f from C++ (no Python): the 100-op chain of bench.py (*1.01, +0.1, tanh on 16 elements) with
// graph recording and under NoGradGuard, medians of 15 repeats, and the per-op recording cost.
// Build and run: bash benchmarks/record_overhead.sh (needs build/ from tools/setup.sh).
#include <ember/ember.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace ember;

static Tensor chain(const Tensor& x) {
  Tensor y = x;
  for (int i = 0; i < 100; ++i) {
    if (i % 3 == 0) y = y * 1.01;
    else if (i % 3 == 1) y = y + 0.1;
    else y = ember::tanh(y);
  }
  return y;
}

static double median_us(const Tensor& x, bool record) {
  std::optional<autograd::NoGradGuard> guard;
  if (!record) guard.emplace();
  for (int i = 0; i < 2000; ++i) chain(x);
  std::vector<double> t;
  for (int rep = 0; rep < 15; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 2000; ++i) chain(x);
    t.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 2000);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  Tensor x = ember::randn({16});
  x.requires_grad_(true);
  double rec = median_us(x, true), ng = median_us(x, false);
  std::printf("recording %.2f us, no_grad %.2f us, ratio %.2f, recording cost %.0f ns per op\n", rec, ng, rec / ng,
              (rec - ng) * 1000 / 100);
}
