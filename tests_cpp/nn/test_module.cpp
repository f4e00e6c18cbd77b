// ember::nn::Module: registration, traversal (keys equal Python's state_dict keys), modes, to(),
// zero_grad, apply, holders, printing, and a libtorch-style training loop.
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <sstream>

using namespace ember;

namespace {
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

struct NetImpl : nn::Module {
  NetImpl()
      : fc1(register_module("fc1", nn::Linear(4, 8))),
        act(register_module("act", nn::ReLU())),
        body(register_module("body", nn::Sequential(nn::Linear(nn::LinearOptions(8, 8).bias(false)),
                                                    nn::GELU(nn::GELUOptions().approximate("tanh")),
                                                    nn::Linear(8, 3)))),
        heads(register_module("heads", nn::ModuleList(nn::Linear(3, 3), nn::Linear(3, 3), nn::Linear(3, 2)))) {
    scale = register_buffer("scale", ones({3}));
  }
  Tensor forward(Tensor x) { return body->forward(act(fc1(x))) * scale; }
  // Note [Module::to]: a module keeping copies of its tensor handles re-reads them after to()
  void on_tensors_replaced() override { scale = buffers_["scale"]; }
  nn::Linear fc1{nullptr};
  nn::ReLU act{nullptr};
  nn::Sequential body{nullptr};
  nn::ModuleList heads{nullptr};
  Tensor scale;
};
EMBER_MODULE(Net);

// The text of Python's repr(Net()) for the same module (checked against ember.nn by running it).
const char* kNetRepr = R"(Net(
  (fc1): Linear(in_features=4, out_features=8, bias=True)
  (act): ReLU()
  (body): Sequential(
    (0): Linear(in_features=8, out_features=8, bias=False)
    (1): GELU(approximate='tanh')
    (2): Linear(in_features=8, out_features=3, bias=True)
  )
  (heads): ModuleList(
    (0-1): 2 x Linear(in_features=3, out_features=3, bias=True)
    (2): Linear(in_features=3, out_features=2, bias=True)
  )
))";
}  // namespace

TEST_CASE("Module: named_parameters keys and order equal Python's state_dict keys", "[nn]") {
  Net net;
  std::vector<std::string> expected{"fc1.weight",     "fc1.bias",       "body.0.weight", "body.2.weight",
                                    "body.2.bias",    "heads.0.weight", "heads.0.bias",  "heads.1.weight",
                                    "heads.1.bias",   "heads.2.weight", "heads.2.bias"};
  auto named = net->named_parameters();
  REQUIRE(named.keys() == expected);
  REQUIRE(net->parameters().size() == expected.size());
  REQUIRE(named["fc1.weight"].is_same(net->fc1->weight));
  REQUIRE(named[1].key() == "fc1.bias");
  for (const auto& item : named) {
    REQUIRE(item.value().requires_grad());
    REQUIRE(item.value().is_leaf());
  }
  REQUIRE(net->named_parameters(false).is_empty());
  REQUIRE(net->fc1->named_parameters(false).keys() == std::vector<std::string>{"weight", "bias"});
  REQUIRE(net->named_buffers().keys() == std::vector<std::string>{"scale"});
  REQUIRE(net->buffers().size() == 1);
  REQUIRE_FALSE(net->buffers()[0].requires_grad());
}

TEST_CASE("Module: children, modules and their names", "[nn]") {
  Net net;
  REQUIRE(net->named_children().keys() == std::vector<std::string>{"fc1", "act", "body", "heads"});
  REQUIRE(net->children().size() == 4);
  auto mods = net->named_modules();
  REQUIRE(mods.keys() == std::vector<std::string>{"", "fc1", "act", "body", "body.0", "body.1", "body.2", "heads",
                                                  "heads.0", "heads.1", "heads.2"});
  REQUIRE(mods[""].get() == net.get());
  REQUIRE(net->modules().size() == 11);
  REQUIRE(net->modules(false).size() == 10);
  REQUIRE(net->named_modules("net").keys()[1] == "net.fc1");
  REQUIRE(net->named_child("act").get() == net->act.get());
  REQUIRE(net->named_child("nope") == nullptr);
}

