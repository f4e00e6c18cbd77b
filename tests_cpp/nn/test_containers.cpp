// Sequential, ModuleList, ModuleDict, AnyModule, Functional.
#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;
namespace F = ember::nn::functional;

namespace {
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

struct AddImpl : nn::Module {
  AddImpl() : nn::Module("Add") {}
  Tensor forward(const Tensor& a, const Tensor& b) { return a + b; }
};
EMBER_MODULE(Add);

struct CountImpl : nn::Module {
  int64_t forward(const Tensor& x) { return x.numel(); }
};
}  // namespace

TEST_CASE("Sequential: construction, forward chaining, indexing", "[nn]") {
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  REQUIRE(seq->size() == 3);
  REQUIRE(seq->named_children().keys() == std::vector<std::string>{"0", "1", "2"});
  REQUIRE(seq->named_parameters().keys() == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  auto x = randn({5, 3});
  auto l0 = seq->ptr<nn::LinearImpl>(0);
  auto l2 = seq->ptr<nn::LinearImpl>(2);
  auto expected = l2->forward(relu(l0->forward(x)));
  REQUIRE(values(seq->forward(x)) == values(expected));
  REQUIRE(values(seq(x)) == values(expected));
  REQUIRE(seq[1]->name() == "ReLU");
  REQUIRE(seq->at<nn::LinearImpl>(2).options.out_features() == 2);
  REQUIRE_THROWS_AS(seq->ptr(3), IndexError);
  REQUIRE_THROWS_AS(seq->ptr<nn::ReLUImpl>(0), TypeError);
  int n = 0;
  for (const auto& m : *seq) n += !m.is_empty();
  REQUIRE(n == 3);
  nn::Sequential empty;
  REQUIRE_THROWS_WITH(empty->forward(x), "Cannot call forward() on an empty Sequential");
}

TEST_CASE("Sequential: push_back of holders, shared_ptrs, values, AnyModule; named construction", "[nn]") {
  nn::Sequential seq;
  seq->push_back(nn::Linear(2, 2));
  seq->push_back(std::make_shared<nn::TanhImpl>());
  seq->push_back(nn::SigmoidImpl());
  seq->push_back("last", nn::AnyModule(nn::Identity()));
  REQUIRE(seq->named_children().keys() == std::vector<std::string>{"0", "1", "2", "last"});
  REQUIRE(seq->forward(ones({1, 2})).sizes() == IntArrayRef{1, 2});

  nn::Sequential named({{"fc", nn::Linear(3, 4)}, {"act", nn::ReLU()}, {"out", nn::Linear(4, 1)}});
  REQUIRE(named->named_parameters().keys() ==
          std::vector<std::string>{"fc.weight", "fc.bias", "out.weight", "out.bias"});
  REQUIRE(named->forward(ones({2, 3})).sizes() == IntArrayRef{2, 1});
  REQUIRE(nn::repr(*named) == "Sequential(\n  (fc): Linear(in_features=3, out_features=4, bias=True)\n"
                              "  (act): ReLU()\n  (out): Linear(in_features=4, out_features=1, bias=True)\n)");
  seq->extend(*named);
  REQUIRE(seq->size() == 7);
  REQUIRE(seq->named_children().keys().back() == "6");  // extend names by position, as Python
  REQUIRE_THROWS_WITH(seq->push_back("last", nn::ReLU()), "Submodule 'last' already defined");
}

TEST_CASE("Sequential: the first module may take several arguments", "[nn]") {
  nn::Sequential seq(Add{}, nn::ReLU());
  auto y = seq->forward(tensor({-1.0, 2.0}), tensor({0.5, 0.5}));
  REQUIRE(values(y) == std::vector<double>{0.0, 2.5});
}

TEST_CASE("AnyModule: any forward signature, checked at run time", "[nn]") {
  nn::AnyModule add(Add{});
  REQUIRE(values(add.forward(tensor({1.0}), tensor({2.0}))) == std::vector<double>{3.0});
  REQUIRE_THROWS_WITH(add.forward(tensor({1.0})), "Add's forward() expects 2 argument(s), but received 1");
  REQUIRE_THROWS_AS(add.forward(tensor({1.0}), 2.0), TypeError);
  nn::AnyModule count(std::make_shared<CountImpl>());
  REQUIRE(count.forward<int64_t>(ones({2, 3})) == 6);
  REQUIRE_THROWS_AS(count.forward(ones({2})), TypeError);  // returns int64_t, not Tensor
  REQUIRE(count.ptr()->name() == "Count");
  REQUIRE(&count.get<CountImpl>() == count.ptr<CountImpl>().get());
  nn::AnyModule empty;
  REQUIRE(empty.is_empty());
  REQUIRE_THROWS_AS(empty.forward(ones({1})), Error);
  // arithmetic arguments convert (Softmax's int64 dim is not an argument, but a module's double may be)
  struct ScaleImpl : nn::Module {
    Tensor forward(Tensor x, double s) { return x * s; }
  };
  nn::AnyModule scale(ScaleImpl{});
  REQUIRE(values(scale.forward(ones({1}), 3)) == std::vector<double>{3.0});
}

TEST_CASE("ModuleList", "[nn]") {
  nn::ModuleList list(nn::Linear(2, 3), nn::ReLU());
  list->push_back(nn::Linear(3, 1));
  list->push_back(std::make_shared<nn::TanhImpl>());
  REQUIRE(list->size() == 4);
  REQUIRE(list->named_parameters().keys() ==
          std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  list->insert(0, nn::Identity());
  REQUIRE(list->named_children().keys() == std::vector<std::string>{"0", "1", "2", "3", "4"});
  REQUIRE(list[0]->name() == "Identity");
  REQUIRE(list->ptr<nn::LinearImpl>(1)->options.in_features() == 2);
  REQUIRE(list->at<nn::LinearImpl>(3).options.out_features() == 1);
  REQUIRE_THROWS_AS(list->ptr(5), IndexError);
  Tensor x = ones({1, 2});
  for (const auto& m : *list) {
    if (auto fc = std::dynamic_pointer_cast<nn::LinearImpl>(m)) x = fc->forward(x);
  }
  REQUIRE(x.sizes() == IntArrayRef{1, 1});
  nn::ModuleList other(nn::Sigmoid{});
  list->extend(*other);
  REQUIRE(list->size() == 6);
  nn::ModuleList empty;
  REQUIRE(nn::repr(*empty) == "ModuleList()");
}

TEST_CASE("ModuleDict", "[nn]") {
  nn::ModuleDict dict(std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{
      {"a", nn::Tanh().ptr()}, {"b", nn::Linear(nn::LinearOptions(2, 2).bias(false)).ptr()}});
  REQUIRE(dict->keys() == std::vector<std::string>{"a", "b"});
  REQUIRE(dict->contains("a"));
  REQUIRE(dict->size() == 2);
  REQUIRE(dict->named_parameters().keys() == std::vector<std::string>{"b.weight"});
  REQUIRE(nn::repr(*dict) ==
          "ModuleDict(\n  (a): Tanh()\n  (b): Linear(in_features=2, out_features=2, bias=False)\n)");
  dict->insert("a", nn::Sigmoid());  // replaces in place
  REQUIRE(dict->keys() == std::vector<std::string>{"a", "b"});
  REQUIRE((*dict)["a"]->name() == "Sigmoid");
  REQUIRE(dict->at<nn::LinearImpl>("b").options.in_features() == 2);
  auto popped = dict->pop("a");
  REQUIRE(popped->name() == "Sigmoid");
  REQUIRE(dict->keys() == std::vector<std::string>{"b"});
  REQUIRE_THROWS_AS((*dict)["a"], IndexError);
  dict->clear();
  REQUIRE(dict->empty());
}

TEST_CASE("Functional wraps a function as a module", "[nn]") {
  nn::Functional f(ember::relu);
  REQUIRE(values(f(tensor({-1.0, 2.0}))) == std::vector<double>{0.0, 2.0});
  nn::Functional lambda([](Tensor x) { return x * 2; });
  REQUIRE(values(lambda(tensor({1.5}))) == std::vector<double>{3.0});
  nn::Functional bound(F::elu, F::ELUFuncOptions().alpha(2.0));
  REQUIRE(values(bound(tensor({0.0, 1.0}))) == std::vector<double>{0.0, 1.0});
  nn::Sequential seq(nn::Linear(2, 2), nn::Functional(ember::tanh), nn::Functional(F::softmax, 1));
  auto y = seq->forward(ones({3, 2}));
  for (double v : values(y.sum(1))) REQUIRE(v == Approx(1.0));
  REQUIRE(nn::repr(*f) == "Functional()");
}
