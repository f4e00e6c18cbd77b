#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;
using namespace ember::indexing;

static std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  const double* p = static_cast<const double*>(c.data_ptr());
  return std::vector<double>(p, p + c.numel());
}

TEST_CASE("view ops share storage and the version counter") {
  auto x = arange(12, kFloat64).view({3, 4});
  for (const Tensor& v : {x.unsqueeze(0), x.squeeze(), x.narrow(1, 1, 2), x.select(0, -1), x.movedim({0}, {1}),
                          x.diagonal(), x.unfold(1, 2, 1), x.t(), x.as_strided({2}, {5})}) {
    REQUIRE(v.impl()->storage() == x.impl()->storage());
  }
  auto s = x.select(1, 2);
  REQUIRE(values(s) == std::vector<double>{2, 6, 10});
  uint32_t before = x._version();
  s.fill_(0);
  REQUIRE(x._version() == before + 1);
  REQUIRE(x.diagonal(1)._version() == x._version());
  REQUIRE(values(x.flip({1}).select(0, 0)) == std::vector<double>{3, 0, 1, 0});
  DimVector shifts{1}, dims{0};  // (a braced {0} for an std::optional<IntArrayRef> would dangle)
  REQUIRE(values(x.roll(shifts, IntArrayRef(dims)).select(0, 0)) == std::vector<double>{8, 9, 0, 11});
}

TEST_CASE("index with Slice/None/Ellipsis like torch::indexing") {
  auto x = arange(24, kFloat64).view({2, 3, 4});
  auto v = x.index({Slice(None, None, -1), 0, None, Slice(1, None, 2)});  // x[::-1, 0, None, 1::2]
  REQUIRE(v.sizes().vec() == std::vector<int64_t>{2, 1, 2});
  REQUIRE(values(v) == std::vector<double>{13, 15, 1, 3});
  REQUIRE(v.stride(0) == -12);
  REQUIRE(v.stride(2) == 2);
  REQUIRE(v.impl()->storage() == x.impl()->storage());
  REQUIRE(x.index({Ellipsis, -1}).sizes().vec() == std::vector<int64_t>{2, 3});
  REQUIRE(x.index({"...", 3, None}).sizes().vec() == std::vector<int64_t>{2, 3, 1});
  REQUIRE_THROWS_AS(x.index({5}), IndexError);
  REQUIRE_THROWS_WITH(x.index({0, 0, 0, 0}), "too many indices for tensor of dimension 3");
  REQUIRE(x.index({arange(2), Slice(), tensor({3, 0})}).sizes().vec() == std::vector<int64_t>{2, 3});  // copies
  REQUIRE(values(x.index({1, 2, arange(2)})) == std::vector<double>{20, 21});
  REQUIRE_THROWS_WITH(x.index({tensor({2})}), "index 2 is out of bounds for dimension 0 with size 2");
  REQUIRE(x.index({Slice(), true, Slice(), 0}).sizes().vec() == std::vector<int64_t>{2, 1, 3});  // as PyTorch
  REQUIRE(x.index({false}).sizes().vec() == std::vector<int64_t>{0, 2, 3, 4});

  x.index_put_({Slice(), -1}, 0.0);
  REQUIRE(x.index({1, 2, 3}).item<double>() == 0.0);
  x.index_put_({0, Slice(), Slice(None, None, -1)}, arange(4, kFloat64));  // broadcast over rows, reversed
  REQUIRE(values(x.index({0, 1})) == std::vector<double>{3, 2, 1, 0});
}

TEST_CASE("index_put_ is recorded by autograd") {
  auto x = ones({2, 3}, TensorOptions(kFloat64).requires_grad(true));
  auto w = ones({3}, TensorOptions(kFloat64).requires_grad(true));
  auto y = x * 2;
  y.index_put_({1}, w * 5);
  y.sum().backward();
  REQUIRE(values(x.grad()) == std::vector<double>{2, 2, 2, 0, 0, 0});
  REQUIRE(values(w.grad()) == std::vector<double>{5, 5, 5});
}

TEST_CASE("split, chunk and unbind return views") {
  auto x = arange(10, kFloat64).view({5, 2});
  auto parts = split(x, 2);
  REQUIRE(parts.size() == 3);
  REQUIRE(parts[2].sizes().vec() == std::vector<int64_t>{1, 2});
  REQUIRE(values(parts[1]) == std::vector<double>{4, 5, 6, 7});
  REQUIRE(parts[1].impl()->storage() == x.impl()->storage());
  DimVector sizes{1, 4};
  REQUIRE(split_with_sizes(x, sizes)[1].sizes().vec() == std::vector<int64_t>{4, 2});
  REQUIRE_THROWS_WITH(split_with_sizes(x, IntArrayRef(sizes.data(), 1)),
                      "split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), "
                      "but got split_sizes=[1]");
  REQUIRE(chunk(x, 2, 1).size() == 2);
  REQUIRE(values(chunk(x, 2, 1)[1]) == std::vector<double>{1, 3, 5, 7, 9});
  REQUIRE(chunk(zeros({0}), 3).size() == 3);
  auto rows = unbind(x, 1);
  REQUIRE(rows.size() == 2);
  REQUIRE(values(rows[0]) == std::vector<double>{0, 2, 4, 6, 8});
  REQUIRE_THROWS_AS(unbind(tensor({1.0}).view(std::vector<int64_t>{})), IndexError);  // view({}) is view(dtype), as in libtorch
}

TEST_CASE("an empty slice keeps PyTorch's storage offset") {
  Tensor x = arange(6.0);
  CHECK(ember::slice(x, 0, 1, 1).storage_offset() == 1);
  CHECK(ember::slice(x, 0, 9).storage_offset() == 6);
  CHECK(x.index({Slice(4, 2)}).storage_offset() == 4);
  CHECK(ember::slice(x, 0, 1, 1).numel() == 0);
  Tensor m = arange(12.0).reshape({3, 4});
  CHECK(m.index({Slice(), Slice(2, 2)}).storage_offset() == 2);
}

TEST_CASE("t[i] is select(0, i), as libtorch's Tensor::operator[]") {
  auto t = arange(12, kInt64).view({3, 4});
  size_t row = 2;  // datasets index with size_t
  auto r = t[static_cast<int64_t>(row)];
  CHECK(r.sizes() == std::vector<int64_t>{4});
  CHECK(r.data_ptr() == t.select(0, 2).data_ptr());  // a view, no copy
  CHECK(t[-1][3].item<int64_t>() == 11);
  CHECK_THROWS_AS(t[3], ember::IndexError);
}