TEST_CASE("Module: a module or tensor reached twice is listed once", "[nn]") {
  nn::Linear shared(2, 2);
  nn::Sequential seq(shared, nn::ReLU(), shared);
  REQUIRE(seq->named_parameters().keys() == std::vector<std::string>{"0.weight", "0.bias"});
  REQUIRE(seq->modules().size() == 3);
}

TEST_CASE("Module: registration errors", "[nn]") {
  struct M : nn::Module {
    M() : nn::Module("M") {}
    using nn::Module::register_buffer;
    using nn::Module::register_parameter;
  } m;
  m.register_parameter("w", ones({2}));
  REQUIRE_THROWS_WITH(m.register_parameter("w", ones({2})), "Parameter 'w' already defined");
  REQUIRE_THROWS_AS(m.register_parameter("a.b", ones({2})), ValueError);
  REQUIRE_THROWS_AS(m.register_parameter("", ones({2})), ValueError);
  REQUIRE_THROWS_WITH(m.register_buffer("w", ones({2})), "attribute 'w' already exists");
  REQUIRE_THROWS_AS(m.register_module("x", std::shared_ptr<nn::LinearImpl>()), Error);
  REQUIRE_THROWS_AS(m.unregister_module("x"), IndexError);
  // a non-leaf becomes its detached value, requires_grad as asked
  auto x = ones({2}, requires_grad());
  Tensor& p = m.register_parameter("p", x * 2, false);
  REQUIRE(p.is_leaf());
  REQUIRE_FALSE(p.requires_grad());
  // an undefined parameter is registered but not listed (Python's register_parameter(name, None))
  m.register_parameter("none", Tensor());
  REQUIRE(m.named_parameters().keys() == std::vector<std::string>{"w", "p"});
}

TEST_CASE("Module: replace_module and unregister_module", "[nn]") {
  Net net;
  net->replace_module("act", nn::Tanh());
  REQUIRE(repr(*net->named_child("act")) == "Tanh()");
  net->unregister_module("heads");
  REQUIRE(net->named_children().keys() == std::vector<std::string>{"fc1", "act", "body"});
  REQUIRE_THROWS_AS(net->replace_module("nope", nn::Tanh()), IndexError);
}

TEST_CASE("Module: train / eval propagate to every descendant", "[nn]") {
  Net net;
  REQUIRE(net->is_training());
  net->eval();
  for (const auto& m : net->modules()) REQUIRE_FALSE(m->is_training());
  net->train();
  for (const auto& m : net->modules()) REQUIRE(m->is_training());
  net->body->train(false);
  REQUIRE(net->is_training());
  REQUIRE_FALSE(net->body->ptr(0)->is_training());
}

TEST_CASE("Module: to(dtype) converts floating tensors and keeps members in sync", "[nn]") {
  Net net;
  struct WithInt : nn::Module {
    WithInt() : nn::Module("WithInt") { register_buffer("count", zeros({1}, kInt64)); }
  };
  auto extra = net->register_module("extra", std::make_shared<WithInt>());
  auto old_weight = values(net->fc1->weight);
  net->fc1->weight.set_grad(ones({8, 4}));
  net->to(kFloat64);
  for (const auto& p : net->parameters()) {
    REQUIRE(p.dtype() == kFloat64);
    REQUIRE(p.requires_grad());
    REQUIRE(p.is_leaf());
  }
  REQUIRE(net->fc1->weight.dtype() == kFloat64);
  REQUIRE(net->fc1->weight.is_same(net->named_parameters()["fc1.weight"]));
  REQUIRE(net->fc1->bias.is_same(net->named_parameters()["fc1.bias"]));
  REQUIRE(net->fc1->weight.grad().dtype() == kFloat64);
  REQUIRE(values(net->fc1->weight) == old_weight);  // float32 -> float64 is exact
  REQUIRE(net->named_buffers()["scale"].dtype() == kFloat64);
  REQUIRE(net->scale.dtype() == kFloat64);
  REQUIRE(net->named_buffers()["extra.count"].dtype() == kInt64);
  // the forward runs in float64
  auto y = net->forward(ones({2, 4}, kFloat64));
  REQUIRE(y.dtype() == kFloat64);
  net->to(Device(kCPU));
  REQUIRE(net->fc1->weight.dtype() == kFloat64);
  REQUIRE_THROWS_AS(net->to(kInt64), TypeError);
}

