// A libtorch-style MLP in ember: a module with registered submodules, a handle made by EMBER_MODULE,
// and a training loop (plain SGD written by hand) fitting y = sin(x0) + x1^2 on random points.
#include <ember/ember.h>

#include <iostream>

struct MlpImpl : ember::nn::Module {
  MlpImpl(int64_t in, int64_t hidden, int64_t out)
      : fc1(register_module("fc1", ember::nn::Linear(in, hidden))),
        fc2(register_module("fc2", ember::nn::Linear(ember::nn::LinearOptions(hidden, out).bias(true)))) {}
  ember::Tensor forward(ember::Tensor x) { return fc2->forward(ember::tanh(fc1->forward(x))); }
  ember::nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(Mlp);

int main() {
  ember::manual_seed(0);
  Mlp net(2, 32, 1);
  std::cout << net << "\n";
  for (const auto& item : net->named_parameters()) std::cout << item.key() << ": " << item.value().sizes() << "\n";
  auto x = ember::rand({256, 2}) * 4 - 2;
  auto y = (ember::sin(x.select(1, 0)) + x.select(1, 1).pow(2)).unsqueeze(1);
  const double lr = 0.05;
  for (int step = 0; step <= 300; ++step) {
    net->zero_grad();
    auto loss = (net(x) - y).pow(2).mean();
    loss.backward();
    {
      ember::NoGradGuard no_grad;
      for (auto& p : net->parameters()) p.sub_(p.grad() * lr);
    }
    if (step % 100 == 0) std::cout << "step " << step << "  loss " << loss.item<double>() << "\n";
  }
  return 0;
}
