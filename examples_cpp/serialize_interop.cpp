// Files across languages (tests_py/test_serialization.py runs this): a C++ network and its Adam state
// saved with ember::save, and files written by Python's ember.save loaded with ember::load.
//   serialize_interop write <dir>   writes <dir>/cpp_net.safetensors and <dir>/cpp_adam.safetensors
//   serialize_interop read <dir>    loads <dir>/py_net.safetensors and <dir>/py_adam.safetensors
// Both print one line per tensor: "<name> <sum>" (and "lr <value>"), which the test compares.
#include <cstdio>
#include <iostream>
#include <string>

#include <ember/ember.h>
#include <ember/io/serialize.h>

using namespace ember;

struct NetImpl : nn::Module {
  NetImpl() : nn::Module("Net") {
    fc1 = register_module("fc1", nn::Linear(3, 4));
    fc2 = register_module("fc2", nn::Linear(4, 2));
    register_buffer("steps", ember::zeros({1}, TensorOptions(kInt64)));
  }
  Tensor forward(const Tensor& x) { return fc2->forward(ember::relu(fc1->forward(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(Net);

static void print(const Net& net, const optim::Adam& adam) {
  for (const auto& item : io::module_state_dict(*net))
    std::printf("%s %.9g\n", item.key().c_str(), item.value().to(kFloat64).sum().item<double>());
  std::printf("lr %.9g\n", adam.param_groups()[0].options().get_lr());
  int i = 0;
  for (const Tensor& p : net->parameters()) {
    auto it = adam.state().find(p.unsafeGetTensorImpl());
    if (it == adam.state().end()) continue;
    const auto& s = static_cast<const optim::AdamParamState&>(*it->second);
    std::printf("state.%d.exp_avg %.9g\n", i, s.exp_avg().to(kFloat64).sum().item<double>());
    std::printf("state.%d.step %.9g\n", i, s.step().item<double>());
    ++i;
  }
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: serialize_interop write|read <dir>\n");
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  try {
    Net net;
    optim::Adam adam(net->parameters(), optim::AdamOptions(0.01));
    if (mode == "write") {
      for (int step = 0; step < 2; ++step) {
        adam.zero_grad();
        net->forward(ember::ones({2, 3})).sum().backward();
        adam.step();
      }
      net->named_buffers()["steps"].fill_(2);
      ember::save(net, dir + "/cpp_net.safetensors");
      ember::save(adam, dir + "/cpp_adam.safetensors");
    } else {
      ember::load(net, dir + "/py_net.safetensors");
      ember::load(adam, dir + "/py_adam.safetensors");
    }
    print(net, adam);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
