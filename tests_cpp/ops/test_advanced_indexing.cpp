// Advanced indexing from C++: the schema ops and Tensor indices in t.index / t.index_put_ (as libtorch).
#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;
using namespace ember::indexing;

static std::vector<double> vals(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  const double* p = static_cast<const double*>(c.data_ptr());
  return std::vector<double>(p, p + c.numel());
}

TEST_CASE("gather / scatter / index_select / masked ops") {
  auto x = arange(6, kFloat64).view({2, 3});
  auto i = tensor({int64_t(2), int64_t(0)}).view({1, 2});
  REQUIRE(vals(x.gather(1, i)) == std::vector<double>{2, 0});
  REQUIRE(vals(zeros({2, 3}, kFloat64).scatter(1, i, 5.0)) == std::vector<double>{5, 0, 5, 0, 0, 0});
  REQUIRE(vals(zeros({2, 3}, kFloat64).scatter_add_(1, i, x.narrow(1, 0, 2).narrow(0, 0, 1))) ==
          std::vector<double>{1, 0, 0, 0, 0, 0});
  REQUIRE(vals(x.index_select(0, tensor({int64_t(1), int64_t(1)}))) == std::vector<double>{3, 4, 5, 3, 4, 5});
  auto m = x > 2.5;
  REQUIRE(vals(x.masked_fill(m, -1.0)) == std::vector<double>{0, 1, 2, -1, -1, -1});
  REQUIRE(vals(x.masked_select(m)) == std::vector<double>{3, 4, 5});
  REQUIRE(nonzero(m).sizes().vec() == std::vector<int64_t>{3, 2});
  REQUIRE_THROWS_WITH(x.gather(1, tensor({int64_t(3)}).view({1, 1})),
                      "index 3 is out of bounds for dimension 1 with size 3");
  REQUIRE_THROWS_AS(x.gather(1, tensor({3}).view({1, 1})), Error);
}

TEST_CASE("Tensor indices in index / index_put_") {
  auto x = arange(6, kFloat64).view({2, 3});
  auto m = x > 2.5;
  REQUIRE(vals(x.index({m})) == std::vector<double>{3, 4, 5});
  REQUIRE(vals(x.index({Slice(), tensor({int64_t(-1), int64_t(0)})})) == std::vector<double>{2, 0, 5, 3});
  x.index_put_({m}, 0.0);
  REQUIRE(vals(x) == std::vector<double>{0, 1, 2, 0, 0, 0});
  x.index_put_({Slice(), tensor({int64_t(1)})}, tensor({7.0, 8.0}).view({2, 1}));
  REQUIRE(vals(x) == std::vector<double>{0, 7, 2, 0, 8, 0});
  std::vector<Tensor> ix{tensor({int64_t(0), int64_t(0)})};
  x.index_put_(TensorList(ix), ones({3}, kFloat64), /*accumulate=*/true);
  REQUIRE(vals(x.select(0, 0)) == std::vector<double>{2, 9, 4});
}
