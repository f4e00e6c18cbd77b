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
  try {
    ember::ones({2, 3}) + ember::ones({4});
  } catch (const ember::Error& e) {
    std::cout << "error, as expected: " << e.what() << "\n";
  }
  return 0;
}
