// A deployment program: tensor ops through Ember::runtime alone (no autograd, no Python; docs/layers.md).
// Given the path of libember.so it then loads the autograd layer into the same process, and the same op
// bodies record history from then on (Note [autograd hooks]).
#include <dlfcn.h>

#include <cstdio>

#include <ember/ember.h>

int main(int argc, char** argv) {
  ember::Tensor x = ember::arange(6, ember::kFloat32).reshape({2, 3});
  ember::Tensor y = ember::matmul(x * 2 + 1, ember::ones({3, 1}));
  std::printf("ops: %g %g\n", y.select(0, 0).item<double>(), y.select(0, 1).item<double>());
  try {
    x.requires_grad_();
    std::puts("requires_grad_ did not raise without libember");
    return 1;
  } catch (const ember::Error& e) {
    std::printf("without libember: %s\n", e.what());
  }
  if (argc < 2) return 0;
  if (!dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL)) {
    std::printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  ember::Tensor w = ember::ones({3}, ember::kFloat64).requires_grad_();
  ember::Tensor loss = (w * w * 3).sum();
  std::printf("with libember: grad_fn %s\n", loss.grad_fn() ? loss.grad_fn()->name().c_str() : "none");
  loss.backward();
  std::printf("grad: %g %g %g\n", w.grad().select(0, 0).item<double>(), w.grad().select(0, 1).item<double>(),
              w.grad().select(0, 2).item<double>());
  return 0;
}
