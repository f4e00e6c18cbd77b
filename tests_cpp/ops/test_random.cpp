#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

TEST_CASE("the Philox stream is the documented one (same numbers as tests_py/test_random.py)") {
  manual_seed(0);
  Tensor a = rand({6});
  const float expected[6] = {0.3990464210510254f, 0.9722411632537842f, 0.01944941282272339f,
                             0.7873677611351013f, 0.9345361590385437f, 0.450326144695282f};
  for (int i = 0; i < 6; ++i) REQUIRE(a.data_ptr<float>()[i] == expected[i]);
  manual_seed(7);
  Tensor r = randint(0, 100, {5});
  const int64_t ints[5] = {12, 23, 24, 31, 22};
  for (int i = 0; i < 5; ++i) REQUIRE(r.data_ptr<int64_t>()[i] == ints[i]);
  Generator g(5);
  Tensor x = randn({4}, g, kFloat64);
  Generator h(5);
  Tensor y = randn({4}, h, kFloat64);
  for (int i = 0; i < 4; ++i) REQUIRE(x.data_ptr<double>()[i] == y.data_ptr<double>()[i]);
  REQUIRE(rand({2, 3}, kFloat64).dtype() == kFloat64);
}