TEST_CASE("Module: to(dtype) keeps tied weights tied", "[nn]") {
  nn::Linear a(3, 3);
  nn::Sequential seq(a, a);
  seq->to(kFloat64);
  REQUIRE(seq->ptr<nn::LinearImpl>(0)->weight.is_same(seq->ptr<nn::LinearImpl>(1)->weight));
  REQUIRE(seq->parameters().size() == 2);
}

TEST_CASE("Module: zero_grad", "[nn]") {
  nn::Linear fc(3, 2);
  fc(ones({4, 3})).sum().backward();
  REQUIRE(fc->weight.grad().defined());
  fc->zero_grad(false);
  REQUIRE(values(fc->weight.grad()) == std::vector<double>(6, 0.0));
  fc->zero_grad();
  REQUIRE_FALSE(fc->weight.grad().defined());
  REQUIRE_FALSE(fc->bias.grad().defined());
}

TEST_CASE("Module: apply visits every module once, pre-order", "[nn]") {
  Net net;
  std::vector<std::string> names;
  net->apply([&](nn::Module& m) { names.push_back(m.name()); });
  REQUIRE(names == std::vector<std::string>{"Net", "Linear", "ReLU", "Sequential", "Linear", "GELU", "Linear",
                                            "ModuleList", "Linear", "Linear", "Linear"});
  std::vector<std::string> keys;
  net->apply([&](const std::string& key, nn::Module&) { keys.push_back(key); }, "net");
  REQUIRE(keys[0] == "net");
  REQUIRE(keys[4] == "net.body.0");
  int count = 0;
  net->apply([&](const std::shared_ptr<nn::Module>& m) { count += m != nullptr; });
  REQUIRE(count == 11);
  // apply as an initializer, libtorch's common use
  net->apply([](nn::Module& m) {
    if (auto* fc = dynamic_cast<nn::LinearImpl*>(&m)) nn::init::zeros_(fc->weight);
  });
  REQUIRE(values(net->fc1->weight) == std::vector<double>(32, 0.0));
}

TEST_CASE("Module holders: nullptr, sharing, ptr, operator()", "[nn]") {
  nn::Linear empty{nullptr};
  REQUIRE(empty.is_empty());
  REQUIRE_FALSE(static_cast<bool>(empty));
  REQUIRE_THROWS_WITH(empty->forward(ones({1, 1})), Catch::Contains("Accessing empty ModuleHolder"));
  nn::Linear fc(3, 4);
  REQUIRE_FALSE(fc.is_empty());
  nn::Linear copy = fc;
  REQUIRE(copy.get() == fc.get());
  REQUIRE(copy.ptr() == fc.ptr());
  REQUIRE(&*copy == fc.get());
  empty = fc;
  REQUIRE(empty.get() == fc.get());
  auto y = fc(ones({2, 3}));
  REQUIRE(y.sizes() == IntArrayRef{2, 4});
  // from a shared_ptr: wraps, does not copy
  auto impl = std::make_shared<nn::LinearImpl>(nn::LinearOptions(2, 2).bias(false));
  nn::Linear wrapped(impl);
  REQUIRE(wrapped.get() == impl.get());
  REQUIRE_FALSE(wrapped->bias.defined());
  REQUIRE(wrapped->options.bias() == false);
  // a default-constructed holder of a default-constructible module holds one
  nn::ReLU relu;
  REQUIRE_FALSE(relu.is_empty());
  Net net;
  REQUIRE(net->name() == "Net");
  REQUIRE_THROWS_AS(net->clone(), NotImplementedError);
}

