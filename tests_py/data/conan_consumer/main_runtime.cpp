// Links Ember::runtime alone (conan component `runtime`): ops without autograd.
#include <cstdio>

#include <ember/ember.h>

int main() {
  ember::Tensor x = ember::arange(4, ember::kFloat32);
  std::printf("sum %g\n", (x * x).sum().item<double>());
  return 0;
}
