// A short tour of ember's C++ tensor API.
#include <ember/ember.h>

#include <iostream>

int main() {
  auto x = ember::tensor({1.f, 2.f, 3.f, 4.f}).reshape({2, 2});
  auto z = ember::matmul(x, ember::ones({2, 2})) + 1;
  std::cout << "z = x @ ones + 1:\n" << z << "\n";
  auto y = x.transpose(0, 1).reshape({4});
  std::cout << "x.T.reshape(4):\n" << y << "\n";
  auto s = ember::softmax(ember::arange(4, ember::kFloat64), 0);
  std::cout << "softmax(arange(4)): sum = " << s.sum().item<double>() << "\n";
  using namespace ember::indexing;
  auto m = ember::arange(12, ember::kFloat32).reshape({3, 4});
  std::cout << "m[::-1, 1:3]:\n" << m.index({Slice(None, None, -1), Slice(1, 3)}) << "\n";
  auto w = ember::tensor({1., 2., 3.}, ember::requires_grad());
  auto loss = (3 * w.pow(3) + 2 * w.pow(2) - w + 5).sum();
  loss.backward();
  std::cout << "d/dw (3w^3 + 2w^2 - w + 5):\n" << w.grad() << "\n";
  ember::manual_seed(0);
  std::cout << "randn({16}).sizes() = " << ember::randn({16}).sizes() << "\n";
  try {
    ember::ones({2, 3}) + ember::ones({4});
  } catch (const ember::Error& e) {
    std::cout << "error, as expected: " << e.what() << "\n";
  }
  return 0;
}