TEST_CASE("Module: pretty_print and operator<< give Python's repr", "[nn]") {
  Net net;
  std::ostringstream os;
  os << net;
  REQUIRE(os.str() == kNetRepr);
  REQUIRE(nn::repr(*net) == kNetRepr);
  std::ostringstream own;
  net->fc1->pretty_print(own);
  REQUIRE(own.str() == "Linear(in_features=4, out_features=8, bias=True)");
  struct Plain : nn::Module {};
  REQUIRE(nn::repr(Plain()) == "Plain()");
}

namespace {
// The issue's C++ example without the convolution; optim is another helper's, so SGD is by hand.
struct MlpImpl : nn::Module {
  MlpImpl() : fc1(register_module("fc1", nn::Linear(4, 16))), fc2(register_module("fc2", nn::Linear(16, 3))) {}
  Tensor forward(Tensor x) { return fc2->forward(relu(fc1->forward(x.flatten(1)))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
EMBER_MODULE(Mlp);
}  // namespace

TEST_CASE("Module: a libtorch-style training loop lowers the loss", "[nn]") {
  manual_seed(0);
  Mlp net;
  auto x = randn({32, 2, 2});
  auto target = x.flatten(1).matmul(randn({4, 3}));  // learnable: a linear map of the input
  double first = 0, last = 0;
  for (int step = 0; step < 100; ++step) {
    net->zero_grad();
    auto loss = (net->forward(x) - target).pow(2).mean();
    loss.backward();
    {
      NoGradGuard no_grad;
      for (auto& p : net->parameters()) p.sub_(p.grad() * 0.1);
    }
    (step == 0 ? first : last) = loss.item<double>();
  }
  REQUIRE(last < 0.2 * first);
}

TEST_CASE("OrderedDict: insertion order, lookup, errors", "[nn]") {
  OrderedDict<std::string, int> d;
  d.insert("b", 2);
  d.insert("a", 1);
  d.insert("c", 3);
  REQUIRE(d.keys() == std::vector<std::string>{"b", "a", "c"});
  REQUIRE(d.values() == std::vector<int>{2, 1, 3});
  REQUIRE(d["a"] == 1);
  REQUIRE(d[0].key() == "b");
  REQUIRE(d[size_t{2}].value() == 3);
  REQUIRE(d.front().key() == "b");
  REQUIRE(d.back().value() == 3);
  REQUIRE(d.contains("c"));
  REQUIRE(d.find("z") == nullptr);
  REQUIRE_THROWS_WITH(d.insert("a", 5), "Key 'a' already defined");
  REQUIRE_THROWS_WITH(d["z"], "Key 'z' is not defined");
  REQUIRE_THROWS_AS(d[size_t{3}], IndexError);
  d.insert_or_assign("a", 10);
  REQUIRE(d.keys() == std::vector<std::string>{"b", "a", "c"});
  REQUIRE(d["a"] == 10);
  d.erase("b");
  REQUIRE(d.keys() == std::vector<std::string>{"a", "c"});
  REQUIRE(d["c"] == 3);  // the index follows the erase
  OrderedDict<std::string, int> other{{"c", 30}, {"d", 4}};
  d.update(other);
  REQUIRE(d.pairs() == std::vector<std::pair<std::string, int>>{{"a", 10}, {"c", 30}, {"d", 4}});
  int sum = 0;
  for (const auto& item : d) sum += item.value();
  REQUIRE(sum == 44);
  d.clear();
  REQUIRE(d.is_empty());
  REQUIRE_THROWS_AS(d.front(), IndexError);
}
