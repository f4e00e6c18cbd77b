// The C++ half of the README's demo: the digits CNN of examples_py/digits.py written with the C++ frontend.
//
//   digits DATA.safetensors [PYTHON_WEIGHTS.safetensors] [--epochs N] [--min-accuracy PCT]
//
// Reads the 1,797 8x8 images (data/digits.safetensors), makes the same 1500 / 297 split as Python
// (ember.utils.data.random_split with a generator seeded 0 is randperm(1797) under that generator), trains
// the same network with a data loader (2 worker threads) and Adam, prints its test accuracy, then loads the
// weights Python trained and saved and reports their test accuracy: the same number Python printed, since
// both languages run the same kernels on the same data. The last line is `final test accuracy: NN.N%`.
#include <ember/ember.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace nn = ember::nn;

// The network of examples_py/digits.py (same submodule names, so the state_dict keys match).
struct DigitsCNNImpl : nn::Module {
  DigitsCNNImpl()
      : conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)))),
        pool(register_module("pool", nn::MaxPool2d(nn::MaxPool2dOptions(2)))),
        fc1(register_module("fc1", nn::Linear(32 * 4 * 4, 64))),
        fc2(register_module("fc2", nn::Linear(64, 10))) {}
  ember::Tensor forward(ember::Tensor x) {
    x = ember::relu(conv1(x));
    x = pool(ember::relu(conv2(x)));
    x = ember::relu(fc1(x.flatten(1)));
    return fc2(x);
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::MaxPool2d pool{nullptr};
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(DigitsCNN);

// The demo dataset's reader: rows of the images (scaled to [0, 1], 1x8x8) and their labels.
struct DigitsDataset : ember::data::datasets::Dataset<DigitsDataset> {
  DigitsDataset(ember::Tensor images, ember::Tensor labels) : images(std::move(images)), labels(std::move(labels)) {}
  ember::data::Example<> get(size_t i) override {
    return {images[static_cast<int64_t>(i)], labels[static_cast<int64_t>(i)]};
  }
  std::optional<size_t> size() const override { return static_cast<size_t>(images.size(0)); }
  ember::Tensor images, labels;
};

static double evaluate(DigitsCNN& model, const ember::Tensor& images, const ember::Tensor& labels) {
  ember::NoGradGuard no_grad;
  model->eval();
  auto correct = (model->forward(images).argmax(1) == labels).sum().item<int64_t>();
  model->train();
  return 100.0 * static_cast<double>(correct) / static_cast<double>(labels.size(0));
}

int main(int argc, char** argv) {
  std::vector<std::string> files;
  int epochs = 15;
  double min_accuracy = 97.0;  // exit 1 below it, as examples_py/digits.py
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--epochs" && i + 1 < argc) {
      epochs = std::stoi(argv[++i]);
    } else if (a == "--min-accuracy" && i + 1 < argc) {
      min_accuracy = std::stod(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: digits DATA.safetensors [PYTHON_WEIGHTS.safetensors] [--epochs N] [--min-accuracy PCT]\n";
    return 2;
  }
  ember::manual_seed(0);
  auto data = ember::load_state_dict(files[0]);
  auto images = (data["images"].to(ember::kFloat32) / 16.0).reshape({-1, 1, 8, 8});
  auto labels = data["labels"];
  // ember.utils.data.random_split(dataset, [1500, 297], generator=ember.Generator().manual_seed(0)).
  auto perm = ember::randperm(images.size(0), ember::Generator(0));
  auto train_idx = perm.narrow(0, 0, 1500), test_idx = perm.narrow(0, 1500, images.size(0) - 1500);
  auto test_images = images.index_select(0, test_idx), test_labels = labels.index_select(0, test_idx);
  std::cout << "digits: " << train_idx.size(0) << " training and " << test_idx.size(0) << " test images of 8x8\n";

  auto loader = ember::data::make_data_loader<ember::data::samplers::RandomSampler>(
      DigitsDataset(images.index_select(0, train_idx), labels.index_select(0, train_idx))
          .map(ember::data::transforms::Stack<>()),
      ember::data::DataLoaderOptions().batch_size(64).workers(2));

  DigitsCNN model;
  ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(3e-3));
  ember::optim::CosineAnnealingLR sched(opt, epochs);
  auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    int64_t seen = 0, correct = 0;
    double loss_sum = 0;
    for (auto& batch : *loader) {
      auto out = model->forward(batch.data);
      auto loss = ember::nn::functional::cross_entropy(out, batch.target);
      opt.zero_grad();
      loss.backward();
      opt.step();
      int64_t n = batch.target.size(0);
      seen += n;
      loss_sum += loss.item<double>() * static_cast<double>(n);
      correct += (out.argmax(1) == batch.target).sum().item<int64_t>();
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("\repoch %2d/%d  loss %.4f  train acc %5.1f%%  %7.0f samples/s", epoch, epochs,
                  loss_sum / static_cast<double>(seen), 100.0 * static_cast<double>(correct) / static_cast<double>(seen),
                  static_cast<double>(seen) / (secs > 0 ? secs : 1e-9));
      std::fflush(stdout);
    }
    sched.step();
    std::printf("\n");
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double acc = evaluate(model, test_images, test_labels);
  std::printf("C++ training: %d epochs in %.1f s; test accuracy %.1f%%\n", epochs, secs, acc);
  if (files.size() < 2) {
    std::printf("final test accuracy: %.1f%%\n", acc);
    return acc >= min_accuracy ? 0 : 1;
  }
  DigitsCNN from_python;
  ember::load(from_python, files[1]);
  double py_acc = evaluate(from_python, test_images, test_labels);
  std::printf("weights trained by Python (%s), run in C++\n", files[1].c_str());
  std::printf("final test accuracy: %.1f%%\n", py_acc);
  return acc >= min_accuracy && py_acc >= min_accuracy ? 0 : 1;
}
