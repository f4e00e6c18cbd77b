// Node pre- and post-hooks and end-of-backward callbacks (autograd::queue_callback).
#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

TEST_CASE("node hooks: pre-hooks see and replace incoming gradients, post-hooks the produced ones", "[autograd][hooks]") {
  Tensor x = ember::ones({3}, TensorOptions(kFloat64)).set_requires_grad(true);
  Tensor y = x * 2;
  std::vector<std::string> order;
  uint64_t pre = y.grad_fn()->register_prehook([&](const autograd::variable_list& g) {
    order.push_back("pre");
    REQUIRE(g.size() == 1);
    return autograd::variable_list{g[0] * 10};
  });
  y.grad_fn()->register_hook([&](const autograd::variable_list& gin, const autograd::variable_list& gout) {
    order.push_back("post");
    double want = order.size() == 2 ? 10.0 : 1.0;  // the pre-hook is removed before the second backward
    REQUIRE(ember::allclose(gout[0], ember::full({3}, want, TensorOptions(kFloat64))));
    REQUIRE(gin.size() == 2);  // self and other (the wrapped 2 has no gradient edge)
    return autograd::variable_list{};  // keep
  });
  y.sum().backward({}, true);
  REQUIRE(order == std::vector<std::string>{"pre", "post"});
  REQUIRE(ember::allclose(x.grad(), ember::full({3}, 20.0, TensorOptions(kFloat64))));
  REQUIRE(y.grad_fn()->remove_hook(pre));
  REQUIRE(!y.grad_fn()->remove_hook(pre));
  x.set_grad(Tensor());
  y.sum().backward();
  REQUIRE(ember::allclose(x.grad(), ember::full({3}, 2.0, TensorOptions(kFloat64))));
  REQUIRE(order == std::vector<std::string>{"pre", "post", "post"});
}

TEST_CASE("node hooks: a post-hook replaces the produced gradients; wrong counts raise", "[autograd][hooks]") {
  Tensor x = ember::ones({2}, TensorOptions(kFloat64)).set_requires_grad(true);
  Tensor y = x.exp();
  y.grad_fn()->register_hook([](const autograd::variable_list& gin, const autograd::variable_list&) {
    return autograd::variable_list{gin[0] * 0 + 7};
  });
  y.sum().backward({}, true);
  REQUIRE(ember::allclose(x.grad(), ember::full({2}, 7.0, TensorOptions(kFloat64))));
  Tensor z = x * 3;
  z.grad_fn()->register_prehook([](const autograd::variable_list& g) { return autograd::variable_list{g[0], g[0]}; });
  REQUIRE_THROWS_WITH(z.sum().backward(), Catch::Contains("pre-hook of MulBackward0 returned 2 gradients"));
}

TEST_CASE("queue_callback: runs when the backward pass finishes, in order, and only inside one", "[autograd][hooks]") {
  REQUIRE_THROWS_WITH(autograd::queue_callback([] {}),
                      Catch::Contains("Final callbacks can only be installed during backward pass"));
  Tensor x = ember::ones({2}, TensorOptions(kFloat64)).set_requires_grad(true);
  Tensor y = (x * 2).sum();
  std::vector<std::string> log;
  bool grad_ready_in_callback = false;
  x.register_hook([&](const Tensor& g) {
    log.push_back("hook");
    autograd::queue_callback([&] {
      log.push_back("cb1");
      grad_ready_in_callback = x.grad().defined();  // .grad is accumulated before final callbacks run
      autograd::queue_callback([&] { log.push_back("cb2"); });  // queued by a callback: runs too
    });
    return Tensor();
  });
  y.backward();
  REQUIRE(log == std::vector<std::string>{"hook", "cb1", "cb2"});
  REQUIRE(grad_ready_in_callback);
  REQUIRE_THROWS(autograd::queue_callback([] {}));  // the pass is over
}
