// Tracing C++ nn::Modules (include/ember/jit_nn/trace.h).
#include <ember/ember.h>
#include <ember/jit_nn/trace.h>

#include "../jit/jit_test_util.h"

using namespace ember;
using jit_test::checked;
using jit_test::count_kind;

TEST_CASE("jit trace_module: an nn::Sequential; parameters are attributes; gradients equal eager", "[jit]") {
  nn::Sequential net(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  Tensor x = ember::randn({5, 3});
  jit::Module traced = jit::trace_module(net, x);
  auto g = traced.get_method("forward").graph();
  checked(g);
  REQUIRE(count_kind(*g, "prim::GetAttr") == 6);  // two submodules + their weights and biases
  REQUIRE(traced.named_parameters().size() == 4);
  REQUIRE(traced.named_parameters()[0].first == "0.weight");
  REQUIRE(traced.named_children().size() == 3);
  Tensor x2 = ember::randn({7, 3});
  REQUIRE(ember::allclose(traced.forward({x2}).toTensor(), net->forward(x2)));
  traced.forward({x2}).toTensor().sum().backward();
  std::vector<Tensor> traced_grads;
  for (const Tensor& p : net->parameters()) {
    traced_grads.push_back(p.grad().clone());
    p.grad().zero_();
  }
  net->forward(x2).sum().backward();
  auto ps = net->parameters();
  for (size_t i = 0; i < ps.size(); ++i) REQUIRE(ember::allclose(traced_grads[i], ps[i].grad()));
  traced.eval();
  REQUIRE(!traced.children()[0].is_training());
}
