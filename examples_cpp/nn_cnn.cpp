// A small libtorch-style CNN (conv-bn-relu-pool-conv-relu-pool-flatten-dropout-linear) for the Python <-> C++
// parity test (tests_py/test_cmake_consumer.py): with a directory argument it reads the parameters,
// buffers, input and target that Python wrote there as raw float64 files (listed in manifest.txt: "name
// ndim d0 d1 ..."), runs forward + cross_entropy + backward in eval mode and writes out.bin, grad_x.bin
// and grad_<name>.bin for Python to compare; it prints the module's repr and its parameter / buffer
// names. It also checks that clone() gives an independent deep copy with the same output.
#include <ember/ember.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace nn = ember::nn;
namespace F = ember::nn::functional;

struct CnnImpl : nn::Cloneable<CnnImpl> {
  CnnImpl() : Cloneable("Cnn") { reset(); }
  void reset() override {
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1)));
    bn1 = register_module("bn1", nn::BatchNorm2d(4));
    pool = register_module("pool", nn::MaxPool2d(2));
    conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(4, 8, {3, 3}).padding(ember::kSame)));
    flatten = register_module("flatten", nn::Flatten());
    drop = register_module("drop", nn::Dropout(0.5));
    fc = register_module("fc", nn::Linear(32, 3));
  }
  ember::Tensor forward(const ember::Tensor& x) {
    auto h = pool(ember::relu(bn1(conv1(x))));
    h = pool(ember::relu(conv2(h)));
    return fc(drop(flatten(h)));
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  nn::MaxPool2d pool{nullptr};
  nn::Flatten flatten{nullptr};
  nn::Dropout drop{nullptr};
  nn::Linear fc{nullptr};
};
EMBER_MODULE(Cnn);

static ember::Tensor read_raw(const std::string& path, const std::vector<int64_t>& shape) {
  std::ifstream in(path, std::ios::binary);
  int64_t n = 1;
  for (auto d : shape) n *= d;
  std::vector<double> v(static_cast<size_t>(n));
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(double)));
  if (!in) throw std::runtime_error("cannot read " + path);
  return ember::tensor(v, ember::TensorOptions().dtype(ember::kFloat64)).reshape(shape);
}

static void write_raw(const std::string& path, const ember::Tensor& t) {
  auto c = t.to(ember::kFloat64).contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(c.data_ptr<double>()), static_cast<std::streamsize>(c.numel() * 8));
}

int main(int argc, char** argv) {
  Cnn net;
  net->to(ember::kFloat64);
  std::cout << net << "\n";
  for (const auto& item : net->named_parameters()) std::cout << "param " << item.key() << "\n";
  for (const auto& item : net->named_buffers()) std::cout << "buffer " << item.key() << "\n";
  if (argc < 2) return 0;
  const std::string dir = argv[1];
  std::ifstream manifest(dir + "/manifest.txt");
  std::string line;
  ember::Tensor x, target;
  auto params = net->named_parameters();
  auto buffers = net->named_buffers();
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string name;
    int64_t ndim = 0;
    fields >> name >> ndim;
    std::vector<int64_t> shape(static_cast<size_t>(ndim));
    for (auto& d : shape) fields >> d;
    auto t = read_raw(dir + "/" + name + ".bin", shape);
    ember::NoGradGuard no_grad;
    if (name == "x") x = t;
    else if (name == "target") target = t.to(ember::kInt64);
    else if (params.contains(name)) params[name].copy_(t);
    else buffers[name].copy_(t);
  }
  net->eval();
  x.requires_grad_();
  auto out = net(x);
  auto loss = F::cross_entropy(out, target);
  loss.backward();
  write_raw(dir + "/out.bin", out.detach());
  write_raw(dir + "/grad_x.bin", x.grad());
  for (const auto& item : net->named_parameters()) write_raw(dir + "/grad_" + item.key() + ".bin", item.value().grad());
  std::cout << "loss " << loss.item<double>() << "\n";

  // clone(): a deep copy, same output, independent parameters
  auto copy = std::dynamic_pointer_cast<CnnImpl>(net->clone());
  copy->eval();
  bool same = ember::allclose(copy->forward(x.detach()), out.detach(), 0, 0);
  {
    ember::NoGradGuard no_grad;
    copy->fc->weight.add_(1.0);
  }
  bool independent = ember::allclose(net->fc->weight, params["fc.weight"], 0, 0) &&
                     !ember::allclose(copy->fc->weight, net->fc->weight);
  std::cout << "clone same=" << same << " independent=" << independent << "\n";
  return 0;
}
