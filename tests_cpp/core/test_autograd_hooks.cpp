// The runtime's autograd hooks (Note [autograd hooks], src/core/autograd_hooks.h): this binary links
// libember, whose static initializers fill them, so the runtime's op bodies record.
#include <catch2/catch.hpp>

#include "core/autograd_hooks.h"
#include "ember/ember.h"

using namespace ember;

TEST_CASE("libember fills the runtime's autograd hooks when it loads", "[core][layers]") {
  REQUIRE(detail::autograd_loaded());
  const detail::AutogradHooks& h = detail::g_autograd_hooks;
  CHECK(h.grad);
  CHECK(h.set_grad);
  CHECK(h.refresh_view_grad_fn);
  CHECK(h.backward);
  CHECK(h.retain_grad);
  CHECK(h.retains_grad);
  CHECK(h.register_hook);
  CHECK(h.register_post_accumulate_grad_hook);
  CHECK(h.delayed_error);
  CHECK(h.record_cat);
  CHECK(h.record_index_put);
}

TEST_CASE("the runtime's op bodies record through the hooks", "[core][layers]") {
  Tensor a = ones({2}, kFloat64).requires_grad_();
  Tensor b = full({2}, 3.0, kFloat64).requires_grad_();
  Tensor c = cat({a * b, a});  // generated (mul) and hand-written (cat) recording sites
  REQUIRE(c.grad_fn());
  CHECK(c.grad_fn()->name() == "CatBackward0");
  c.sum().backward();
  CHECK(a.grad().sum().item<double>() == Approx(8.0));  // 3 + 1 per element
  CHECK(b.grad().sum().item<double>() == Approx(2.0));
  {
    NoGradGuard g;
    CHECK_FALSE((a * b).grad_fn());  // grad mode off: nothing asked of the hooks
  }
}

TEST_CASE("autograd_not_loaded names what needs autograd", "[core][layers]") {
  CHECK_THROWS_WITH(detail::autograd_not_loaded("backward"),
                    Catch::Contains("backward: autograd is not available in this process") &&
                        Catch::Contains("Ember::runtime"));
  CHECK_THROWS_AS(detail::autograd_not_loaded("grad"), NotImplementedError);
}
