// Links Ember::ember (conan component `ember`): ops and autograd.
#include <cstdio>

#include <ember/ember.h>

int main() {
  ember::Tensor w = ember::ones({3}, ember::kFloat64).requires_grad_();
  ember::Tensor loss = (w * w * 3).sum();
  loss.backward();
  std::printf("grad %g\n", w.grad().sum().item<double>());
  return 0;
}
